import RasterIO

/// How many of a map's valid pixels lie outside the range of the targets its model was trained on:
/// there the model extrapolates (negative contents, or above any sample), and the values deserve
/// less trust than the validation suggests.
public struct TargetRangeCheck: Sendable, Codable, Equatable {
    /// The training targets' range.
    public let lower: Double
    public let upper: Double
    /// Valid pixels below `lower` or above `upper`.
    public let outside: Int
    public let validPixels: Int

    public var outsideFraction: Double { validPixels > 0 ? Double(outside) / Double(validPixels) : 0 }

    /// Counts band 1 of `map` against [lower, upper].
    public static func count(map path: String, lower: Double, upper: Double) throws -> TargetRangeCheck {
        let map = try Raster.open(path)
        let nodata = map.bands[0].nodata.map(Float.init)
        var outside = 0, valid = 0
        try RowStrips(map, bands: [1]).forEach { _, _, values in
            for v in values where !v.isNaN && v != nodata {
                valid += 1
                if Double(v) < lower || Double(v) > upper { outside += 1 }
            }
        }
        return TargetRangeCheck(lower: lower, upper: upper, outside: outside, validPixels: valid)
    }

    enum CodingKeys: String, CodingKey { case lower, upper, outside, validPixels, outsideFraction }

    public init(lower: Double, upper: Double, outside: Int, validPixels: Int) {
        (self.lower, self.upper, self.outside, self.validPixels) = (lower, upper, outside, validPixels)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lower: try c.decode(Double.self, forKey: .lower), upper: try c.decode(Double.self, forKey: .upper),
                  outside: try c.decode(Int.self, forKey: .outside), validPixels: try c.decode(Int.self, forKey: .validPixels))
    }

    /// The fraction is written too, for readers of `report.json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(outside, forKey: .outside)
        try c.encode(validPixels, forKey: .validPixels)
        try c.encode(outsideFraction, forKey: .outsideFraction)
    }
}
