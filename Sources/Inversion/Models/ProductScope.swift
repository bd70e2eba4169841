import Foundation

/// `model_scope: product`: one model per product of a region, each fitted on the samples read from
/// that product (the mosaic's source at the sample's pixel), and the region's model, fitted on every
/// sample, for the products with fewer than `minimumSamples` (or whose own fit fails).
///
/// The method is the region's (under `arch: auto`, the candidate spatial validation chose over the
/// region): what changes is only which samples fit it. Spatial-block validation scores the scope as
/// a whole: in each fold, every product's model is refitted on that product's training samples and
/// predicts its test samples (`SpatialBlockValidation.run(_:on:scope:)`).
public struct ProductScope: Sendable, Equatable {
    /// Each sample's product (the mosaic's source value: 1-based catalogue index; 0: none), in the
    /// sample set's row order.
    public var products: [Int]
    /// A product with fewer samples keeps the region's model.
    public var minimumSamples: Int
    /// What each sample's applicability domain is measured on, in row order, when not the features
    /// the models read (a patch network's: its pixel's own bands); nil: those features.
    public var domainFeatures: [[Double]]?

    public static let defaultMinimumSamples = 20

    public init(products: [Int], minimumSamples: Int = Self.defaultMinimumSamples) {
        self.products = products
        self.minimumSamples = minimumSamples
    }

    /// The products among `rows` (indices into the set), each with its rows, in product order.
    public func rowsByProduct(among rows: [Int]) -> [(product: Int, rows: [Int])] {
        Dictionary(grouping: rows.filter { products[$0] > 0 }, by: { products[$0] }).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The products among `rows` with at least `minimumSamples` of them, each with its rows, in product order.
    public func ownModelRows(among rows: [Int]) -> [(product: Int, rows: [Int])] {
        rowsByProduct(among: rows).filter { $0.rows.count >= minimumSamples }
    }

    /// The models of one fit: the region's on every given row, and each product's own with where it
    /// applies (its samples' applicability domain: outside it, the region's model predicts, as on the map).
    public struct Fitted: Sendable {
        public var region: any FittedRegression
        /// By product (source value).
        public var own: [Int: (model: any FittedRegression, domain: ApplicabilityDomain)]
        /// Products that had enough samples but whose own fit or domain failed, with why (they keep the region's).
        public var failures: [Int: String]
    }

    /// One product's own model fitted on `rows` of `features` with their `targets` and `positions`
    /// (one per row of `rows`), and its applicability domain.
    public func fitOwn(_ method: any RegressionMethod, rows: [Int], features: [[Double]], targets: [Double],
                       positions: [SIMD2<Double>]) throws -> (model: any FittedRegression, domain: ApplicabilityDomain) {
        let domain = try ApplicabilityDomain(features: rows.map { (domainFeatures ?? features)[$0] })
        return (try method.fit(features: rows.map { features[$0] }, targets: targets, positions: positions), domain)
    }

    /// `method` fitted on `rows` of `features` (every row of the set) with their `targets` (one per
    /// row of `rows`) and map `positions` (likewise): the region's model on all of them, and each
    /// product's on its own rows.
    public func fit(_ method: any RegressionMethod, rows: [Int], features: [[Double]], targets: [Double],
                    positions: [SIMD2<Double>]) throws -> Fitted {
        precondition(targets.count == rows.count && positions.count == rows.count, "one target and position per row")
        let region = try method.fit(features: rows.map { features[$0] }, targets: targets, positions: positions)
        let place = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        var own: [Int: (model: any FittedRegression, domain: ApplicabilityDomain)] = [:], failures: [Int: String] = [:]
        for (product, productRows) in ownModelRows(among: rows) {
            do {
                own[product] = try fitOwn(method, rows: productRows, features: features, targets: productRows.map { targets[place[$0]!] },
                                          positions: productRows.map { positions[place[$0]!] })
            } catch {
                failures[product] = "\(error)"
            }
        }
        return Fitted(region: region, own: own, failures: failures)
    }

    /// Predictions for `rows` of `features`: each by its product's own model where that applies,
    /// else by the region's.
    public func predict(_ fitted: Fitted, rows: [Int], features: [[Double]]) -> [Double] {
        var predicted = [Double](repeating: .nan, count: rows.count)
        let byModel = Dictionary(grouping: rows.indices, by: { i -> Int in
            guard let own = fitted.own[products[rows[i]]] else { return 0 }
            return own.domain.distance((domainFeatures ?? features)[rows[i]]) <= own.domain.threshold ? products[rows[i]] : 0
        })
        for (product, positions) in byModel {
            let model = fitted.own[product]?.model ?? fitted.region
            for (position, value) in zip(positions, model.predict(positions.map { features[rows[$0]] })) { predicted[position] = value }
        }
        return predicted
    }
}
