import Foundation

/// A prediction interval of calibrated coverage for every pixel of a content map: split conformal
/// prediction on the spatial-block cross-validation's residuals (the CV+ flavour: every sample is
/// held out once, by a model that never saw its block, so all n residuals calibrate), locally
/// weighted by a difficulty that grows with the predicted content.
///
/// Method (locally weighted conformal inference, Lei et al. 2018, "Distribution-free predictive inference for regression"): the
/// difficulty d(ŷ) = max(floor, a + b ŷ) is the least-squares line of the absolute out-of-fold
/// residuals |measured − predicted| on the out-of-fold predictions ŷ (floor: 0.1 of their mean, so
/// d stays positive; ŷ held within the predictions' range, so the line is not extrapolated); the scores are |measured − predicted| / d(ŷ); for level 1 − α the conformal
/// quantile q is the ⌈(n + 1)(1 − α)⌉-th smallest score, and the interval at a pixel predicted ŷ
/// is ŷ ± q d(ŷ). Ore contents err in proportion (assay precision, the crust's thickness, a
/// lognormal background): a constant width is too wide on the background and too narrow on the
/// ore (measured on synth worlds 1500 × 1500, seeds 1–5: coverage of the true content 0.906–0.952
/// constant, 0.898–0.930 weighted). `Weighting.none` keeps the width constant (d = 1).
///
/// Assumption: the pixels to be mapped and the held-out samples are exchangeable given their
/// difficulty, i.e. a map pixel is as far from the training samples, and as hard to predict, as
/// a sample of the same predicted content held out in its spatial block was. Near samples the map
/// is better than that (the interval is conservative there); beyond the spatial blocks' reach the
/// assumption fails and coverage can fall short. The line's two coefficients are fitted on the
/// same residuals the quantile ranks, a small departure from split conformal's exact guarantee.
///
/// The probability that the content exceeds a threshold t where the map says ŷ comes from the
/// same scores, signed: the share of them with ŷ + score × d(ŷ) > t.
public struct ConformalInterval: Sendable, Equatable {
    /// How the interval's width varies over the map.
    public enum Weighting: String, Sendable, Codable, CaseIterable {
        /// With the predicted content: the width is q × d(ŷ).
        case content
        /// The same width everywhere (d = 1).
        case none
    }

    /// d(ŷ) = max(floor, intercept + slope × clamp(ŷ, lowest, highest)): how hard a pixel predicted
    /// ŷ is, in the map's unit. The line is not extended beyond the predictions it was fitted on
    /// (a map's extrapolated highs or lows get the difficulty of the calibration's extremes).
    public struct Difficulty: Sendable, Equatable, Codable {
        public var intercept: Double
        public var slope: Double
        public var floor: Double
        /// The calibration's lowest and highest predictions.
        public var lowest: Double
        public var highest: Double
        /// d = 1 everywhere: the constant-width interval.
        public static let constant = Difficulty(intercept: 1, slope: 0, floor: 1, lowest: 0, highest: 0)

        public init(intercept: Double, slope: Double, floor: Double, lowest: Double, highest: Double) {
            (self.intercept, self.slope, self.floor, self.lowest, self.highest) = (intercept, slope, floor, lowest, highest)
        }

        @inline(__always)
        public func callAsFunction(_ predicted: Double) -> Double {
            max(floor, intercept + slope * min(highest, max(lowest, predicted)))
        }

