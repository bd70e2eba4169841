#!/usr/bin/env python3
"""PyKrige on the same samples, model and pixel grid as `regolith krige`, for a side-by-side throughput
figure and an independent check of the map. Run by hand; not part of `make test`.

    tools/bench-pykrige.py SAMPLES.csv MAP.tif --model exp --psill 8.9 --range 457.6 [--nugget 0]
                           [--nmax 32] [--size 200]

MAP.tif is a `regolith krige` output (point support; global, or the same --nmax). PyKrige kriges the
top-left SIZE × SIZE pixels single-threaded (the vectorised backend for the global neighbourhood, the C
backend with n_closest_points for --nmax; it always computes the variance too), prints its points per
second and the largest difference to the map there. gstat's range parameter r is converted to
PyKrige's R (exponential: R = 3r; Gaussian: R = 7r/4, PyKrige using exp(−d²/(4R/7)²); spherical: R = r).
Needs numpy, pyproj, tifffile, imagecodecs and pykrige (pip).
"""
import argparse
import time

import numpy as np
from pykrige.ok import OrdinaryKriging

from krige_inputs import load_map, load_samples

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

    image, (origin_x, origin_y), scale, epsg = load_map(args.map)
    x, y, z = load_samples(args.samples, args.column, epsg)

    size = args.size
    xs = origin_x + (np.arange(size) + 0.5) * scale[0]
    ys = origin_y - (np.arange(size) + 0.5) * scale[1]
    kriging = OrdinaryKriging(x, y, z, variogram_model=MODELS[args.model],
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
