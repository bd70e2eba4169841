import Foundation
import Testing
import TestSupport
@testable import Inversion

/// `ConformalInterval`: the rank of the conformal quantile, the difficulty line it is weighted by,
/// and what the weighting buys: coverage at every content level, not only on average.
@Suite("Conformal prediction intervals")
struct ConformalIntervalTests {
    /// Unweighted, the quantile is the ⌈(n + 1)(1 − α)⌉-th smallest absolute residual, the rank
    /// computed here in integers (level as tenths), the residuals drawn with a seed.
    @Test(arguments: [(19, 9), (50, 9), (99, 9), (374, 9), (40, 8), (10, 5)])
    func constantQuantileIsTheRankedResidual(count: Int, tenths: Int) throws {
        var generator = SeededGenerator(seed: UInt64(count * 10 + tenths))
        let measured = (0..<count).map { _ in Double(generator.nextUnitFloat()) * 10 }
        let predicted = measured.map { $0 + Double(generator.nextUnitFloat()) * 4 - 2 }
        let interval = try ConformalInterval(measured: measured, predicted: predicted, level: Double(tenths) / 10, weighting: .none)
        let rank = ((count + 1) * tenths + 9) / 10
        let scores = zip(measured, predicted).map { abs($0 - $1) }.sorted()
        #expect(interval.quantile == scores[rank - 1] && interval.residualCount == count && interval.weighting == .none)
        #expect(interval.halfWidth(at: 3) == scores[rank - 1] && interval.halfWidth(at: -7) == scores[rank - 1])
        #expect(interval.empiricalCoverage == Double(scores.filter { $0 <= scores[rank - 1] }.count) / Double(count))
        // The exceedance probability counts the signed residuals, here by brute force.
        for (prediction, threshold) in [(5.0, 6.0), (5.0, 4.0), (0.0, 9.0), (8.0, 8.0)] {
            let expected = Double(zip(measured, predicted).filter { prediction + ($0 - $1) > threshold }.count) / Double(count)
            #expect(interval.exceedanceProbability(predicted: prediction, threshold: threshold) == expected)
        }
    }

    @Test func tooFewResidualsForTheLevelAreRefused() {
        // ⌈6 × 0.9⌉ = 6 > 5 residuals.
        #expect(throws: InversionError.self) { try ConformalInterval(measured: [1, 2, 3, 4, 5], predicted: [1, 2, 3, 4, 4], level: 0.9) }
        #expect(throws: InversionError.self) { try ConformalInterval(measured: [1, 2], predicted: [1, 2], level: 1) }
    }

    /// Weighted, the difficulty is the least-squares line of |residual| on the prediction (here
    /// from the 2 × 2 normal equations, solved by Cramer's rule), floored at 0.1 of the mean
    /// |residual|; the quantile ranks |residual| / d(prediction), and the exceedance probability
    /// scales the signed scores back by d at the pixel.
    @Test(arguments: [30, 57, 374])
    func weightedQuantileRanksResidualsOverTheirDifficulty(count: Int) throws {
        var generator = SeededGenerator(seed: UInt64(count))
        let predicted = (0..<count).map { _ in 0.5 + Double(generator.nextUnitFloat()) * 9.5 }
        let measured = predicted.map { $0 + (Double(generator.nextUnitFloat()) * 2 - 1) * (0.1 + 0.2 * $0) }
        let interval = try ConformalInterval(measured: measured, predicted: predicted, level: 0.9)
        #expect(interval.weighting == .content)

        let absolute = zip(measured, predicted).map { abs($0 - $1) }, n = Double(count)
        let (sx, sy) = (predicted.reduce(0, +), absolute.reduce(0, +))
        let sxx = predicted.map { $0 * $0 }.reduce(0, +), sxy = zip(predicted, absolute).map { $0 * $1 }.reduce(0, +)
        let determinant = n * sxx - sx * sx
        let (intercept, slope) = ((sy * sxx - sx * sxy) / determinant, (n * sxy - sx * sy) / determinant)
        let d = interval.difficulty
        #expect(abs(d.intercept - intercept) <= 1e-9 * max(1, abs(intercept)) && abs(d.slope - slope) <= 1e-9 * abs(slope), "\(d) vs \(intercept), \(slope)")
        #expect(abs(d.floor - 0.1 * sy / n) <= 1e-12 * d.floor)
        #expect(d.lowest == predicted.min() && d.highest == predicted.max())

        let difficulty = { (p: Double) in max(d.floor, d.intercept + d.slope * min(d.highest, max(d.lowest, p))) }
        let scores = zip(absolute, predicted).map { $0 / difficulty($1) }.sorted()
        let rank = ((count + 1) * 9 + 9) / 10
        #expect(interval.quantile == scores[rank - 1] && interval.residualCount == count)
        for p in [0.0, 1.0, 5.0, 9.5, -3.0, 40.0] {
            #expect(interval.halfWidth(at: p) == scores[rank - 1] * difficulty(p))
        }
        // Beyond the calibration's predictions the line is not extended.
        #expect(interval.halfWidth(at: 40) == interval.halfWidth(at: d.highest) && interval.halfWidth(at: -3) == interval.halfWidth(at: d.lowest))
        #expect(interval.halfWidth(at: 9) > 2 * interval.halfWidth(at: 1))
        for (prediction, threshold) in [(5.0, 6.0), (5.0, 4.0), (1.0, 1.5), (8.0, 8.0), (9.0, 12.0)] {
            let expected = Double(zip(measured, predicted).filter { prediction + ($0 - $1) / difficulty($1) * difficulty(prediction) > threshold }.count) / n
            #expect(abs(interval.exceedanceProbability(predicted: prediction, threshold: threshold) - expected) <= 1e-12, "\(prediction), \(threshold)")
        }
    }

