#!/usr/bin/env python3
"""The zone IoU a perfect content map could reach on a synthetic world (run by hand).

A map's anomaly areas are the pixels above a percentile of the (optionally k × k mean-smoothed)
map (run's defaults: P95, window 3); `run` scores them against the world's zones
(truth/zones.tif) by intersection over union.
This applies the same rule to the true content itself (truth/re2o3.tif, percentile over bare
ground, truth/landcover.tif == 1) for several percentiles and windows, so it shows the bound the
world sets on that IoU: where the background holds high content outside the zones, no map can
overlap the zones better than its own truth does.

    /usr/bin/python3 tools/zone-iou-bound.py WORLD [WORLD ...]

WORLD: a folder written by `regolith synth`. Needs numpy, scipy and GDAL's Python bindings
(python3-numpy, python3-scipy, python3-gdal).
"""
import sys

import numpy as np
from osgeo import gdal
from scipy.ndimage import uniform_filter

PERCENTILES = [90, 95, 97, 98, 99]
WINDOWS = [1, 3, 9, 25, 51, 101]


def read(path):
    dataset = gdal.Open(path)
    if dataset is None:
        sys.exit(f"{path}: cannot open")
    return dataset.GetRasterBand(1).ReadAsArray()


def main(worlds):
    if not worlds:
        sys.exit(__doc__)
    for world in worlds:
        content = read(f"{world}/truth/re2o3.tif").astype(np.float64)
        zones = read(f"{world}/truth/zones.tif") > 0
        bare = read(f"{world}/truth/landcover.tif") == 1
        print(f"{world}: zones {zones.mean():.4f} of the scene; IoU of (true content ≥ its percentile over bare ground) and the zones")
        print("window  " + "  ".join(f"P{p:<5g}" for p in PERCENTILES))
        best = 0.0
        for k in WINDOWS:
            smoothed = content if k == 1 else uniform_filter(content, k, mode="nearest")
            row = []
            for p in PERCENTILES:
                high = smoothed >= np.percentile(smoothed[bare], p)
                iou = (high & zones).sum() / (high | zones).sum()
                best = max(best, iou)
                row.append(f"{iou:.3f} ")
            print(f"{k:>6}  " + "  ".join(row))
        print(f"best {best:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
