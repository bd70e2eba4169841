import Foundation
import Testing
@testable import Geostatistics

@Suite("Variogram fits recover known models")
struct VariogramFitTests {
    /// Semivariances of a known model at 15 lags: both criteria must return the model itself.
    @Test(arguments: [
        (VariogramModel.Kind.spherical, 0.9, 640.0, 0.15), (.exponential, 2.5, 120.0, 0.0), (.gaussian, 0.4, 300.0, 0.05),
    ])
    func noiseFreeBinsGiveBackTheModel(kind: VariogramModel.Kind, partialSill: Double, range: Double, nugget: Double) throws {
        let truth = try VariogramModel(kind: kind, partialSill: partialSill, range: range, nugget: nugget)
        let bins = (0..<15).map { k -> VariogramBin in
            let h = 40 + 70 * Double(k)
            return VariogramBin(pairCount: 50 + 13 * k, meanDistance: h, gamma: truth.semivariance(h))
        }
        let variogram = try ExperimentalVariogram(bins: bins, cutoff: 1100, width: 70)
        for criterion in [VariogramFitCriterion.leastSquares, .gstatCompatible] {
            let fit = try VariogramModel.fit(kind, to: variogram, criterion: criterion)
            #expect(relativeError(fit.model.partialSill, partialSill) < 1e-6, "\(criterion): \(fit.model)")
            #expect(relativeError(fit.model.range, range) < 1e-6, "\(criterion): \(fit.model)")
            #expect(abs(fit.model.nugget - nugget) < 1e-7, "\(criterion): \(fit.model)")
            #expect(fit.weightedSSE < 1e-12)
        }
        let best = try VariogramModel.fitBest(to: variogram)
        #expect(best.model.kind == kind)
    }

    /// A pure-nugget variogram: the structure's sill goes to zero, not negative.
    @Test func flatVariogramFitsANugget() throws {
        let bins = (1...10).map { VariogramBin(pairCount: 20, meanDistance: Double($0) * 10, gamma: 0.7) }
        let variogram = try ExperimentalVariogram(bins: bins, cutoff: 100, width: 10)
        let nugget = try VariogramModel.fit(.nugget, to: variogram)
        #expect(abs(nugget.model.nugget - 0.7) < 1e-12 && nugget.model.partialSill == 0)
        let spherical = try VariogramModel.fit(.spherical, to: variogram)
        #expect(spherical.model.nugget >= 0 && spherical.model.partialSill >= 0)
        #expect(spherical.weightedSSE < 1e-20)
        #expect(abs(spherical.model.semivariance(55) - 0.7) < 1e-9)
    }
}
