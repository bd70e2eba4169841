import RasterIO

extension AnomalyDelineation {
    /// The layer's name in every output file (GeoPackage table, GeoJSON `name`).
    public static let layerName = "anomalies"

    /// Writes the areas as valid polygons (GeoPackage, or RFC 7946 GeoJSON in WGS 84) with their
    /// statistics, outlined from the rank raster `labels` that `run(map:labels:)` wrote, optionally
    /// simplified to `simplify` map units; returns the areas with their centroids (map CRS and
    /// longitude/latitude) and, when `support` is given, whether each lies within it. `unit`: the
    /// map's unit, named in the layer's description ("" when none is known). Areas carrying an
    /// `exceedanceProbability` add the field `p_exceed`.
    public static func writePolygons(_ areas: [Area], labels: String, to path: String, simplify: Double? = nil,
                                     support: SampleSupport? = nil, unit: String = "") throws -> [Area] {
        let raster = try Raster.open(labels)
        let outlines = try Polygonizer.outlines(of: labels, simplify: simplify)
        let toLonLat = try raster.spatialReference.map { try CoordinateTransformer(from: $0, to: .wgs84) }
        let withProbability = areas.contains { $0.exceedanceProbability != nil }
        let writer = try VectorLayerWriter(
            path: path, layerName: layerName, geometry: .multiPolygon,
            fields: [VectorField("rank", .integer), VectorField("area_m2", .real), VectorField("pixels", .integer),
                     VectorField("mean", .real), VectorField("max", .real), VectorField("excess", .real),
                     VectorField("centroid_x", .real), VectorField("centroid_y", .real),
                     VectorField("lon", .real), VectorField("lat", .real), VectorField("within_support", .integer)]
                + (withProbability ? [VectorField("p_exceed", .real)] : []),
            spatialReference: raster.spatialReference,
            description: "Anomaly areas ranked by excess content; area_m2 in square metres" + (unit.isEmpty ? "" : ", mean and max in \(unit), excess in \(unit) × m²")
                + (withProbability ? "; p_exceed the probability that the content exceeds the threshold at the area's mean, from the conformal residuals" : ""))
        var described: [Area] = []
        for var area in areas {
            guard let outline = outlines[area.rank] else {
                throw InversionError("\(labels): area \(area.rank) has no pixels; the label raster does not match the areas")
            }
            let centroid = outline.centroid
            area.centroidX = centroid.x
            area.centroidY = centroid.y
            if let toLonLat {
                let lonLat = try toLonLat.transform(x: centroid.x, y: centroid.y)
                area.longitude = lonLat.x
                area.latitude = lonLat.y
            }
            area.withinSupport = support.map { $0.contains(centroid) }
            try writer.add(outline.geometry, [
                .integer(area.rank), .real(area.areaSquareMetres), .integer(area.pixels),
                .real(area.meanContent), .real(area.maxContent), .real(area.excess),
                .real(centroid.x), .real(centroid.y),
                area.longitude.map { .real($0) } ?? .null, area.latitude.map { .real($0) } ?? .null,
                area.withinSupport.map { .integer($0 ? 1 : 0) } ?? .null,
            ] + (withProbability ? [area.exceedanceProbability.map { .real($0) } ?? .null] : []))
            described.append(area)
        }
        try writer.commit()
        return described
    }
}