    /// Errors in proportion to the content (sd 0.05 + 0.15 ŷ, Gaussian): calibrated on 400
    /// held-out residuals, the weighted 0.9 interval covers about 0.9 of 40,000 new pixels at low
    /// and at high contents alike; the constant one covers nearly every low-content pixel and too
    /// few high-content ones, though its average is right.
    @Test func weightedIntervalCoversLowAndHighContentsAlike() throws {
        var generator = SeededGenerator(seed: 17)
        func draw(_ count: Int) -> (measured: [Double], predicted: [Double]) {
            var measured: [Double] = [], predicted: [Double] = []
            for _ in 0..<count {
                let p = 0.5 + Double(generator.nextUnitFloat()) * 9.5
                // Box–Muller.
                let u = max(Double(generator.nextUnitFloat()), 1e-9), v = Double(generator.nextUnitFloat())
                let normal = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
                predicted.append(p)
                measured.append(p + normal * (0.05 + 0.15 * p))
            }
            return (measured, predicted)
        }
        let calibration = draw(400), pixels = draw(40_000)
        let weighted = try ConformalInterval(measured: calibration.measured, predicted: calibration.predicted, level: 0.9)
        let constant = try ConformalInterval(measured: calibration.measured, predicted: calibration.predicted, level: 0.9, weighting: .none)
        func coverage(_ interval: ConformalInterval, where keep: (Double) -> Bool) -> Double {
            var covered = 0, counted = 0
            for (m, p) in zip(pixels.measured, pixels.predicted) where keep(p) {
                counted += 1
                if abs(m - p) <= interval.halfWidth(at: p) { covered += 1 }
            }
            return Double(covered) / Double(counted)
        }
        let low = { (p: Double) in p < 3 }, high = { (p: Double) in p > 7.5 }, all = { (_: Double) in true }
        let weightedFigures = (coverage(weighted, where: all), coverage(weighted, where: low), coverage(weighted, where: high))
        let constantFigures = (coverage(constant, where: all), coverage(constant, where: low), coverage(constant, where: high))
        #expect((0.87...0.93).contains(weightedFigures.0) && (0.86...0.94).contains(weightedFigures.1) && (0.86...0.94).contains(weightedFigures.2),
                "weighted: \(weightedFigures)")
        #expect((0.87...0.93).contains(constantFigures.0) && constantFigures.1 > 0.97 && constantFigures.2 < 0.83, "constant: \(constantFigures)")
    }

    /// Errors that shrink as the content grows: the line falls, and the floor (0.1 of the mean
    /// |residual|) keeps every width positive; the probabilities stay probabilities.
    @Test func aFallingLineIsFloored() throws {
        let predicted = (0..<60).map { 1 + Double($0) / 10 }
        let measured = predicted.enumerated().map { i, p in p + (i % 2 == 0 ? 1 : -1) * max(0, 3 - p) }
        let interval = try ConformalInterval(measured: measured, predicted: predicted, level: 0.9)
        let d = interval.difficulty
        #expect(interval.weighting == .content && d.slope < 0 && d.intercept + d.slope * d.highest < d.floor, "\(d)")
        #expect(interval.halfWidth(at: 6.9) == interval.quantile * d.floor && interval.halfWidth(at: 6.9) > 0)
        #expect(interval.halfWidth(at: 1) > interval.halfWidth(at: 2))
        for (prediction, threshold) in [(1.0, 3.0), (6.0, 6.5), (6.0, 5.5), (2.0, 2.0)] {
            let p = interval.exceedanceProbability(predicted: prediction, threshold: threshold)
            let expected = Double(zip(measured, predicted).filter { prediction + ($0 - $1) / d($1) * d(prediction) > threshold }.count) / 60
            #expect(p == expected && (0...1).contains(p), "\(prediction), \(threshold): \(p)")
        }
    }

    /// Too few residuals to fit a line, or predictions without spread: the width stays constant.
    @Test func withoutALineTheWidthIsConstant() throws {
        let few = try ConformalInterval(measured: (0..<29).map { Double($0) + 0.5 }, predicted: (0..<29).map(Double.init), level: 0.9)
        #expect(few.weighting == .none && few.difficulty == .constant && few.quantile == 0.5)
        let flat = try ConformalInterval(measured: (0..<40).map { 2 + Double($0 % 5) / 10 }, predicted: Array(repeating: 2, count: 40), level: 0.9)
        #expect(flat.weighting == .none && flat.halfWidth(at: 9) == flat.quantile)
        let exact = try ConformalInterval(measured: (0..<40).map(Double.init), predicted: (0..<40).map(Double.init), level: 0.9)
        #expect(exact.weighting == .none && exact.quantile == 0)
    }
}