        /// The least-squares line of `absoluteResiduals` on `predicted` (`LinearRegression`),
        /// floored at 0.1 of their mean; nil when it cannot be fitted (predictions spread less than
        /// 1e-9 of their magnitude, or every residual zero).
        static func fitted(predicted: [Double], absoluteResiduals: [Double]) -> Difficulty? {
            let n = Double(predicted.count)
            let meanX = predicted.reduce(0, +) / n, meanY = absoluteResiduals.reduce(0, +) / n
            let spread = (predicted.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) } / n).squareRoot()
            guard meanY > 0, meanY.isFinite, spread > 1e-9 * max(1, abs(meanX)), spread.isFinite,
                  let line = try? LinearRegression().fitLinear(features: predicted.map { [$0] }, targets: absoluteResiduals),
                  line.intercept.isFinite, line.coefficients[0].isFinite else { return nil }
            return Difficulty(intercept: line.intercept, slope: line.coefficients[0], floor: 0.1 * meanY,
                              lowest: predicted.min()!, highest: predicted.max()!)
        }
    }

    /// Below this many residuals the difficulty line is not fitted: the width stays constant.
    public static let minimumWeightedResiduals = 30

    /// 1 − α, e.g. 0.9.
    public let level: Double
    /// q: the conformal quantile of the scores; the half-width at ŷ is q × d(ŷ) (`halfWidth(at:)`).
    public let quantile: Double
    /// d: `Difficulty.constant` when the width is constant.
    public let difficulty: Difficulty
    /// `.content` when the width follows d; `.none` when asked, or with too few residuals (or too
    /// little spread in their predictions) to fit d.
    public let weighting: Weighting
    /// n: the residuals calibrated on.
    public let residualCount: Int
    /// The share of the calibration scores within q (at least `level` by construction).
    public let empiricalCoverage: Double
    /// (measured − predicted) / d(predicted) of the held-out samples, ascending.
    public let signedScores: [Double]

    /// The rank, counted from 1, of the conformal quantile among n ascending scores: ⌈(n + 1) · level⌉.
    public static func rank(count: Int, level: Double) -> Int {
        // The product is rounded to 9 digits first so that e.g. 19 × 0.9 = 17.1 is not taken as 17.100000000000001.
        Int(((Double(count + 1) * level * 1e9).rounded() / 1e9).rounded(.up))
    }

    /// From the held-out samples' measured contents and their out-of-fold predictions (pairs with
    /// a non-finite member are left out). Throws when there are too few residuals for the level
    /// (rank above n).
    public init(measured: [Double], predicted: [Double], level: Double, weighting: Weighting = .content) throws {
        guard level > 0, level < 1 else { throw InversionError("the interval level \(level) is not between 0 and 1") }
        let pairs = zip(measured, predicted).filter { $0.0.isFinite && $0.1.isFinite }
        let rank = Self.rank(count: pairs.count, level: level)
        guard rank <= pairs.count else {
            throw InversionError("a \(level) interval needs at least \(Int((level / (1 - level)).rounded(.up))) held-out samples, the validation has \(pairs.count)")
        }
        let residuals = pairs.map { $0.0 - $0.1 }, predictions = pairs.map(\.1)
        let fitted = weighting == .content && pairs.count >= Self.minimumWeightedResiduals
            ? Difficulty.fitted(predicted: predictions, absoluteResiduals: residuals.map(abs)) : nil
        let difficulty = fitted ?? .constant
        self.weighting = fitted == nil ? .none : .content
        let signed = zip(residuals, predictions).map { $0 / difficulty($1) }
        let scores = signed.map(abs).sorted()
        self.level = level
        self.difficulty = difficulty
        quantile = scores[rank - 1]
        residualCount = pairs.count
        empiricalCoverage = Double(scores.filter { $0 <= scores[rank - 1] }.count) / Double(scores.count)
        signedScores = signed.sorted()
    }

    /// The interval's half-width where the map predicts `predicted`: q × d(predicted).
    @inline(__always)
    public func halfWidth(at predicted: Double) -> Double { quantile * difficulty(predicted) }

    /// The half-width as a formula: "0.825" when constant (`difficulty` nil), else e.g.
    /// "1.93 × max(0.045, 0.035 + 0.106 × content), content held in [0.52, 11.3]".
    public static func halfWidthFormula(quantile: Double, difficulty: Difficulty?) -> String {
        guard let d = difficulty else { return String(format: "%.4g", quantile) }
        return String(format: "%.4g × max(%.4g, %.4g %@ %.4g × content), content held in [%.4g, %.4g]", quantile, d.floor, d.intercept,
                      d.slope < 0 ? "−" : "+", abs(d.slope), d.lowest, d.highest)
    }

    /// This interval's `halfWidthFormula(quantile:difficulty:)`.
    public var halfWidthFormula: String { Self.halfWidthFormula(quantile: quantile, difficulty: weighting == .content ? difficulty : nil) }

    /// P(content > `threshold`) where the map predicts `predicted`: the share of signed scores s
    /// with predicted + s × d(predicted) > threshold.
    public func exceedanceProbability(predicted: Double, threshold: Double) -> Double {
        let needed = (threshold - predicted) / difficulty(predicted)
        // First index whose score exceeds `needed` (scores ascending).
        var low = 0, high = signedScores.count
        while low < high {
            let mid = (low + high) / 2
            if signedScores[mid] > needed { high = mid } else { low = mid + 1 }
        }
        return Double(signedScores.count - low) / Double(max(1, signedScores.count))
    }
}
