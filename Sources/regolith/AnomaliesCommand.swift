import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO

struct AnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Delineate high-anomaly areas of a content map as ranked, valid polygons (GeoPackage or GeoJSON).",
        discussion: """
            Pixels at or above --threshold (or the map's --percentile), outside vegetation and water when masked, form the areas. With --smooth K the threshold (and the percentile) applies to the map's K × K focal mean, so areas are regions of the map rather than salt-and-pepper pixels; the statistics stay the map's own values. GDAL's sieve then fills holes smaller than --min-hole (and removes specks of that size, 4-connected). The rest is grouped into 8-connected components over the whole scene — across tile borders, streamed in strips, so scenes larger than memory work. Areas smaller than --min-area are dropped; the rest are ranked by their excess content Σ(content − T) × area.

            The polygons come from GDAL's polygonizer, made valid by GEOS (OGR's MakeValid) and, with --simplify, simplified without changing their topology. The layer is named "anomalies". Each polygon carries rank, area_m2 (pixels × pixel area), pixels, mean and max (of the map's values), excess, centroid_x and centroid_y (map CRS), lon and lat (WGS 84), and within_support (1 when the centroid lies inside the samples' convex hull or within --range of a sample; empty without --samples). A .geojson output follows RFC 7946: WGS 84 longitude/latitude, no "crs" member.

            Buildings, bare rock and water can look like ore-bearing soil (the paper's false anomalies): mask vegetation and water with the scene's bands (--scene with --mask-vegetation / --mask-water), and check areas in villages by eye.

            Examples:
              regolith anomalies content.tif --percentile 95 --smooth 3 \\
                  --min-hole 2000 --out areas.gpkg
              regolith anomalies content.tif --threshold 6.5 --scene refl.tif \\
                  --mask-vegetation 0.4 --mask-water 0 --min-area 2000 --out areas.gpkg
              regolith anomalies content.tif --percentile 95 --samples samples.csv \\
                  --samples-crs EPSG:4326 --range 400 --out areas.geojson
            """
    )

    @Argument(help: "The content map.") var map: String
    @Option(help: "Content threshold.") var threshold: Double?
    @Option(help: "Threshold at this percentile of the map's valid, unmasked pixels instead.") var percentile: Double?
    @Option(help: "A scene (reflectance or DN, bands green=2, red=3, NIR=4) for the masks.") var scene: String?
    @Option(help: "Leave out vegetation: NDVI above this (e.g. 0.4, or NDVI>0.4).") var maskVegetation: String?
    @Option(help: "Leave out water: NDWI above this (e.g. 0, or NDWI>0).") var maskWater: String?
    @Option(help: "Minimum area in m² (map units squared).") var minArea = 0.0
    @Option(help: "Fill holes smaller than this, in m² (GDAL's sieve); 0: keep every hole.") var minHole = 0.0
    @Option(help: "Apply the threshold to the map's K × K focal mean (K odd; 1: no smoothing).") var smooth = 1
    @Option(help: "The focal statistic of --smooth: mean or median (robust to single extreme pixels).") var smoothStatistic = AnomalySearch.Smoothing.mean
    @Option(help: "Simplify the polygons to this tolerance in map units, keeping their topology.") var simplify: Double?
    @Option(help: "The samples CSV, for each area's within_support.") var samples: String?
    @Option(help: "Distance from a sample (map units) still within support, e.g. the variogram's practical range; 0: the hull only.") var range = 0.0
    @Option(help: "Output polygons (.gpkg or .geojson).") var out: String
    @Option(help: "Also keep the raster of area ranks (UInt32) at this path.") var labels: String?
    @OptionGroup var samplesFile: SamplesFileOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (threshold == nil) != (percentile == nil) else { throw ValidationError("give exactly one of --threshold and --percentile") }
        if let problem = threshold.flatMap(SettingRules.finite) { throw ValidationError("--threshold: \(problem)") }
        if let problem = percentile.flatMap(SettingRules.percentile) { throw ValidationError("--percentile: \(problem)") }
        if let problem = SettingRules.nonNegative(minArea) { throw ValidationError("--min-area: \(problem)") }
        if let problem = SettingRules.nonNegative(minHole) { throw ValidationError("--min-hole: \(problem)") }
        if let problem = SettingRules.smoothingWindow(smooth) { throw ValidationError("--smooth: \(problem)") }
        if let problem = simplify.flatMap(SettingRules.nonNegative) { throw ValidationError("--simplify: \(problem)") }
        if let problem = SettingRules.nonNegative(range) { throw ValidationError("--range: \(problem)") }
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
        try OutputPaths.check(outputs: [(out, .file)] + (labels.map { [($0, .file)] } ?? []),
                              inputs: [map] + (scene.map { [$0] } ?? []) + (samples.map { [$0] } ?? []))
        let masks = AnomalyDelineation.Masks(scene: scene, vegetationNDVI: maskVegetation.flatMap(Self.maskLimit), waterNDWI: maskWater.flatMap(Self.maskLimit))
        let limit: AnomalySearch.Limit = threshold.map { .threshold($0) } ?? .percentile(percentile!)
        var search = AnomalySearch(limit: limit, masks: masks, minimumArea: minArea,
                                   unit: samplesFile.unit.isEmpty ? nil : samplesFile.unit)
        (search.minimumHoleArea, search.smoothing, search.simplify) = (minHole, smooth, simplify)
        search.smoothingStatistic = smoothStatistic
        if let samples { search.support = try SampleSupport(samples: samplePoints(samples), range: range) }
        print(try search.run(map: map, out: out, labels: labels))
    }

    /// The samples' locations in the map's CRS.
    private func samplePoints(_ path: String) throws -> [VectorGeometry.Point] {
        guard let mapCRS = try Raster.open(map).spatialReference else { throw ValidationError("\(map) has no CRS; --samples needs one") }
        let read = try GeochemicalSamples(path: path, valueColumn: samplesFile.column, sourceCRS: samplesFile.sourceCRS(), targetCRS: mapCRS,
                                          format: samplesFile.format)
        return zip(read.x, read.y).map { VectorGeometry.Point(x: $0, y: $1) }
    }
}

extension AnomalySearch.Smoothing: ExpressibleByArgument {}
