#!/usr/bin/python3
"""Opens every output of a `regolith run` folder in QGIS itself, with the styles the run wrote.

Run by hand (not part of `make test`); QGIS comes from Debian:
    apt-get install -y --no-install-recommends qgis python3-qgis
    .build/debug/regolith run --out /tmp/run
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tools/check-qgis.py /tmp/run [--image map.png]

For each raster (content, content range flags, geochem, kriging variance, anomaly ranks) it prints what QGIS sees: validity,
size, CRS, per-band nodata, unit and description, overview count, and the renderer a `.qml`
beside it gave (with its ramp limits). For anomalies.gpkg it prints the layer, its fields, the
renderer and labelling from anomalies.qml, and QGIS's own geometry validity check (the
"Check validity" algorithm, GEOS method). It renders content.tif with the anomaly areas over it
to a PNG. Exits 1 when a layer does not load, a style does not apply, or a geometry is invalid.
"""
import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402  (after the platform is set)
    Qgis, QgsApplication, QgsGeometry, QgsMapRendererParallelJob, QgsMapSettings, QgsRasterLayer,
    QgsVectorLayer, QgsProject,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

RASTERS = ["content.tif", "content-range.tif", "geochem.tif", "geochem-variance.tif", "anomaly-ranks.tif"]


def describe_raster(path, problems):
    layer = QgsRasterLayer(path, os.path.basename(path))
    if not layer.isValid():
        problems.append(f"{path}: QGIS cannot open it")
        return None
    provider = layer.dataProvider()
    print(f"{os.path.basename(path)}: {layer.width()}×{layer.height()}, {layer.bandCount()} band(s), "
          f"CRS {layer.crs().authid()}")
    for band in range(1, layer.bandCount() + 1):
        nodata = provider.sourceNoDataValue(band) if provider.sourceHasNoDataValue(band) else None
        print(f"  band {band}: '{provider.generateBandName(band)}' / '{layer.bandName(band)}', nodata {nodata}, "
              f"overviews {'yes' if provider.hasPyramids() else 'no'}, "
              f"colour interpretation {provider.colorInterpretationName(band)}")
        if nodata is None:
            problems.append(f"{path}: band {band} has no nodata")
    style = os.path.splitext(path)[0] + ".qml"
    if os.path.exists(style):
        message, ok = layer.loadNamedStyle(style)
        renderer = layer.renderer()
        print(f"  style {os.path.basename(style)}: {'applied' if ok else 'NOT applied: ' + message}, "
              f"renderer {renderer.type()}")
        if not ok:
            problems.append(f"{style}: {message}")
        elif renderer.type() == "singlebandpseudocolor":
            shader = renderer.shader().rasterShaderFunction()
            print(f"  ramp {shader.minimumValue()} … {shader.maximumValue()}, "
                  f"{len(shader.colorRampItemList())} colour stops")
        else:
            problems.append(f"{style}: renderer {renderer.type()}, not singlebandpseudocolor")
    return layer


def check_areas(path, problems):
    layer = QgsVectorLayer(path, "anomalies", "ogr")
    if not layer.isValid():
        problems.append(f"{path}: QGIS cannot open it")
        return None
    print(f"anomalies.gpkg: {layer.featureCount()} feature(s), CRS {layer.crs().authid()}, "
          f"fields {[f.name() for f in layer.fields()]}")
    style = os.path.splitext(path)[0] + ".qml"
    if os.path.exists(style):
        message, ok = layer.loadNamedStyle(style)
        labels = layer.labeling()
        field = labels.settings().fieldName if labels is not None else None
        print(f"  style anomalies.qml: {'applied' if ok else 'NOT applied: ' + message}, renderer "
              f"{layer.renderer().type()}, labels {'on' if layer.labelsEnabled() else 'off'} (field {field})")
        if not ok or not layer.labelsEnabled():
            problems.append(f"{style}: not applied or no labels ({message})")
    invalid = []
    for feature in layer.getFeatures():
        errors = feature.geometry().validateGeometry(QgsGeometry.ValidatorGeos)
        if errors:
            invalid.append((feature.id(), [e.what() for e in errors][:3]))
    print(f"  QGIS geometry validity (GEOS): {layer.featureCount() - len(invalid)} valid, {len(invalid)} invalid")
    for fid, messages in invalid[:10]:
        print(f"    feature {fid}: {'; '.join(messages)}")
    if invalid:
        problems.append(f"{path}: {len(invalid)} invalid geometries")
    return layer


def render(layers, extent_layer, path):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(extent_layer.crs())
    settings.setExtent(extent_layer.extent())
    settings.setOutputSize(QSize(1000, 1000))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(path, "png")
    print(f"rendered {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a `regolith run` output folder")
    parser.add_argument("--image", help="map image to write (default: FOLDER/qgis-check.png)")
    args = parser.parse_args()

    QgsApplication.setPrefixPath("/usr", True)
    application = QgsApplication([], False)
    application.initQgis()
    print(f"QGIS {Qgis.QGIS_VERSION}")
    problems = []
    layers = {name: describe_raster(os.path.join(args.folder, name), problems) for name in RASTERS}
    areas = check_areas(os.path.join(args.folder, "anomalies.gpkg"), problems)
    content = layers.get("content.tif")
    if content is not None and areas is not None:
        QgsProject.instance().addMapLayers([content, areas])
        render([areas, content], content, args.image or os.path.join(args.folder, "qgis-check.png"))
    # Layers must go before QGIS does: freed after exitQgis they crash the interpreter's exit.
    QgsProject.instance().removeAllMapLayers()
    layers.clear()
    del content, areas
    application.exitQgis()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("all layers load with their styles" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
