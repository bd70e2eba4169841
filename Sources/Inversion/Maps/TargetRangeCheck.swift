import RasterIO

/// How many of a map's valid pixels lie outside the range of the targets its model was trained on:
/// there the model extrapolates (negative contents, or above any sample), and the values deserve
/// less trust than the validation suggests.
public struct TargetRangeCheck: Sendable, Codable, Equatable {
    /// The training targets' range.
    public let lower: Double
    public let upper: Double
    /// Valid pixels below `lower`, and above `upper`.
    public let below: Int
    public let above: Int
    public let validPixels: Int

    public var outside: Int { below + above }

    public var outsideFraction: Double { validPixels > 0 ? Double(outside) / Double(validPixels) : 0 }

    /// Counts the flags `TargetRangeKernel` wrote (band 1 of `flags`): one pass over the flags, not the map.
    public static func count(flags path: String, lower: Double, upper: Double) throws -> TargetRangeCheck {
        let flags = try Raster.open(path)
        let nodata = flags.bands[0].nodata.map(Float.init)
        var below = 0, above = 0, valid = 0
        try RowStrips(flags, bands: [1]).forEach { _, _, values in
            for v in values where !v.isNaN && v != nodata {
                valid += 1
                if v == TargetRangeKernel.below { below += 1 } else if v == TargetRangeKernel.above { above += 1 }
            }
        }
        return TargetRangeCheck(lower: lower, upper: upper, below: below, above: above, validPixels: valid)
    }

    enum CodingKeys: String, CodingKey { case lower, upper, below, above, outside, validPixels, outsideFraction }

    public init(lower: Double, upper: Double, below: Int, above: Int, validPixels: Int) {
        (self.lower, self.upper, self.below, self.above, self.validPixels) = (lower, upper, below, above, validPixels)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lower: try c.decode(Double.self, forKey: .lower), upper: try c.decode(Double.self, forKey: .upper),
                  below: try c.decode(Int.self, forKey: .below), above: try c.decode(Int.self, forKey: .above),
                  validPixels: try c.decode(Int.self, forKey: .validPixels))
    }

    /// The total and the fraction are written too, for readers of `report.json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(below, forKey: .below)
        try c.encode(above, forKey: .above)
        try c.encode(outside, forKey: .outside)
        try c.encode(validPixels, forKey: .validPixels)
        try c.encode(outsideFraction, forKey: .outsideFraction)
    }
}
