#!/usr/bin/env python3
"""Checks a `regolith krige` map (global neighbourhood, point support) against ordinary kriging solved
independently with numpy at random pixels. Run by hand; not part of `make test`.

    tools/check-krige-grid.py SAMPLES.csv MAP.tif --model exp --psill 8.9 --range 457.6 [--nugget 0] [--pixels 2000]
                              [--variance VAR.tif]

The model parameters are the ones `regolith krige` prints (gstat's parameterisation). Samples are
`id,lon,lat,<value>` in WGS 84 and are projected to the map's CRS with pyproj. Needs numpy, pyproj,
tifffile and imagecodecs (pip). Reports the largest absolute and relative difference; the map is
Float32, so differences of about 1e-7 relative are its rounding.
"""
import argparse

import numpy as np

from krige_inputs import load_map, load_samples


def covariance(kind, psill, rng, nugget, h):
    if kind == "exp":
        c = psill * np.exp(-h / rng)
    elif kind == "sph":
        t = np.minimum(h / rng, 1)
        c = psill * (1 - t * (1.5 - 0.5 * t * t))
    elif kind == "gau":
        c = psill * np.exp(-(h / rng) ** 2)
    else:
        raise SystemExit(f"unknown model {kind}")
    return np.where(h == 0, psill + nugget, c)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples")
    parser.add_argument("map")
    parser.add_argument("--model", default="exp")
    parser.add_argument("--psill", type=float, required=True)
    parser.add_argument("--range", type=float, required=True)
    parser.add_argument("--nugget", type=float, default=0)
    parser.add_argument("--column", default="re2o3")
    parser.add_argument("--pixels", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variance", help="the kriging variance written beside the map, checked too")
    args = parser.parse_args()

    image, (origin_x, origin_y), scale, epsg = load_map(args.map)
    x, y, z = load_samples(args.samples, args.column, epsg)

    n = len(z)
    h = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    system = np.ones((n + 1, n + 1))
    system[:n, :n] = covariance(args.model, args.psill, args.range, args.nugget, h)
    system[n, n] = 0

    rng = np.random.default_rng(args.seed)
    rows_ = rng.integers(0, image.shape[0], args.pixels)
    cols = rng.integers(0, image.shape[1], args.pixels)
    px = origin_x + (cols + 0.5) * scale[0]
    py = origin_y - (rows_ + 0.5) * scale[1]
    d = np.hypot(x[:, None] - px[None, :], y[:, None] - py[None, :])
    right = np.ones((n + 1, args.pixels))
    right[:n] = covariance(args.model, args.psill, args.range, args.nugget, d)
    weights = np.linalg.solve(system, right)
    expected = weights[:n].T @ z
    report(args.map, image, rows_, cols, expected)
    if args.variance:
        variance_image = load_map(args.variance)[0]
        # sigma^2 = C(0) - lambda^T c - mu, with C(0) the sill (nugget included) for point support.
        expected_variance = args.psill + args.nugget - np.sum(weights[:n] * right[:n], axis=0) - weights[n]
        report(args.variance, variance_image, rows_, cols, expected_variance)
    print(f"({args.pixels} pixels, {n} samples, EPSG:{epsg})")


def report(path, image, rows, cols, expected):
    found = image[rows, cols].astype(np.float64)
    difference = np.abs(found - expected)
    relative = difference / np.maximum(1, np.abs(expected))
    print(f"{path} ({image.shape[1]} x {image.shape[0]}): largest |map - numpy| {difference.max():.3g}, relative {relative.max():.3g}; "
          f"Float32 half-ulp at the largest value {np.spacing(np.float32(np.abs(expected).max())) / 2:.3g}")


if __name__ == "__main__":
    main()
