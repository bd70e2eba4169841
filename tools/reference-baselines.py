#!/usr/bin/env python3
"""Reference values for Regolith's baselines and metrics, from scikit-learn (run by hand).

Reads fixtures/reference/baselines/sampleset.csv (a sample set written by `regolith samples` on the
fixture world) and writes, next to it:
  mlr.csv             intercept and coefficients of LinearRegression on b1..b4 -> re2o3
  pls-predictions.csv PLSRegression(n_components=k, scale=True) predictions for k = 1..4
  metrics.csv         r2_score and RMSE of the MLR predictions against re2o3_sample

    pip install scikit-learn numpy
    python3 tools/reference-baselines.py
"""
import csv
import pathlib

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error, r2_score

folder = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "reference" / "baselines"
with open(folder / "sampleset.csv") as f:
    rows = list(csv.DictReader(f))
bands = ["b1", "b2", "b3", "b4"]
X = np.array([[float(r[b]) for b in bands] for r in rows])
y = np.array([float(r["re2o3"]) for r in rows])
measured = np.array([float(r["re2o3_sample"]) for r in rows])

mlr = LinearRegression().fit(X, y)
with open(folder / "mlr.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["term", "value"])
    w.writerow(["intercept", repr(float(mlr.intercept_))])
    for b, c in zip(bands, mlr.coef_):
        w.writerow([b, repr(float(c))])

predictions = {k: PLSRegression(n_components=k, scale=True).fit(X, y).predict(X).ravel() for k in range(1, 5)}
with open(folder / "pls-predictions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id"] + [f"k{k}" for k in range(1, 5)])
    for i, r in enumerate(rows):
        w.writerow([r["id"]] + [repr(float(predictions[k][i])) for k in range(1, 5)])

p = mlr.predict(X)
with open(folder / "metrics.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["metric", "value"])
    w.writerow(["r2", repr(float(r2_score(measured, p)))])
    w.writerow(["rmse", repr(float(np.sqrt(mean_squared_error(measured, p))))])
    w.writerow(["sd", repr(float(np.std(measured, ddof=1)))])
