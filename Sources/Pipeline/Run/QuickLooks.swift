import Inversion
import NeuralNet
import RasterIO

/// The run's PNG quick-looks and their report figures: the content map, the anomaly areas over
/// it, the kriged geochemical map, its kriging variance, the MC-dropout standard deviation when
/// asked and, on a synthetic world, the true content. Each figure records where its map lies in the
/// image, so the page draws the coordinate frame, north arrow, rank labels and samples over it.
struct QuickLooks {
    var folder: RunFolder
    /// The mapped column and its unit.
    var value: TargetDescriptor
    var truth: String?
    /// The content map's second band is the MC-dropout standard deviation.
    var contentHasDeviation = false

    private struct Panel {
        var name: String
        var path: String
        var band = 1
        var outlines: String? = nil
        var title: String
        var caption: String
        var ranks = false
        var samples = false
        var unit: String
    }

    /// `intervalWidth`: the prediction interval's file when its width varies (band 3 is drawn).
    func render(content: String, geochemicalMap: String, variance: String?, labels: String, intervalWidth: String? = nil) throws -> [RunReport.Figure] {
        let unit = value.unit
        var panels = [
            Panel(name: "content.png", path: content, title: "Inverted content",
                  caption: "CNN prediction for every pixel (\(value.label)); white: nodata, outside the model's applicability domain.", unit: unit),
            Panel(name: "anomalies.png", path: content, outlines: labels, title: "Anomaly areas",
                  caption: "The delineated areas (red outlines, numbered by rank) over the inverted content; ranks in the table below.", ranks: true, unit: unit),
            Panel(name: "geochem.png", path: geochemicalMap, title: "Kriged geochemical map",
                  caption: "Ordinary kriging of the sample contents (\(value.label)) on the same grid; dots: the samples; white: nodata, beyond the samples' support.",
                  samples: true, unit: unit),
        ]
        if let variance {
            panels.append(Panel(name: "geochem-variance.png", path: variance, title: "Kriging variance",
                                caption: "The kriging variance of the geochemical map (\(value.squaredLabel)): low near the samples (dots), the sill far from them.",
                                samples: true, unit: value.squaredUnit))
        }
        if contentHasDeviation {
            panels.append(Panel(name: "content-sd.png", path: content, band: 2, title: "MC-dropout standard deviation",
                                caption: "Spread of the CNN's Monte-Carlo dropout passes at each pixel (\(value.label)): where the network itself is unsure.",
                                unit: unit))
        }
        if let intervalWidth {
            panels.append(Panel(name: "content-interval-width.png", path: intervalWidth, band: 3, title: "Prediction interval width",
                                caption: "Upper minus lower bound of the content's calibrated prediction interval (\(value.label)) at each pixel: where the map is least sure.",
                                unit: unit))
        }
        if let truth {
            panels.append(Panel(name: "truth.png", path: truth, title: "True content (synthetic world)", caption: "What the map should show.", unit: unit))
        }
        try AtomicTextFile.write(QGISStyle.outlinedAreas(), to: folder.file(.anomalyAreasStyle))
        return try panels.map { panel in
            let drawn = try QuickLook(unit: panel.unit).render(map: panel.path, band: panel.band, outlines: panel.outlines, to: folder.file(panel.name))
            // The styles draw the outputs as their quick-looks do (the plain band-1 panels only).
            if panel.band == 1, panel.outlines == nil, let style = styleEntry(of: panel.path) {
                try writeStyle(of: panel.path, limits: drawn, to: folder.file(style))
            }
            let frame = drawn.extent.map {
                RunReport.MapFrame(imageWidth: drawn.width, imageHeight: drawn.height, mapWidth: drawn.mapWidth, mapHeight: drawn.mapHeight,
                                   extent: $0, showsRanks: panel.ranks, showsSamples: panel.samples)
            }
            return RunReport.Figure(title: panel.title, file: panel.name, caption: panel.caption, map: frame)
        }
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
        let style = QGISStyle.pseudocolour(bandName: band.description, unit: value.unit,
                                           ramp: ColourRamp(lower: limits.lower, upper: limits.upper), nodata: band.nodata)
        try AtomicTextFile.write(style, to: path)
    }
}
