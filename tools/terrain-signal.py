#!/usr/bin/env python3
"""How much of a terrain world's true content the terrain carries, measured with GDAL's own tools.

Run by hand on a world from `regolith synth --terrain`: `python3 tools/terrain-signal.py DIR`.
Slope and TPI come from `gdaldem` on DIR/dem.tif (TPI also on the DEM averaged to 40 m); on bare-crust
pixels it prints the content's Spearman correlation with each, and the share of the true content's
variance a linear model explains at 2000 random pixels from the four bands alone, from the bands with
slope, 40 m TPI, z and z², and the same with the bands averaged over 5 × 5 pixels. Needs numpy, scipy
and python3-gdal.
"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal
from scipy.ndimage import uniform_filter
from scipy.stats import spearmanr

world = sys.argv[1]
scene_path = glob.glob(os.path.join(world, "GF2*-MSS1.tiff")) or glob.glob(os.path.join(world, "truth/ortho-dn.tif"))
scene_ds = gdal.Open(scene_path[0])
scene = scene_ds.ReadAsArray().astype(np.float64)
gt = scene_ds.GetGeoTransform()
rows, columns = scene.shape[1:]


def truth(name):
    return gdal.Open(os.path.join(world, "truth", name)).ReadAsArray().astype(np.float64)


def on_scene_grid(path, resampling="bilinear"):
    """`path` warped onto the scene's grid (identity for the DEM's own 4 m cells)."""
    ds = gdal.Warp("", path, format="MEM", outputBounds=(gt[0], gt[3] + rows * gt[5], gt[0] + columns * gt[1], gt[3]),
                   xRes=gt[1], yRes=-gt[5], resampleAlg=resampling)
    return ds.ReadAsArray().astype(np.float64)


content, cover = truth("re2o3.tif"), truth("landcover.tif")
with tempfile.TemporaryDirectory() as tmp:
    dem_path = os.path.join(world, "dem.tif")
    coarse = os.path.join(tmp, "dem40.tif")
    subprocess.run(["gdalwarp", "-q", "-tr", "40", "40", "-r", "average", dem_path, coarse], check=True)
    layers = {}
    for name, tool, source in [("slope", "slope", dem_path), ("tpi", "TPI", dem_path), ("tpi40", "TPI", coarse)]:
        out = os.path.join(tmp, name + ".tif")
        subprocess.run(["gdaldem", tool, source, out, "-q"], check=True)
        layers[name] = on_scene_grid(out)
    layers["z"] = on_scene_grid(dem_path)

bare = cover == 1
print(f"{world}: {bare.mean():.0%} bare crust")
for name, label in [("slope", "gdaldem slope"), ("tpi", "gdaldem TPI (3 x 3, 4 m)"), ("tpi40", "gdaldem TPI on the DEM averaged to 40 m"),
                    ("z", "elevation")]:
    print(f"  Spearman(content, {label}): {spearmanr(content[bare], layers[name][bare]).correlation:+.3f}")

pixels = np.random.default_rng(0).choice(np.flatnonzero(bare), 2000, replace=False)
y = content.ravel()[pixels]
terrain = np.stack([layers["slope"].ravel()[pixels], layers["tpi40"].ravel()[pixels], layers["z"].ravel()[pixels],
                    layers["z"].ravel()[pixels] ** 2], 1)


def r2(x):
    x = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return 1 - (y - x @ beta).var() / y.var()


for label, bands in [("bands", scene), ("bands averaged 5 x 5", np.stack([uniform_filter(b, 5) for b in scene]))]:
    b = np.stack([band.ravel()[pixels] for band in bands], 1)
    print(f"  linear R² of the true content on {label}: {r2(b):.3f}; with slope, 40 m TPI, z, z²: {r2(np.column_stack([b, terrain])):.3f}")
