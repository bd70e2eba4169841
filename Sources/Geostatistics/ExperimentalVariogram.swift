import Foundation

/// One distance class of an experimental semivariogram.
public struct VariogramBin: Sendable, Equatable, Codable {
    /// Number of sample pairs in the class (gstat's `np`).
    public let pairCount: Int
    /// Mean separation distance of those pairs (gstat's `dist`).
    public let meanDistance: Double
    /// Semivariance sum((zi − zj)²) / (2 np) (gstat's `gamma`).
    public let gamma: Double

    public init(pairCount: Int, meanDistance: Double, gamma: Double) {
        self.pairCount = pairCount
        self.meanDistance = meanDistance
        self.gamma = gamma
    }
}

/// The isotropic experimental semivariogram with gstat's defaults (`variogram(z ~ 1, data)`).
///
/// The default cutoff is gstat's `DEF_fraction` (0.33333, not exactly 1/3) times the diagonal of the
/// samples' bounding box, the default width cutoff / 15. Each unordered pair is counted once; a pair at
/// distance h goes to bin k (1-based) when (k − 1)·w < h ≤ k·w, and pairs beyond the cutoff are dropped.
/// Only non-empty bins are reported, as gstat does.
public struct ExperimentalVariogram: Sendable, Equatable {
    /// gstat's `DEF_fraction`: the default cutoff as a fraction of the bounding-box diagonal.
    public static let defaultCutoffFraction = 0.33333
    public static let defaultBinCount = 15

    public let cutoff: Double
    public let width: Double
    public let bins: [VariogramBin]

    /// Bins computed elsewhere (e.g. read from gstat), to fit a model to.
    public init(bins: [VariogramBin], cutoff: Double, width: Double) throws {
        guard !bins.isEmpty else { throw GeostatisticsError.noPairsWithinCutoff(cutoff: cutoff) }
        guard bins.allSatisfy({ $0.pairCount > 0 && $0.meanDistance >= 0 && $0.gamma >= 0 && $0.meanDistance.isFinite && $0.gamma.isFinite }) else {
            throw GeostatisticsError.invalidParameter("variogram bins need positive pair counts and finite, non-negative distances and semivariances")
        }
        self.bins = bins
        self.cutoff = cutoff
        self.width = width
    }

    public init(samples: SpatialSamples, cutoff: Double? = nil, width: Double? = nil) throws {
        guard samples.count >= 2 else { throw GeostatisticsError.tooFewSamples(samples.count, needed: 2) }
        let xs = samples.x, ys = samples.y, zs = samples.z
        let spanX = xs.max()! - xs.min()!, spanY = ys.max()! - ys.min()!
        let diagonal = (spanX * spanX + spanY * spanY).squareRoot()
        let cutoff = cutoff ?? diagonal * Self.defaultCutoffFraction
        guard cutoff > 0, cutoff.isFinite else { throw GeostatisticsError.invalidParameter("cutoff must be positive, got \(cutoff)") }
        let width = width ?? cutoff / Double(Self.defaultBinCount)
        guard width > 0, width.isFinite else { throw GeostatisticsError.invalidParameter("bin width must be positive, got \(width)") }
        // gstat allocates floor(cutoff / width) + 1 classes; the last catches h ≤ cutoff just past 15·w.
        let binCount = Int((cutoff / width).rounded(.down)) + 1
        var count = [Int](repeating: 0, count: binCount)
        var distanceSum = [Double](repeating: 0, count: binCount)
        var squaredDifferenceSum = [Double](repeating: 0, count: binCount)
        for i in 0..<xs.count {
            for j in (i + 1)..<xs.count {
                let dx = xs[i] - xs[j], dy = ys[i] - ys[j]
                let h = (dx * dx + dy * dy).squareRoot()
                guard h <= cutoff, h > 0 else { continue }
                let k = Self.binIndex(distance: h, width: width)
                let d = zs[i] - zs[j]
                count[k] += 1
                distanceSum[k] += h
                squaredDifferenceSum[k] += d * d
            }
        }
        var bins: [VariogramBin] = []
        for k in 0..<binCount where count[k] > 0 {
            let n = Double(count[k])
            bins.append(VariogramBin(pairCount: count[k], meanDistance: distanceSum[k] / n, gamma: squaredDifferenceSum[k] / (2 * n)))
        }
        guard !bins.isEmpty else { throw GeostatisticsError.noPairsWithinCutoff(cutoff: cutoff) }
        self.cutoff = cutoff
        self.width = width
        self.bins = bins
    }

    /// 0-based right-closed class: a distance that is an exact multiple of the width closes the class below.
    static func binIndex(distance h: Double, width: Double) -> Int {
        let fraction = h / width
        let whole = fraction.rounded(.down)
        return Int(whole) - (fraction == whole ? 1 : 0)
    }
}
