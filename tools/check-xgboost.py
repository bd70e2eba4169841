#!/usr/bin/env python3
"""Interop check of Regolith's gradient-boosted trees against Python's xgboost (run by hand, not by CI).

Loads the XGBoost model Regolith saved in a model folder (xgboost.json, XGBoost's own JSON format)
with Debian's python3-xgboost (the same 1.7.4 as libxgboost-dev), predicts the rows of a feature CSV
(columns b1..b4; empty = missing) and writes the predictions, which
Tests/InversionTests/XGBoostInteropTests.swift compares with Regolith's own:
  fixtures/reference/xgboost-predictions.csv   id, prediction (float32, 9 significant digits)
Run: /usr/bin/python3 tools/check-xgboost.py [model folder] [features.csv] [out.csv]
Defaults: fixtures/reference/xgboost/model, fixtures/reference/xgboost/features.csv and the file above.
"""
import csv, json, sys
import numpy as np
import xgboost

folder = sys.argv[1] if len(sys.argv) > 1 else "fixtures/reference/xgboost/model"
features = sys.argv[2] if len(sys.argv) > 2 else "fixtures/reference/xgboost/features.csv"
out = sys.argv[3] if len(sys.argv) > 3 else "fixtures/reference/xgboost-predictions.csv"

spec = json.load(open(f"{folder}/model.json"))
assert spec["kind"] == "xgboost", spec["kind"]
names = [band["name"] for band in spec["input"]["bands"]]
booster = xgboost.Booster(model_file=f"{folder}/{spec['xgboost']['model']}")
# The training run Regolith marks every file of the folder with travels in the model's attributes.
assert booster.attr("regolith_run") == spec["run"], (booster.attr("regolith_run"), spec["run"])

rows = list(csv.DictReader(open(features)))
x = np.array([[float(row[name]) if row[name] != "" else np.nan for name in names] for row in rows], dtype=np.float32)
predicted = booster.predict(xgboost.DMatrix(x, missing=np.nan))
with open(out, "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["id", "prediction"])
    for row, value in zip(rows, predicted):
        writer.writerow([row["id"], f"{value:.9g}"])
print(f"xgboost {xgboost.__version__}: {len(rows)} predictions from {folder} written to {out}")
