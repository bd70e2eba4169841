#!/usr/bin/env python3
"""Reference Spearman/Pearson values (scipy) for the Geostatistics tests, on data with ties.

Run by hand: `python3 tools/reference-correlation.py` (writes fixtures/reference/correlation-*.csv).
"""
import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20201112)
n = 374
content = np.round(rng.lognormal(1.1, 0.55, n), 1)            # ties from rounding, like lab values
bands = {}
for b, slope in zip(range(1, 5), [0.0, -0.9, -1.1, -1.2]):
    noise = rng.normal(0, 6.0, n)
    bands[f"b{b}"] = np.round(300 + 40 * b + slope * content + noise)  # integer DNs: many ties

with open("fixtures/reference/correlation-data.csv", "w") as f:
    f.write("re2o3," + ",".join(bands) + "\n")
    for i in range(n):
        f.write(f"{float(content[i])!r}," + ",".join(f"{bands[k][i]:.0f}" for k in bands) + "\n")

with open("fixtures/reference/correlation-scipy.csv", "w") as f:
    f.write(f"# scipy {scipy.__version__}: spearmanr and pearsonr of re2o3 against each band\n")
    f.write("band,spearman_rho,spearman_p,pearson_r,pearson_p\n")
    for k, v in bands.items():
        rho, p = stats.spearmanr(content, v)
        r, pr = stats.pearsonr(content, v)
        f.write(f"{k},{float(rho)!r},{float(p)!r},{float(r)!r},{float(pr)!r}\n")
print(open("fixtures/reference/correlation-scipy.csv").read())
