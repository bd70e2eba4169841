/// Count, extremes, mean and variance of one band's valid pixels, mergeable across tiles
/// (Chan et al.'s pairwise update), so a streamed pass never holds more than a tile.
public struct BandStatistics: Sendable, Equatable, Codable {
    public private(set) var count: Int = 0
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = -.infinity
    public private(set) var mean: Double = 0
    /// Sum of squared deviations from the mean.
    private var m2: Double = 0

    public init() {}

    /// Population variance of the valid pixels (nil when there are none).
    public var variance: Double? { count > 0 ? m2 / Double(count) : nil }
    public var standardDeviation: Double? { variance.map { $0.squareRoot() } }

    /// Adds the values of `samples` that are neither `nodata` nor NaN.
    public mutating func add(_ samples: UnsafeBufferPointer<Double>, nodata: Double?) {
        var tile = BandStatistics()
        var sum = 0.0
        var lo = Double.infinity, hi = -Double.infinity
        var n = 0
        for value in samples where !value.isNaN && value != nodata {
            sum += value
            lo = Swift.min(lo, value)
            hi = Swift.max(hi, value)
            n += 1
        }
        guard n > 0 else { return }
        let tileMean = sum / Double(n)
        var squares = 0.0
        for value in samples where !value.isNaN && value != nodata {
            let d = value - tileMean
            squares += d * d
        }
        tile.count = n
        tile.minimum = lo
        tile.maximum = hi
        tile.mean = tileMean
        tile.m2 = squares
        merge(tile)
    }

    /// Combines another part's statistics into these.
    public mutating func merge(_ other: BandStatistics) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = count + other.count
        let delta = other.mean - mean
        mean += delta * Double(other.count) / Double(total)
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / Double(total)
        count = total
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }
}
