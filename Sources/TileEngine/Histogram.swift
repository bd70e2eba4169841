/// Counts of valid values in equal-width bins over [lower, upper], mergeable across tiles and
/// scenes; gives percentiles (the scene-wide dark object, histogram thresholds) without holding
/// the values.
public struct Histogram: Sendable, Equatable, Codable {
    public let lower: Double
    public let upper: Double
    public private(set) var counts: [Int]

    public init(lower: Double, upper: Double, bins: Int) {
        precondition(bins >= 1 && upper >= lower, "a histogram needs bins and an ordered range")
        self.lower = lower
        self.upper = upper
        counts = [Int](repeating: 0, count: bins)
    }

    public var total: Int { counts.reduce(0, +) }
    public var binWidth: Double { (upper - lower) / Double(counts.count) }

    /// Adds the values that are neither `nodata` nor NaN; values outside the range go to the end bins.
    public mutating func add(_ values: UnsafeBufferPointer<Double>, nodata: Double?) {
        let bins = counts.count
        let scale = upper > lower ? Double(bins) / (upper - lower) : 0
        counts.withUnsafeMutableBufferPointer { counts in
            for value in values where !value.isNaN && value != nodata {
                // Clamped before the conversion: an infinite value (or range) is no Int.
                let position = ((value - lower) * scale).rounded(.down)
                let bin = position >= Double(bins - 1) ? bins - 1 : position > 0 ? Int(position) : 0
                counts[bin] += 1
            }
        }
    }

    public mutating func merge(_ other: Histogram) {
        precondition(other.lower == lower && other.upper == upper && other.counts.count == counts.count,
                     "only histograms over the same bins merge")
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// The value below which `percent` % of the counted values fall, interpolated within its bin
    /// (exact to one bin width); nil for an empty histogram.
    public func percentile(_ percent: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let target = max(0, min(1, percent / 100)) * Double(n)
        var cumulative = 0.0
        for (i, count) in counts.enumerated() where count > 0 {
            if cumulative + Double(count) >= target {
                let within = (target - cumulative) / Double(count)
                return lower + (Double(i) + within) * binWidth
            }
            cumulative += Double(count)
        }
        return upper
    }
}
