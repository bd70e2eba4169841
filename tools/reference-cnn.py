#!/usr/bin/env python3
"""PyTorch reference for Regolith's NeuralNet module (run by hand, not by CI).

Builds the paper preset as a torch nn.Sequential with seeded random weights, saves it the way a
PyTorch user would (safetensors.torch.save_file) plus a model.json in Regolith's format, and writes
  fixtures/reference/cnn/model.json, model.safetensors   the model
  fixtures/reference/cnn/pixels.csv                      1000 raw band values and torch's prediction
  fixtures/reference/cnn/gradients.safetensors           d(MSE)/d(parameter) from autograd for a batch
  fixtures/reference/cnn/gradient-batch.csv              that batch (raw bands, raw target)
Needs torch and safetensors (`pip install torch safetensors`). Run: python3 tools/reference-cnn.py
"""
import json, os
import numpy as np
import torch
from torch import nn
from safetensors.torch import save_file

OUT = "fixtures/reference/cnn"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(20201112)
rng = np.random.default_rng(5218441)

# The paper preset; indices of ReLU/MaxPool/Flatten/Dropout count, as in Regolith.
net = nn.Sequential(
    nn.Conv2d(1, 16, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(16, 32, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Flatten(), nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 1))
names = list(net.state_dict().keys())
assert names == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "10.weight", "10.bias"], names
macs = 16 * 16 * 4 + 32 * 4 * 16 * 4 + 32 * 64 + 64
assert macs == 11328

means = np.array([352.0, 381.5, 404.25, 421.0], dtype=np.float32)
sds = np.array([41.0, 44.5, 52.25, 57.0], dtype=np.float32)
target_mean, target_sd = np.float32(2.875), np.float32(1.25)

save_file({k: v.contiguous() for k, v in net.state_dict().items()}, f"{OUT}/model.safetensors", metadata={"format": "pt"})
layers = [
    {"index": 0, "type": "conv2d", "inChannels": 1, "outChannels": 16, "kernel": 2, "padding": "same"},
    {"index": 1, "type": "relu"}, {"index": 2, "type": "maxpool2d", "size": 2, "stride": 2},
    {"index": 3, "type": "conv2d", "inChannels": 16, "outChannels": 32, "kernel": 2, "padding": "same"},
    {"index": 4, "type": "relu"}, {"index": 5, "type": "maxpool2d", "size": 2, "stride": 2},
    {"index": 6, "type": "flatten"}, {"index": 7, "type": "dense", "inFeatures": 32, "outFeatures": 64},
    {"index": 8, "type": "relu"}, {"index": 9, "type": "dropout", "probability": 0.3},
    {"index": 10, "type": "dense", "inFeatures": 64, "outFeatures": 1}]
spec = {
    "format": "regolith-model", "formatVersion": 1,
    "architecture": {"preset": "paper", "inputShape": [1, 4, 4], "layers": layers},
    "input": {"layout": "replicated-rows", "rows": 4,
              "bands": [{"name": f"b{i}", "number": i} for i in range(1, 5)]},
    "standardisation": {"inputMeans": means.tolist(), "inputStandardDeviations": sds.tolist(),
                        "targetMean": float(target_mean), "targetStandardDeviation": float(target_sd)},
    "target": {"name": "RE2O3", "unit": "%"},
    "weights": "model.safetensors",
    "producer": f"tools/reference-cnn.py, torch {torch.__version__}",
}
with open(f"{OUT}/model.json", "w") as f:
    json.dump(spec, f, indent=2)

def network_input(raw):
    """Raw bands (n, 4) -> standardised (n, 1, 4, 4): each row is [b1 b2 b3 b4]."""
    z = (torch.from_numpy(raw) - torch.from_numpy(means)) / torch.from_numpy(sds)
    return z[:, None, None, :].expand(-1, 1, 4, 4).contiguous()

net.eval()
raw = (means + sds * rng.normal(size=(1000, 4)).astype(np.float32) * 1.5).astype(np.float32)
raw = np.round(raw, 2).astype(np.float32)
with torch.no_grad():
    predicted = net(network_input(raw))[:, 0] * target_sd + target_mean
with open(f"{OUT}/pixels.csv", "w") as f:
    f.write("# tools/reference-cnn.py: raw band values and the torch prediction (eval mode) of model.safetensors\n")
    f.write("b1,b2,b3,b4,prediction\n")
    for row, p in zip(raw, predicted.numpy()):
        f.write(",".join(repr(float(v)) for v in row) + f",{float(p)!r}\n")

# One training step's gradients: MSE of the standardised target, dropout inactive (eval mode).
batch = (means + sds * rng.normal(size=(40, 4)).astype(np.float32)).astype(np.float32)
batch = np.round(batch, 2).astype(np.float32)
targets = np.round(target_mean + target_sd * rng.normal(size=40), 3).astype(np.float32)
net.zero_grad()
z_target = (torch.from_numpy(targets) - float(target_mean)) / float(target_sd)
loss = nn.functional.mse_loss(net(network_input(batch))[:, 0], z_target)
loss.backward()
save_file({k: p.grad.contiguous() for k, p in net.named_parameters()}, f"{OUT}/gradients.safetensors",
          metadata={"loss": repr(float(loss))})
with open(f"{OUT}/gradient-batch.csv", "w") as f:
    f.write(f"# tools/reference-cnn.py: batch whose MSE (standardised target, eval mode) is {float(loss)!r}\n")
    f.write("b1,b2,b3,b4,target\n")
    for row, t in zip(batch, targets):
        f.write(",".join(repr(float(v)) for v in row) + f",{float(t)!r}\n")
print("loss", float(loss), "files:", sorted(os.listdir(OUT)))
