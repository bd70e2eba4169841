#!/usr/bin/env python3
"""Reference focal means (scipy.ndimage) for the feature-stack tests.

The fixture world's scene with a nodata hole (DN 0 in every band over columns 200-259, rows
300-339, as the test writes it): each band's mean over the 9 x 9 and 5 x 5 windows around a pixel,
counting only pixels inside the scene with data, at 1,200 pixels (seeded, plus the scene's corners,
edges and the hole's rim).

Run by hand: `python3 tools/reference-focal-means.py` (writes fixtures/reference/focal/means.csv).
"""
import numpy as np
import scipy
from osgeo import gdal
from scipy import ndimage

scene = "fixtures/world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff"
dn = gdal.Open(scene).ReadAsArray().astype(np.float64)
dn[:, 300:340, 200:260] = 0
valid = np.all(dn != 0, axis=0).astype(np.float64)
height, width = valid.shape

rng = np.random.default_rng(20261206)
points = {(int(c), int(r)) for c, r in zip(rng.integers(0, width, 1000), rng.integers(0, height, 1000))}
for k in range(0, 600, 7):
    points |= {(k, 0), (k, height - 1), (0, k), (width - 1, k)}
for c in range(194, 266, 3):
    points |= {(c, 296), (c, 343), (c, 320)}
points = sorted(points)

with open("fixtures/reference/focal/means.csv", "w") as f:
    f.write(f"# scipy {scipy.__version__} ndimage.uniform_filter (mode constant): sum over valid pixels / their count\n")
    f.write("side,column,row," + ",".join(f"b{b}" for b in range(1, 5)) + "\n")
    for side in (5, 9):
        count = ndimage.uniform_filter(valid, size=side, mode="constant", cval=0.0)
        with np.errstate(divide="ignore", invalid="ignore"):  # no valid pixel: written as nan below
            means = [ndimage.uniform_filter(dn[b] * valid, size=side, mode="constant", cval=0.0) / count for b in range(4)]
        for c, r in points:
            values = ["nan" if count[r, c] <= 0.5 / side**2 else repr(float(means[b][r, c])) for b in range(4)]
            f.write(f"{side},{c},{r}," + ",".join(values) + "\n")
print(sum(1 for _ in open("fixtures/reference/focal/means.csv")), "lines")
