import RasterIO

extension AnomalyDelineation {
    /// Writes the areas as polygons (GeoPackage or GeoJSON) with their statistics, outlined from the
    /// rank raster `labels` that `run(map:labels:)` wrote. `unit`: the map's unit, named in the
    /// layer's description ("" when none is known).
    public static func writePolygons(_ areas: [Area], labels: String, to path: String, unit: String = "") throws {
        let raster = try Raster.open(labels)
        let regions = try Polygonizer.regions(of: labels)
        let writer = try VectorLayerWriter(
            path: path, layerName: "anomaly_areas", geometry: .multiPolygon,
            fields: [VectorField("rank", .integer), VectorField("area_m2", .real), VectorField("pixels", .integer),
                     VectorField("mean_content", .real), VectorField("max_content", .real), VectorField("excess", .real)],
            spatialReference: raster.spatialReference,
            description: "Anomaly areas ranked by excess content; area_m2 in square metres" + (unit.isEmpty ? "" : ", mean_content and max_content in \(unit), excess in \(unit) × m²"))
        for area in areas {
            guard let polygons = regions[area.rank] else {
                throw InversionError("\(labels): area \(area.rank) has no pixels; the label raster does not match the areas")
            }
            try writer.add(.multiPolygon(polygons), [.integer(area.rank), .real(area.areaSquareMetres), .integer(area.pixels),
                                                     .real(area.meanContent), .real(area.maxContent), .real(area.excess)])
        }
        try writer.commit()
    }
}
