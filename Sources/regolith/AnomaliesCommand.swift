import ArgumentParser
import Foundation
import Inversion
import TileEngine

struct AnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Delineate high-anomaly areas of a content map as ranked polygons (GeoPackage).",
        discussion: """
            Pixels at or above --threshold (or the map's --percentile), outside vegetation and water
            when masked, are grouped into 8-connected components over the whole scene — across tile
            borders, streamed in strips, so scenes larger than memory work. Areas smaller than
            --min-area are dropped; the rest are ranked by their excess content Σ(content − T) × area.
            Each polygon carries rank, area_m2, pixels, mean_content, max_content and excess.

            Buildings, bare rock and water can look like ore-bearing soil (the paper's false
            anomalies): mask vegetation and water with the scene's bands (--scene with
            --mask-vegetation / --mask-water), and check areas in villages by eye.

            Examples:
              regolith anomalies content.tif --percentile 95 --out areas.gpkg
              regolith anomalies content.tif --threshold 6.5 --scene refl.tif --mask-vegetation 0.4 --mask-water 0 --min-area 2000 --out areas.gpkg
            """
    )

    @Argument(help: "The content map.") var map: String
    @Option(help: "Content threshold.") var threshold: Double?
    @Option(help: "Threshold at this percentile of the map's valid pixels instead.") var percentile: Double?
    @Option(help: "A scene (reflectance or DN, bands green=2, red=3, NIR=4) for the masks.") var scene: String?
    @Option(help: "Leave out vegetation: NDVI above this (e.g. 0.4, or NDVI>0.4).") var maskVegetation: String?
    @Option(help: "Leave out water: NDWI above this (e.g. 0, or NDWI>0).") var maskWater: String?
    @Option(help: "Minimum area in m² (map units squared).") var minArea = 0.0
    @Option(help: "Output polygons (.gpkg or .geojson).") var out: String
    @Option(help: "Also keep the raster of area ranks (UInt32) at this path.") var labels: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (threshold == nil) != (percentile == nil) else { throw ValidationError("give exactly one of --threshold and --percentile") }
        if let percentile, !(0..<100).contains(percentile) { throw ValidationError("--percentile must be in [0, 100)") }
        for (name, text) in [("--mask-vegetation", maskVegetation), ("--mask-water", maskWater)] {
            if let text, Self.maskLimit(text) == nil { throw ValidationError("\(name) '\(text)' is not a number such as 0.4 or NDVI>0.4") }
        }
        if (maskVegetation != nil || maskWater != nil) && scene == nil { throw ValidationError("the masks need --scene") }
    }

    /// "0.4", "NDVI>0.4" or "ndwi > 0" → the limit.
    static func maskLimit(_ text: String) -> Double? {
        Double((text.split(separator: ">").last ?? "").trimmingCharacters(in: .whitespaces))
    }

    func run() throws {
        global.apply()
        let summary = try AnomalyStep.run(map: map, threshold: threshold, percentile: percentile,
                                          masks: .init(scene: scene, vegetationNDVI: maskVegetation.flatMap(Self.maskLimit),
                                                       waterNDWI: maskWater.flatMap(Self.maskLimit)),
                                          minArea: minArea, out: out, labels: labels)
        print(summary.text)
    }
}

/// The anomaly step, shared by `anomalies` and `run`.
enum AnomalyStep {
    struct Summary {
        let threshold: Double
        let areas: [AnomalyDelineation.Area]
        let text: String
    }

    static func run(map: String, threshold: Double?, percentile: Double?, masks: AnomalyDelineation.Masks,
                    minArea: Double, out: String, labels: String?) throws -> Summary {
        let limit: Double
        if let threshold {
            limit = threshold
        } else {
            guard let value = try StatisticsPass.histograms(paths: [map], bands: [1])[0].histogram.percentile(percentile!) else {
                throw CommandFailure(message: "\(map): no valid pixels to take a percentile of")
            }
            limit = value
        }
        let labelPath = labels ?? (out + ".labels.tif")
        defer { if labels == nil { try? FileManager.default.removeItem(atPath: labelPath) } }
        let areas = try AnomalyDelineation(threshold: limit, minimumArea: minArea, masks: masks).run(map: map, labels: labelPath)
        try AnomalyDelineation.writePolygons(areas, labels: labelPath, to: out)
        var lines = [String(format: "threshold    %.4g%@; %d area(s) of at least %.0f m²", limit,
                            percentile.map { String(format: " (P%g)", $0) } ?? "", areas.count, minArea)]
        lines.append("rank      area m²   mean     max")
        for area in areas.prefix(10) {
            lines.append(String(format: "%4d %12.0f %7.3f %7.3f", area.rank, area.areaSquareMetres, area.meanContent, area.maxContent))
        }
        if areas.count > 10 { lines.append("… \(areas.count - 10) more") }
        lines.append("wrote \(out)")
        return Summary(threshold: limit, areas: areas, text: lines.joined(separator: "\n"))
    }
}
