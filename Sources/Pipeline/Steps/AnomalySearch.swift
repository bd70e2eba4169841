import Foundation
import Inversion
import RasterIO

/// High-anomaly areas of a content map (`anomalies`, step 7 of `run`): the threshold (given, or a
/// percentile of the unmasked pixels), the streamed connected components, and their polygons.
public struct AnomalySearch: Sendable {
    public enum Limit: Sendable, Equatable {
        case threshold(Double)
        case percentile(Double)
    }

    public var limit: Limit
    public var masks: AnomalyDelineation.Masks
    public var minimumArea: Double
    /// The map's unit, for the polygons' layer description; nil: the map band's unit type.
    public var unit: String?

    public init(limit: Limit, masks: AnomalyDelineation.Masks, minimumArea: Double, unit: String? = nil) {
        self.unit = unit
        self.limit = limit
        self.masks = masks
        self.minimumArea = minimumArea
    }

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
        let threshold: Double
        var percentile: Double?
        switch limit {
        case .threshold(let value):
            threshold = value
        case .percentile(let p):
            guard let value = try AnomalyDelineation.percentile(p, of: map, masks: masks) else {
                throw InversionError("\(map): no valid pixels to take a percentile of")
            }
            threshold = value
            percentile = p
        }
        let labelPath = labels ?? (out + ".labels.tif")
        defer { if labels == nil { try? FileManager.default.removeItem(atPath: labelPath) } }
        let areas = try AnomalyDelineation(threshold: threshold, minimumArea: minimumArea, masks: masks).run(map: map, labels: labelPath)
        try AnomalyDelineation.writePolygons(areas, labels: labelPath, to: out, unit: try unit ?? Raster.open(map).bands[0].unitType)
        return Result(threshold: threshold, percentile: percentile, minimumArea: minimumArea, areas: areas, output: out)
    }
}
