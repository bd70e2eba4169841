import Foundation

/// A prediction interval of calibrated coverage for every pixel of a content map: split conformal
/// prediction on the spatial-block cross-validation's residuals (the CV+ flavour: every sample is
/// held out once, by a model that never saw its block, so all n residuals calibrate).
///
/// Method: the scores are the absolute out-of-fold residuals |measured − predicted|; for level
/// 1 − α the conformal quantile q is the ⌈(n + 1)(1 − α)⌉-th smallest score, and the interval at
/// a pixel predicted ŷ is [ŷ − q, ŷ + q]. Assumption: the pixels to be mapped and the held-out
/// samples are exchangeable, i.e. a map pixel is as far from the training samples, and as hard
/// to predict, as a sample held out in its spatial block was. Then the interval holds the true
/// content with probability at least 1 − α. Near samples the map is better than that (the
/// interval is conservative there); beyond the spatial blocks' reach (farther from any sample
/// than a block side) the assumption fails and coverage can fall short. The width is the same
/// everywhere: it is not weighted by a local difficulty.
///
/// The probability that the content exceeds a threshold t where the map says ŷ comes from the
/// same residuals, signed: the share of them with ŷ + (measured − predicted) > t.
public struct ConformalInterval: Sendable, Equatable {
    /// 1 − α, e.g. 0.9.
    public let level: Double
    /// q: the half-width, in the map's unit.
    public let quantile: Double
    /// n: the residuals calibrated on.
    public let residualCount: Int
    /// The share of the calibration residuals within ±q (at least `level` by construction).
    public let empiricalCoverage: Double
    /// measured − predicted of the held-out samples, ascending.
    public let signedResiduals: [Double]

    /// The rank, counted from 1, of the conformal quantile among n ascending scores: ⌈(n + 1) · level⌉.
    public static func rank(count: Int, level: Double) -> Int {
        // The product is rounded to 9 digits first so that e.g. 19 × 0.9 = 17.1 is not taken as 17.100000000000001.
        Int(((Double(count + 1) * level * 1e9).rounded() / 1e9).rounded(.up))
    }

    /// From the held-out samples' measured contents and their out-of-fold predictions (NaN pairs
    /// are left out). Throws when there are too few residuals for the level (rank above n).
    public init(measured: [Double], predicted: [Double], level: Double) throws {
        guard level > 0, level < 1 else { throw InversionError("the interval level \(level) is not between 0 and 1") }
        let residuals = zip(measured, predicted).map { $0 - $1 }.filter(\.isFinite).sorted()
        let rank = Self.rank(count: residuals.count, level: level)
        guard rank <= residuals.count else {
            throw InversionError("a \(level) interval needs at least \(Int((level / (1 - level)).rounded(.up))) held-out samples, the validation has \(residuals.count)")
        }
        let scores = residuals.map(abs).sorted()
        self.level = level
        quantile = scores[rank - 1]
        residualCount = residuals.count
        empiricalCoverage = Double(scores.filter { $0 <= scores[rank - 1] }.count) / Double(scores.count)
        signedResiduals = residuals
    }

    /// P(content > `threshold`) where the map predicts `predicted`: the share of signed residuals r
    /// with predicted + r > threshold.
    public func exceedanceProbability(predicted: Double, threshold: Double) -> Double {
        let needed = threshold - predicted
        // First index whose residual exceeds `needed` (residuals ascending).
        var low = 0, high = signedResiduals.count
        while low < high {
            let mid = (low + high) / 2
            if signedResiduals[mid] > needed { high = mid } else { low = mid + 1 }
        }
        return Double(signedResiduals.count - low) / Double(max(1, signedResiduals.count))
    }
}
