import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO

struct AnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Delineate high-anomaly areas of a content map as ranked polygons (GeoPackage).",
        discussion: """
            Pixels at or above --threshold (or the map's --percentile), outside vegetation and water when masked, are grouped into 8-connected components over the whole scene — across tile borders, streamed in strips, so scenes larger than memory work. Areas smaller than --min-area are dropped; the rest are ranked by their excess content Σ(content − T) × area. Each polygon carries rank, area_m2, pixels, mean_content, max_content and excess.

            Buildings, bare rock and water can look like ore-bearing soil (the paper's false anomalies): mask vegetation and water with the scene's bands (--scene with --mask-vegetation / --mask-water), and check areas in villages by eye.

            Examples:
              regolith anomalies content.tif --percentile 95 --out areas.gpkg
              regolith anomalies content.tif --threshold 6.5 --scene refl.tif \\
                  --mask-vegetation 0.4 --mask-water 0 --min-area 2000 --out areas.gpkg
            """
    )

    @Argument(help: "The content map.") var map: String
    @Option(help: "Content threshold.") var threshold: Double?
    @Option(help: "Threshold at this percentile of the map's valid, unmasked pixels instead.") var percentile: Double?
    @Option(help: "A scene (reflectance or DN, bands green=2, red=3, NIR=4) for the masks.") var scene: String?
    @Option(help: "Leave out vegetation: NDVI above this (e.g. 0.4, or NDVI>0.4).") var maskVegetation: String?
    @Option(help: "Leave out water: NDWI above this (e.g. 0, or NDWI>0).") var maskWater: String?
    @Option(help: "Minimum area in m² (map units squared).") var minArea = 0.0
    @Option(help: "Output polygons (.gpkg or .geojson).") var out: String
    @Option(help: "Also keep the raster of area ranks (UInt32) at this path.") var labels: String?
    @Option(help: "The map's unit, named in the polygons' layer description (default: the map band's unit type, as invert records it).") var unit: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (threshold == nil) != (percentile == nil) else { throw ValidationError("give exactly one of --threshold and --percentile") }
        if let problem = threshold.flatMap(SettingRules.finite) { throw ValidationError("--threshold: \(problem)") }
        if let problem = percentile.flatMap(SettingRules.percentile) { throw ValidationError("--percentile: \(problem)") }
        if let problem = SettingRules.nonNegative(minArea) { throw ValidationError("--min-area: \(problem)") }
        for (name, text) in [("--mask-vegetation", maskVegetation), ("--mask-water", maskWater)] {
            guard let text else { continue }
            guard let limit = Self.maskLimit(text) else { throw ValidationError("\(name) '\(text)' is not a number such as 0.4 or NDVI>0.4") }
            if let problem = SettingRules.indexLimit(limit) { throw ValidationError("\(name): \(problem)") }
        }
        if (maskVegetation != nil || maskWater != nil) && scene == nil { throw ValidationError("the masks need --scene") }
    }

    /// "0.4", "NDVI>0.4" or "ndwi > 0" → the limit.
    static func maskLimit(_ text: String) -> Double? {
        Double((text.split(separator: ">").last ?? "").trimmingCharacters(in: .whitespaces))
    }

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: [(out, .file)] + (labels.map { [($0, .file)] } ?? []), inputs: [map] + (scene.map { [$0] } ?? []))
        let masks = AnomalyDelineation.Masks(scene: scene, vegetationNDVI: maskVegetation.flatMap(Self.maskLimit), waterNDWI: maskWater.flatMap(Self.maskLimit))
        let limit: AnomalySearch.Limit = threshold.map { .threshold($0) } ?? .percentile(percentile!)
        print(try AnomalySearch(limit: limit, masks: masks, minimumArea: minArea, unit: unit).run(map: map, out: out, labels: labels))
    }
}
