import Inversion
import RasterIO

/// The run's PNG quick-looks and their report figures: the content map, the anomaly areas over
/// it, the kriged geochemical map and, on a synthetic world, the true content.
struct QuickLooks {
    var folder: RunFolder
    var unit: String
    var column: String
    var truth: String?

    func render(content: String, geochemicalMap: String, labels: String) throws -> [RunReport.Figure] {
        var maps: [(name: String, path: String, title: String, caption: String)] = [
            ("content.png", content, "Inverted content", "CNN prediction for every pixel (\(column), \(unit)); white: nodata, outside the model's applicability domain."),
            ("geochem.png", geochemicalMap, "Kriged geochemical map", "Ordinary kriging of the sample contents on the same grid."),
        ]
        if let truth {
            maps.append(("truth.png", truth, "True content (synthetic world)", "What the map should show."))
        }
        let quickLook = QuickLook(unit: unit)
        for map in maps {
            let drawn = try quickLook.render(map: map.path, to: folder.file(map.name))
            if let style = styleEntry(of: map.path) { try writeStyle(of: map.path, limits: drawn, to: folder.file(style)) }
        }
        try AtomicTextFile.write(QGISStyle.outlinedAreas(), to: folder.file(.anomalyAreasStyle))
        _ = try quickLook.render(map: content, outlines: labels, to: folder.file("anomalies.png"))
        maps.insert(("anomalies.png", content, "Anomaly areas", "The delineated areas (red outlines) over the inverted content; ranks in the table below."), at: 1)
        return maps.map { RunReport.Figure(title: $0.title, file: $0.name, caption: $0.caption) }
    }

    /// The style file of a map of the run folder (none for the truth, which is not an output).
    private func styleEntry(of map: String) -> RunFolder.Entry? {
        switch map {
        case folder.file(.content): .contentStyle
        case folder.file(.geochemicalMap): .geochemicalMapStyle
        default: nil
        }
    }

    /// A QGIS style drawing the map as its quick-look does: the same ramp limits, nodata transparent.
    private func writeStyle(of map: String, limits: QuickLook.Result, to path: String) throws {
        let band = try Raster.open(map).bands[0]
        let style = QGISStyle.pseudocolour(bandName: band.description, unit: unit,
                                           ramp: ColourRamp(lower: limits.lower, upper: limits.upper), nodata: band.nodata)
        try AtomicTextFile.write(style, to: path)
    }
}
