#!/usr/bin/env python3
"""Reference coordinates for RasterIO's CRS tests, from pyproj (its own bundled PROJ build).

Run by hand: `pip install pyproj && python3 tools/reference-crs.py > fixtures/reference/crs-utm48n.csv`
Columns: longitude, latitude (WGS 84, EPSG:4326) and easting, northing in UTM 48N (EPSG:32648).
"""
import sys
from pyproj import Transformer, __version__, proj_version_str

points = [
    (105.0, 0.0),        # zone 48's central meridian on the equator: 500000, 0 exactly
    (107.22, 22.46),     # the paper's study area, Liutang, Chongzuo, Guangxi
    (107.2, 22.5),
    (102.5, 10.0),
    (107.9, 25.8),
    (104.1, -5.3),       # southern hemisphere, still expressed in the northern zone
]
to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
print(f"# pyproj {__version__}, PROJ {proj_version_str}", file=sys.stderr)
print("lon,lat,easting,northing")
for lon, lat in points:
    e, n = to_utm.transform(lon, lat)
    print(f"{lon!r},{lat!r},{e:.6f},{n:.6f}")
