import Foundation
import Testing
@testable import Geostatistics

@Suite("Duplicates, degenerate inputs and bin conventions")
struct DegenerateInputTests {
    let x: [Double] = [0, 10, 0, 20, 5]
    let y: [Double] = [0, 0, 0, 10, 20]
    let z: [Double] = [1, 2, 3, 4, 5]

    @Test func duplicateLocationsAreRejectedWithTheirIndices() throws {
        #expect(throws: GeostatisticsError.duplicateLocation(first: 0, second: 2, x: 0, y: 0)) {
            try SpatialSamples(x: x, y: y, z: z)
        }
        let message = GeostatisticsError.duplicateLocation(first: 0, second: 2, x: 0, y: 0).description
        #expect(message.contains("samples 1 and 3") && !message.contains("\n"))
    }

    @Test func duplicateLocationsCanBeMergedWithAWarning() throws {
        let samples = try SpatialSamples(x: x, y: y, z: z, duplicates: .merge)
        #expect(samples.count == 4)
        #expect(samples.z == [2, 2, 4, 5])
        #expect(samples.mergedDuplicates == [.init(x: 0, y: 0, inputIndices: [0, 2], meanValue: 2)])
        let model = try VariogramModel(kind: .spherical, partialSill: 1, range: 30, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model)
        let p = try #require(try kriging.predict(x: 3, y: 4))
        #expect(p.value.isFinite && p.variance > 0)
        #expect(try SpatialSamples(x: [1, 2], y: [1, 2], z: [1, 2], duplicates: .merge).mergedDuplicates.isEmpty)
    }

    @Test func constantValuesCannotBeFittedButCanBeKriged() throws {
        let samples = try SpatialSamples(x: [0, 10, 20, 30, 0, 10], y: [0, 0, 0, 0, 15, 15], z: [4, 4, 4, 4, 4, 4])
        let variogram = try ExperimentalVariogram(samples: samples, cutoff: 40, width: 10)
        #expect(variogram.bins.allSatisfy { $0.gamma == 0 })
        #expect(throws: GeostatisticsError.constantValues) { try VariogramModel.fit(.spherical, to: variogram) }
        #expect(throws: GeostatisticsError.constantValues) { try VariogramModel.fitBest(to: variogram) }
        let model = try VariogramModel(kind: .exponential, partialSill: 1, range: 10)
        let p = try #require(try OrdinaryKriging(samples: samples, model: model).predict(x: 7, y: 3))
        #expect(abs(p.value - 4) < 1e-12)
        #expect(p.variance.isFinite)
    }

    @Test func degenerateModelsAndSystemsThrowInsteadOfReturningNaN() throws {
        #expect(throws: GeostatisticsError.self) { try VariogramModel(kind: .spherical, partialSill: 0, range: 10, nugget: 0) }
        #expect(throws: GeostatisticsError.self) { try VariogramModel(kind: .gaussian, partialSill: 1, range: 0) }
        #expect(throws: GeostatisticsError.self) { try VariogramModel(kind: .spherical, partialSill: -1, range: 10, nugget: 2) }
        // A nugget-free Gaussian model on samples a millimetre apart: numerically singular.
        let close = try SpatialSamples(x: [0, 0.001, 50, 100], y: [0, 0, 30, 0], z: [1, 1.1, 2, 3])
        let smooth = try VariogramModel(kind: .gaussian, partialSill: 1, range: 500)
        #expect(throws: GeostatisticsError.self) { try OrdinaryKriging(samples: close, model: smooth) }
        #expect(throws: GeostatisticsError.self) {
            try OrdinaryKriging(samples: close, model: smooth, neighbourhood: .nearest(4)).predict(x: 1, y: 1)
        }
        #expect(throws: GeostatisticsError.self) {
            try OrdinaryKriging(samples: close, model: smooth).predictReference(x: 1, y: 1)
        }
        let window = try GridWindow(originX: 0, originY: 10, pixelWidth: 1, pixelHeight: -1, width: 4, height: 4)
        #expect(throws: GeostatisticsError.self) {
            try OrdinaryKriging(samples: close, model: smooth, neighbourhood: .nearest(4)).predictGrid(window)
        }
    }

    @Test func invalidInputsNameTheProblem() throws {
        #expect(throws: GeostatisticsError.notFinite("z", index: 1)) { try SpatialSamples(x: [0, 1], y: [0, 1], z: [1, .nan]) }
        #expect(throws: GeostatisticsError.lengthMismatch(x: 2, y: 1, z: 2)) { try SpatialSamples(x: [0, 1], y: [0], z: [1, 2]) }
        let samples = try SpatialSamples(x: [0, 1, 2], y: [0, 0, 0], z: [1, 2, 3])
        #expect(throws: GeostatisticsError.tooFewBins(1)) {
            try VariogramModel.fit(.spherical, to: ExperimentalVariogram(samples: samples, cutoff: 1, width: 1))
        }
        #expect(throws: GeostatisticsError.noPairsWithinCutoff(cutoff: 0.5)) { try ExperimentalVariogram(samples: samples, cutoff: 0.5) }
        let model = try VariogramModel(kind: .spherical, partialSill: 1, range: 3)
        #expect(throws: GeostatisticsError.self) { try OrdinaryKriging(samples: samples, model: model, neighbourhood: .nearest(0)) }
        #expect(throws: GeostatisticsError.self) { try OrdinaryKriging(samples: samples, model: model, support: .square(-1)) }
        for error in [GeostatisticsError.constantValues, .tooFewBins(1), .singularSystem("x"), .tooFewSamples(1, needed: 2)] {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
    }

    @Test func binsAreRightClosedAndCountEachPairOnce() throws {
        #expect(ExperimentalVariogram.binIndex(distance: 2, width: 1) == 1)
        #expect(ExperimentalVariogram.binIndex(distance: 2.0001, width: 1) == 2)
        #expect(ExperimentalVariogram.binIndex(distance: 0.5, width: 1) == 0)
        // Pairs at 1, 1 and 2: the pair at exactly 2·w closes the second bin; cutoff 2 keeps it.
        let samples = try SpatialSamples(x: [0, 1, 2], y: [0, 0, 0], z: [0, 1, 3])
        let variogram = try ExperimentalVariogram(samples: samples, cutoff: 2, width: 1)
        #expect(variogram.bins == [
            VariogramBin(pairCount: 2, meanDistance: 1, gamma: (1 + 4) / 4),
            VariogramBin(pairCount: 1, meanDistance: 2, gamma: 9 / 2),
        ])
        let narrower = try ExperimentalVariogram(samples: samples, cutoff: 1.5, width: 1)
        #expect(narrower.bins.map(\.pairCount) == [2])
    }
}
