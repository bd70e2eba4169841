import Foundation
import Inversion
import RasterIO
import TileEngine

/// High-anomaly areas of a content map (`anomalies`, step 7 of `run`): the threshold (given, or a
/// percentile of the unmasked pixels) on the map or its k × k focal mean, GDAL's sieve for small
/// holes, the streamed connected components, and their valid polygons.
public struct AnomalySearch: Sendable {
    /// The focal statistic of the smoothing.
    public enum Smoothing: String, Sendable, Equatable, CaseIterable, Codable {
        case mean, median
    }

    public enum Limit: Sendable, Equatable {
        case threshold(Double)
        case percentile(Double)
    }

    public var limit: Limit
    public var masks: AnomalyDelineation.Masks
    public var minimumArea: Double
    /// The map's unit, for the polygons' layer description; nil: the map band's unit type.
    public var unit: String?
    /// Holes smaller than this (m²) are filled (GDAL's sieve); 0: none.
    public var minimumHoleArea: Double = 0
    /// The side of the focal-mean window the threshold is applied to (odd; 1: the map itself).
    public var smoothing: Int = 1
    public var smoothingStatistic = Smoothing.mean
    /// Simplification tolerance of the polygons in map units (topology-preserving); nil: none.
    public var simplify: Double?
    /// The samples' support, for each area's `within_support`; nil: left empty.
    public var support: SampleSupport?
    /// The map's calibrated interval, for each area's probability of exceeding the threshold; nil: none.
    public var interval: ConformalInterval?
    public var engine = EngineOptions()

    public init(limit: Limit, masks: AnomalyDelineation.Masks, minimumArea: Double, unit: String? = nil) {
        self.unit = unit
        self.limit = limit
        self.masks = masks
        self.minimumArea = minimumArea
    }

    /// The default of `run`'s `smooth`, measured on run's content maps with min_hole 2000 (zone IoU,
    /// areas): fixture world K = 1 0.290, 7; K = 3 0.347, 8; K = 5 0.355, 8; K = 9 0.359, 8. A 1500 ×
    /// 1500 seed-2 world: K = 1 0.252, 45; K = 3 0.251, 73; K = 5 0.248, 78; K = 9 0.250, 74. 3 is
    /// the smallest window that takes most of the fixture world's gain (0.290 → 0.347) at no real
    /// IoU cost on the larger world, whose count rises (specks there merge into blobs above
    /// min_area); wider windows add little on either.
    public static let runSmoothing = 3
    /// The default of `run`'s `min_hole` (m²).
    public static let runMinimumHoleArea = 2000.0

    public struct Result: Sendable, CustomStringConvertible {
        public let threshold: Double
        public let percentile: Double?
        public let minimumArea: Double
        public let areas: [AnomalyDelineation.Area]
        public let output: String

        public var description: String {
            var lines = [String(format: "threshold    %.4g%@; %d area(s) of at least %.0f m²", threshold,
                                percentile.map { String(format: " (P%g)", $0) } ?? "", areas.count, minimumArea)]
            lines.append("rank      area m²   mean     max")
            for area in areas.prefix(10) {
                lines.append(String(format: "%4d %12.0f %7.3f %7.3f", area.rank, area.areaSquareMetres, area.meanContent, area.maxContent))
            }
            if areas.count > 10 { lines.append("… \(areas.count - 10) more") }
            lines.append("wrote \(output)")
            return lines.joined(separator: "\n")
        }
    }

    /// Delineates the areas of `map` into polygons at `out`; the raster of area ranks is kept at
    /// `labels` when given.
    public func run(map: String, out: String, labels: String?) throws -> Result {
        // The threshold (or percentile) applies to the smoothed map when smoothing.
        let smoothedPath = FileManager.default.temporaryDirectory.appendingPathComponent("regolith-smoothed-\(UUID().uuidString).tif").path
        defer { try? FileManager.default.removeItem(atPath: smoothedPath) }
        var decisionMap: String?
        if smoothing > 1 {
            switch smoothingStatistic {
            case .mean: _ = try TilePipeline.run(FocalMeanKernel(bands: [1], size: smoothing), input: map, output: smoothedPath, options: engine)
            case .median: _ = try TilePipeline.run(FocalMedianKernel(bands: [1], size: smoothing), input: map, output: smoothedPath, options: engine)
            }
            decisionMap = smoothedPath
        }
        let threshold: Double
        var percentile: Double?
        switch limit {
        case .threshold(let value):
            threshold = value
        case .percentile(let p):
            guard let value = try AnomalyDelineation.percentile(p, of: decisionMap ?? map, masks: masks) else {
                throw InversionError("\(map): no valid pixels to take a percentile of")
            }
            threshold = value
            percentile = p
        }
        let labelPath = labels ?? (out + ".labels.tif")
        defer { if labels == nil { try? FileManager.default.removeItem(atPath: labelPath) } }
        let delineation = AnomalyDelineation(threshold: threshold, minimumArea: minimumArea, minimumHoleArea: minimumHoleArea, masks: masks)
        var labelled = try delineation.run(map: map, decisionMap: decisionMap, labels: labelPath)
        if let interval {
            for i in labelled.indices {
                labelled[i].exceedanceProbability = interval.exceedanceProbability(predicted: labelled[i].meanContent, threshold: threshold)
            }
        }
        let areas = try AnomalyDelineation.writePolygons(labelled, labels: labelPath, to: out, simplify: simplify, support: support,
                                                                unit: try unit ?? Raster.open(map).bands[0].unitType)
        return Result(threshold: threshold, percentile: percentile, minimumArea: minimumArea, areas: areas, output: out)
    }
}
