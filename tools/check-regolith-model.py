#!/usr/bin/env python3
"""Loads a model folder written by Regolith into PyTorch and predicts three fixed pixels (run by hand).

Checks the other direction of tools/reference-cnn.py: Regolith's model.safetensors loads with
safetensors.torch.load_file into the paper preset's nn.Sequential with strict=True (same names,
shapes, dtype), and the predictions match the ones `neuralnet-timing <steps> <folder>` prints.
Usage: (cd Benchmarks && swift run -c release neuralnet-timing 200 /tmp/model) && python3 tools/check-regolith-model.py /tmp/model
"""
import json, sys
import torch
from torch import nn
from safetensors.torch import load_file

folder = sys.argv[1]
spec = json.load(open(f"{folder}/model.json"))
assert spec["architecture"]["preset"] == "paper", spec["architecture"]["preset"]
net = nn.Sequential(
    nn.Conv2d(1, 16, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(16, 32, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Flatten(), nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 1))
net.load_state_dict(load_file(f"{folder}/model.safetensors"), strict=True)
net.eval()
s = spec["standardisation"]
means, sds = torch.tensor(s["inputMeans"]), torch.tensor(s["inputStandardDeviations"])
for sample in [[300, 340, 380, 420], [352.5, 401, 366.25, 480], [250, 300, 450, 390]]:
    z = (torch.tensor(sample) - means) / sds
    with torch.no_grad():
        y = net(z.expand(1, 1, 4, 4))[0, 0].item() * s["targetStandardDeviation"] + s["targetMean"]
    print(f"PyTorch prediction for {sample}: {y!r}")
