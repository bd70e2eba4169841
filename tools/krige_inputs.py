"""Shared input reading of the hand-run kriging checks (`check-krige-grid.py`, `bench-pykrige.py`):
a `regolith krige` GeoTIFF with its grid, and the samples CSV projected to the map's CRS."""
import csv

import numpy as np
import tifffile
from pyproj import CRS, Transformer


def load_map(path):
    """The map's first band as an array, the outer corner (x, y) of pixel (0, 0), the pixel size
    (width, height, both positive; rows run south) and the EPSG code of its projected CRS."""
    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        image = page.asarray()
        scale = page.tags["ModelPixelScaleTag"].value
        tie = page.tags["ModelTiepointTag"].value
        epsg = page.geotiff_tags.get("ProjectedCSTypeGeoKey")
    return image, (tie[3], tie[4]), (scale[0], scale[1]), int(getattr(epsg, "value", epsg))


def load_samples(path, column, epsg):
    """x, y (in EPSG:epsg) and values of an `id,lon,lat,<column>` CSV in WGS 84."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    z = np.array([float(r[column]) for r in rows])
    x, y = Transformer.from_crs(CRS.from_epsg(4326), CRS.from_epsg(epsg), always_xy=True).transform(lon, lat)
    return np.asarray(x), np.asarray(y), z
