/// A perceptually ordered colour ramp (viridis, sampled at 9 stops, interpolated linearly):
/// low content dark blue, high content yellow, readable in greyscale and by colour-blind readers.
public struct ColourRamp: Sendable {
    static let viridis: [SIMD3<Double>] = [
        [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
        [31, 158, 137], [53, 183, 121], [109, 205, 89], [253, 231, 37],
    ]

    public let lower: Double
    public let upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper > lower ? upper : lower + 1
    }

    /// Opaque colour of `value` (clamped to the ramp's range).
    public func colour(_ value: Double) -> SIMD4<UInt8> {
        let t = max(0, min(1, (value - lower) / (upper - lower))) * Double(Self.viridis.count - 1)
        let i = min(Self.viridis.count - 2, Int(t))
        let f = t - Double(i)
        let c = Self.viridis[i] * (1 - f) + Self.viridis[i + 1] * f
        return SIMD4(UInt8(c.x.rounded()), UInt8(c.y.rounded()), UInt8(c.z.rounded()), 255)
    }

    /// CSS colour of `value`, for SVG plots.
    public func css(_ value: Double) -> String {
        let c = colour(value)
        return "rgb(\(c.x),\(c.y),\(c.z))"
    }
}
