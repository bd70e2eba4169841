#!/usr/bin/env python3
"""Reference sun positions for the sun-position tests, from pvlib's NREL SPA (Reda & Andreas 2004).

Run by hand: `pip install pvlib && python3 tools/reference-sun-positions.py > fixtures/reference/sun-positions-pvlib.csv`
48 instants: the fixture world's acquisition (2020-11-12 03:15:42 UTC at 107.22° E, 22.46° N), then
seeded-random times and places over 2014–2026 and over China (longitude 73–135° E, latitude
18–53° N), at whole UTC seconds as GF-2 metadata prints them, kept where the sun stands 10–80° from
the zenith (the azimuth is ill-conditioned near the zenith; satellites image by daylight).
Columns: time (UTC, "yyyy-MM-dd HH:mm:ss"), longitude, latitude (degrees), zenith (geometric, no
refraction) and azimuth (clockwise from north) in degrees, and the Earth–Sun distance in AU.
"""
import sys
import numpy as np
import pandas as pd
import pvlib

rng = np.random.default_rng(20260101)
rows = []
# The fixture world's acquisition (the paper's scene), then seeded-random ones.
fixed = [(pd.Timestamp("2020-11-12 03:15:42", tz="UTC").value // 10**9, 107.22, 22.46)]
while len(rows) < 48:
    if fixed:
        seconds, lon, lat = fixed.pop()
    else:
        seconds = rng.integers(pd.Timestamp("2014-01-01").value // 10**9, pd.Timestamp("2027-01-01").value // 10**9)
        lon, lat = round(float(rng.uniform(73, 135)), 4), round(float(rng.uniform(18, 53)), 4)
    time = pd.DatetimeIndex([pd.Timestamp(int(seconds), unit="s", tz="UTC")])
    sun = pvlib.solarposition.get_solarposition(time, lat, lon, method="nrel_numpy")
    zenith = float(sun["zenith"].iloc[0])
    if not 10 <= zenith <= 80:
        continue
    distance = float(pvlib.solarposition.nrel_earthsun_distance(time).iloc[0])
    rows.append((time[0].strftime("%Y-%m-%d %H:%M:%S"), lon, lat, zenith, float(sun["azimuth"].iloc[0]), distance))
rows.sort()
print(f"# pvlib {pvlib.__version__}, solarposition.get_solarposition(method='nrel_numpy') and nrel_earthsun_distance", file=sys.stderr)
print("time,lon,lat,zenith,azimuth,earth_sun_distance")
for time, lon, lat, zenith, azimuth, distance in rows:
    print(f"{time},{lon!r},{lat!r},{zenith:.6f},{azimuth:.6f},{distance:.8f}")
