import Foundation
import Testing
import TestSupport
@testable import Inversion

/// Multiple linear regression, PLS and metrics against scikit-learn 1.9 (tools/reference-baselines.py).
@Suite("Baselines against scikit-learn")
struct BaselineTests {
    static let set = try! SampleSet(path: Fixtures.path("reference/baselines/sampleset.csv"))

    static func reference(_ file: String) throws -> [String: Double] {
        try Dictionary(uniqueKeysWithValues: Fixtures.csv("reference/baselines/\(file)").map { ($0["term"] ?? $0["metric"]!, Double($0["value"]!)!) })
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func linearRegressionMatchesScikitLearn() throws {
        let expected = try Self.reference("mlr.csv")
        let fitted = try LinearRegression().fitLinear(features: Self.set.features, targets: Self.set.krigedTargets)
        // Measured: ≤ 6.5e-14 relative.
        #expect(Self.close(fitted.intercept, expected["intercept"]!, 1e-12))
        for (j, c) in fitted.coefficients.enumerated() {
            #expect(Self.close(c, expected["b\(j + 1)"]!, 1e-12), "b\(j + 1): \(c) vs \(expected["b\(j + 1)"]!)")
        }
    }

    @Test func metricsMatchScikitLearn() throws {
        let expected = try Self.reference("metrics.csv")
        let fitted = try LinearRegression().fit(features: Self.set.features, targets: Self.set.krigedTargets)
        let metrics = RegressionMetrics(observed: Self.set.measuredTargets, predicted: fitted.predict(Self.set.features))
        // Measured: ≤ 6.7e-16 (rounding).
        #expect(Self.close(metrics.r2, expected["r2"]!, 1e-14))
        #expect(Self.close(metrics.rmse, expected["rmse"]!, 1e-14))
        #expect(Self.close(metrics.rpd, expected["sd"]! / expected["rmse"]!, 1e-14))
    }

    @Test(arguments: 1...4) func partialLeastSquaresMatchesScikitLearn(components: Int) throws {
        let rows = try Fixtures.csv("reference/baselines/pls-predictions.csv")
        let fitted = try PartialLeastSquares(components: components).fitPLS(features: Self.set.features, targets: Self.set.krigedTargets)
        let predicted = fitted.predict(Self.set.features)
        #expect(rows.count == predicted.count)
        let worst = zip(rows, predicted).map { abs($1 - Double($0["k\(components)"]!)!) }.max()!
        // Measured: ≤ 2.4e-13 (3 and 4 components).
        #expect(worst < 3e-12, "largest difference \(worst)")
    }

    @Test func fourComponentPLSEqualsLinearRegression() throws {
        // With as many components as bands, PLS spans the whole band space: ordinary least squares.
        let pls = try PartialLeastSquares(components: 4).fit(features: Self.set.features, targets: Self.set.krigedTargets)
        let mlr = try LinearRegression().fit(features: Self.set.features, targets: Self.set.krigedTargets)
        // Measured: ≤ 3.3e-13.
        for (a, b) in zip(pls.predict(Self.set.features), mlr.predict(Self.set.features)) { #expect(abs(a - b) < 3e-12) }
    }

    @Test func innerCrossValidationChoosesTheSmallestError() throws {
        let fitted = try PartialLeastSquares().fitPLS(features: Self.set.features, targets: Self.set.krigedTargets)
        #expect(fitted.innerRMSE.count == 4)
        #expect(fitted.innerRMSE[fitted.components - 1] == fitted.innerRMSE.min())
    }

    @Test func degenerateInputsAreRefused() {
        #expect(throws: InversionError.self) { try LinearRegression().fit(features: [[1, 2], [2, 3]], targets: [1, 2]) }
        let collinear = (0..<10).map { [Double($0), 2 * Double($0)] }
        #expect(throws: InversionError.self) { try LinearRegression().fit(features: collinear, targets: (0..<10).map(Double.init)) }
    }
}

@Suite("Validation schemes")
struct ValidationSchemeTests {
    static let set = BaselineTests.set

    @Test func randomSplitIsTwoToOneAndReproducible() {
        let scheme = RandomSplitValidation(seed: 7)
        let (train, test) = scheme.split(count: 374)
        #expect(train.count == 249 && test.count == 125)
        #expect(Set(train).isDisjoint(with: test))
        #expect(scheme.split(count: 374).train == train)
        #expect(RandomSplitValidation(seed: 8).split(count: 374).train != train)
    }

    @Test func blocksNeverStraddleFolds() throws {
        let scheme = SpatialBlockValidation(blockSize: 300, folds: 5, seed: 3)
        let fold = try scheme.foldAssignment(for: Self.set)
        let minX = Self.set.rows.map(\.x).min()!, minY = Self.set.rows.map(\.y).min()!
        var foldOfBlock: [SIMD2<Int>: Int] = [:]
        for (i, row) in Self.set.rows.enumerated() {
            let key = SIMD2(Int((row.x - minX) / 300), Int((row.y - minY) / 300))
            if let known = foldOfBlock[key] { #expect(known == fold[i]) } else { foldOfBlock[key] = fold[i] }
        }
        let sizes = (0..<5).map { k in fold.filter { $0 == k }.count }
        #expect(sizes.min()! > 0)
    }

    @Test func testMeasurementsNeverReachTheirOwnModel() throws {
        // Change the measured contents of one fold's samples wildly: that fold's out-of-fold
        // predictions must not move (its training targets were kriged from the other folds only).
        let scheme = SpatialBlockValidation(blockSize: 400, folds: 4, seed: 1, kriging: KrigingSettings(model: .sph, nmax: 24))
        let fold = try scheme.foldAssignment(for: Self.set)
        let before = try scheme.run(LinearRegression(), on: Self.set)
        var changed = Self.set
        for i in changed.rows.indices where fold[i] == 2 { changed.rows[i].measured *= 5 }
        let after = try scheme.run(LinearRegression(), on: changed)
        for i in Self.set.rows.indices where fold[i] == 2 {
            #expect(abs(before.testPredicted[i] - after.testPredicted[i]) < 1e-9)
        }
        // …while another fold's predictions, trained on fold 2's samples, do move.
        let moved = Self.set.rows.indices.filter { fold[$0] == 0 }.contains { abs(before.testPredicted[$0] - after.testPredicted[$0]) > 1e-6 }
        #expect(moved)
    }

    @Test func spatialValidationIsHarderThanTheRandomSplit() throws {
        let kriging = KrigingSettings(model: .auto)
        let block = try SpatialBlockValidation.blockSize(for: Self.set, kriging: kriging)
        #expect(block > 0)
        let spatial = try SpatialBlockValidation(blockSize: block, folds: 5, kriging: kriging).run(LinearRegression(), on: Self.set)
        let random = try RandomSplitValidation().run(LinearRegression(), on: Self.set)
        #expect(spatial.testPredicted.allSatisfy { $0.isFinite })
        #expect(spatial.test.measured.count == Self.set.count && random.test.measured.count == 125)
        #expect(spatial.test.kriged.r2 < random.test.kriged.r2 + 0.05)
    }
}
