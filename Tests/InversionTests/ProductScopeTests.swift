import Foundation
import Testing
import TestSupport
@testable import Inversion

/// `model_scope: product` (`ProductScope`): each product's model fitted on its own samples, the
/// region's elsewhere, in a fit and fold by fold in spatial validation.
@Suite("Product scope: a model per product, the region's for the rest")
struct ProductScopeTests {
    static let base = try! SampleSet(path: Fixtures.path("reference/baselines/sampleset.csv"))

    /// The fixture set's samples in three products by their x (thirds of the extent), and the first
    /// 12 samples of the third moved to product 4, too few for a model of its own.
    static func products(_ set: SampleSet) -> [Int] {
        let xs = set.rows.map(\.x), low = xs.min()!, width = xs.max()! - low
        var products = xs.map { min(3, 1 + Int(3 * ($0 - low) / width)) }
        for i in products.indices.filter({ products[$0] == 3 }).prefix(12) { products[i] = 4 }
        return products
    }

    /// The set with each product's contents a different linear function of band 1 (no noise), so
    /// one region-wide MLR cannot fit them all and each product's own can.
    static func set(products: [Int]) -> SampleSet {
        var set = base
        let slopes = [0: 0.0, 1: 40.0, 2: -30.0, 3: 5.0, 4: 60.0], intercepts = [0: 0.0, 1: 2.0, 2: 9.0, 3: 4.0, 4: 1.0]
        for i in set.rows.indices {
            let value = intercepts[products[i]]! + slopes[products[i]]! * set.rows[i].bands[0]
            (set.rows[i].kriged, set.rows[i].measured) = (value, value)
        }
        return set
    }

    @Test func eachProductWithEnoughSamplesGetsItsOwnModelAndTheRestTheRegions() throws {
        let products = Self.products(Self.base), set = Self.set(products: products)
        let scope = ProductScope(products: products, minimumSamples: 20)
        let rows = Array(set.rows.indices)
        #expect(scope.ownModelRows(among: rows).map(\.product) == [1, 2, 3])
        let fitted = try scope.fit(LinearRegression(), rows: rows, features: set.features, targets: set.krigedTargets, positions: set.positions(rows))
        #expect(fitted.own.keys.sorted() == [1, 2, 3] && fitted.failures.isEmpty)
        let predicted = scope.predict(fitted, rows: rows, features: set.features)
        // Each own model recovers its product's exact relation; product 4's samples get the region's
        // model, the MLR of every sample, bit for bit.
        let region = try LinearRegression().fit(features: set.features, targets: set.krigedTargets).predict(set.features)
        for i in rows {
            if products[i] == 4 {
                #expect(predicted[i] == region[i])
            } else {
                #expect(abs(predicted[i] - set.rows[i].kriged) <= 1e-9 * max(1, abs(set.rows[i].kriged)), "sample \(i) of product \(products[i])")
            }
        }
        #expect(zip(predicted, set.krigedTargets).contains { abs($0 - $1) > 0.1 }, "the region's model cannot fit product 4's relation")
    }

    @Test func aScopeWithoutOwnModelsValidatesAsTheRegionsModel() throws {
        let products = Self.products(Self.base)
        let blocks = SpatialBlockValidation(blockSize: 400, folds: 4, seed: 1, kriging: KrigingSettings(model: .sph, nmax: 24))
        let plain = try blocks.run(LinearRegression(), on: Self.base)
        let scoped = try blocks.run(LinearRegression(), on: Self.base, scope: ProductScope(products: products, minimumSamples: Self.base.count + 1))
        #expect(scoped.testPredicted == plain.testPredicted)
    }

    @Test func validationRefitsEachProductsModelInEveryFold() throws {
        let products = Self.products(Self.base), set = Self.set(products: products)
        let blocks = SpatialBlockValidation(blockSize: 400, folds: 4, seed: 1, kriging: KrigingSettings(model: .sph, nmax: 24))
        let region = try blocks.run(LinearRegression(), on: set)
        let scoped = try blocks.run(LinearRegression(), on: set, scope: ProductScope(products: products, minimumSamples: 20))
        // Products' relations differ by sign and tenfold: their own models predict the held-out
        // samples far better (the targets are re-kriged in each fold, so not exactly).
        #expect(scoped.testPredicted.allSatisfy { $0.isFinite })
        #expect(scoped.test.measured.rmse < 0.5 * region.test.measured.rmse, "per product \(scoped.test.measured.rmse), region \(region.test.measured.rmse)")
        let mismatched = ProductScope(products: Array(products.dropLast()))
        #expect(throws: InversionError.self) { try blocks.run(LinearRegression(), on: set, scope: mismatched) }
    }
}
