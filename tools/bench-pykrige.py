#!/usr/bin/env python3
"""PyKrige on the same samples, model and pixel grid as `regolith krige`, for a side-by-side throughput
figure and an independent check of the map. Run by hand; not part of `make test`.

    tools/bench-pykrige.py SAMPLES.csv MAP.tif --model exp --psill 8.9 --range 457.6 [--nugget 0]
                           [--nmax 32] [--size 200]

MAP.tif is a `regolith krige` output (point support; global, or the same --nmax). PyKrige kriges the
top-left SIZE × SIZE pixels single-threaded (the vectorised backend for the global neighbourhood, the C
backend with n_closest_points for --nmax; it always computes the variance too), prints its points per
second and the largest difference to the map there. gstat's range parameter is converted to PyKrige's
(exponential: 3 r, Gaussian: r·√3, whose exp(−d²/(4/7·R)²)… see `pykrige_range`).
Needs numpy, pyproj, tifffile, imagecodecs and pykrige (pip).
"""
import argparse
import csv
import time

import numpy as np
import tifffile
from pykrige.ok import OrdinaryKriging
from pyproj import CRS, Transformer

MODELS = {"exp": "exponential", "sph": "spherical", "gau": "gaussian"}


def pykrige_range(model, gstat_range):
    # PyKrige: exponential 1 − exp(−d/(R/3)), Gaussian 1 − exp(−d²/(4R/7)²), spherical as gstat.
    return {"exp": 3 * gstat_range, "gau": gstat_range * 7 / 4, "sph": gstat_range}[model]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples")
    parser.add_argument("map")
    parser.add_argument("--model", default="exp", choices=MODELS)
    parser.add_argument("--psill", type=float, required=True)
    parser.add_argument("--range", type=float, required=True)
    parser.add_argument("--nugget", type=float, default=0)
    parser.add_argument("--column", default="re2o3")
    parser.add_argument("--nmax", type=int)
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()

    with tifffile.TiffFile(args.map) as tif:
        page = tif.pages[0]
        image = page.asarray()
        scale = page.tags["ModelPixelScaleTag"].value
        tie = page.tags["ModelTiepointTag"].value
        epsg = page.geotiff_tags.get("ProjectedCSTypeGeoKey")
    epsg = int(getattr(epsg, "value", epsg))
    with open(args.samples) as f:
        rows = list(csv.DictReader(f))
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    z = np.array([float(r[args.column]) for r in rows])
    x, y = Transformer.from_crs(CRS.from_epsg(4326), CRS.from_epsg(epsg), always_xy=True).transform(lon, lat)

    size = args.size
    xs = tie[3] + (np.arange(size) + 0.5) * scale[0]
    ys = tie[4] - (np.arange(size) + 0.5) * scale[1]
    kriging = OrdinaryKriging(np.asarray(x), np.asarray(y), z, variogram_model=MODELS[args.model],
                              variogram_parameters={"psill": args.psill, "range": pykrige_range(args.model, args.range),
                                                    "nugget": args.nugget})
    start = time.perf_counter()
    if args.nmax:
        values, _ = kriging.execute("grid", xs, ys, backend="C", n_closest_points=args.nmax)
    else:
        values, _ = kriging.execute("grid", xs, ys, backend="vectorized")
    seconds = time.perf_counter() - start
    points = size * size
    difference = np.abs(np.asarray(values) - image[:size, :size].astype(np.float64))
    neighbourhood = f"nmax {args.nmax}" if args.nmax else "global"
    print(f"PyKrige {MODELS[args.model]} {neighbourhood}: {points} points in {seconds:.2f} s = {points / seconds:,.0f} points/s; "
          f"largest |PyKrige - map| {difference.max():.3g}")


if __name__ == "__main__":
    main()
