#!/usr/bin/env python3
"""Reference for Regolith's relative radiometric normalisation (RelativeNormalisation.fit):
the pseudo-invariant selection (NDVI difference within 3 x 1.4826 MAD of its median) in numpy and
the symmetric Theil-Sen line per band from scipy.stats.theilslopes (slope: the geometric mean of
the reference-on-product slope and the inverse of the product-on-reference slope; intercept, as
theilslopes's method "separate": median(y) - slope * median(x)), on seeded pixel pairs that look like an overlap of two GF-2
products: a reference's 4-band TOA reflectance, the product's as gain x reference + offset with
noise (the gains of a product calibrated with the wrong year's coefficients), and 15 % changed
pixels (vegetation, cloud) that the selection must drop.

Run by hand; writes fixtures/reference/normalisation/pairs.csv (the pairs, float32 values) and
theilsen.csv (pixels kept, slope and intercept per band, mapping the product onto the reference).

    python3 tools/reference-normalisation.py
"""
import os

import numpy as np
from scipy.stats import theilslopes

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference", "normalisation")
os.makedirs(root, exist_ok=True)
rng = np.random.default_rng(18)
n = 1500
# Reference reflectance: soil and vegetation mixes (blue, green, red, NIR).
vegetation = rng.uniform(0, 1, n)
reference = np.stack([0.08 + 0.04 * (1 - vegetation), 0.10 + 0.03 * (1 - vegetation),
                      0.12 + 0.10 * (1 - vegetation), 0.25 + 0.20 * vegetation]) + rng.normal(0, 0.01, (4, n))
gains = np.array([0.1193 / 0.1322, 0.1530 / 0.1550, 0.1424 / 0.1477, 0.1569 / 0.1613])  # 2017's over 2016's
offsets = np.array([0.002, -0.001, 0.0015, 0.003])
product = gains[:, None] * reference + offsets[:, None] + rng.normal(0, 0.001, (4, n))
changed = rng.uniform(0, 1, n) < 0.15
product[:, changed] = np.stack([rng.uniform(0.05, 0.5, changed.sum()) for _ in range(4)])
product = product.astype(np.float32).astype(np.float64)
reference = reference.astype(np.float32).astype(np.float64)

with open(os.path.join(root, "pairs.csv"), "w") as f:
    f.write("# tools/reference-normalisation.py: seeded overlap pixel pairs, float32 reflectance\n")
    f.write(",".join([f"product_b{b + 1}" for b in range(4)] + [f"reference_b{b + 1}" for b in range(4)]) + "\n")
    for i in range(n):
        f.write(",".join(repr(float(np.float32(v))) for v in list(product[:, i]) + list(reference[:, i])) + "\n")

positive = np.all(product > 0, axis=0) & np.all(reference > 0, axis=0)
ndvi = lambda r: (r[3] - r[2]) / (r[3] + r[2])
difference = ndvi(product) - ndvi(reference)
median = np.median(difference[positive])
mad = max(1.4826 * np.median(np.abs(difference[positive] - median)), 1e-4)  # the floor RelativeNormalisation uses too
kept = positive & (np.abs(difference - median) <= 3 * mad)
with open(os.path.join(root, "theilsen.csv"), "w") as f:
    f.write(f"# tools/reference-normalisation.py: scipy {__import__('scipy').__version__} theilslopes both ways (symmetric) on the {kept.sum()} pseudo-invariant pairs\n")
    f.write("band,pixels,slope,intercept\n")
    for b in range(4):
        x, y = product[b, kept], reference[b, kept]
        forward = theilslopes(y, x)[0]
        backward = theilslopes(x, y)[0]
        slope = np.sign(forward) * np.sqrt(forward / backward)
        intercept = np.median(y) - slope * np.median(x)
        f.write(f"{b + 1},{kept.sum()},{float(slope)!r},{float(intercept)!r}\n")
print(open(os.path.join(root, "theilsen.csv")).read())
