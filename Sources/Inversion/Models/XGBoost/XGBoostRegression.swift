import Foundation

/// Gradient-boosted regression trees (XGBoost 1.7 through its C API: squared error, exact greedy
/// splits), seeded, with the hyperparameters chosen by an inner cross-validation on the training
/// samples: spatial blocks (`SpatialBlockValidation`'s blocks of `innerBlockSize`, 3 folds) when the
/// samples' positions and a block size are known, seeded random folds otherwise; the smallest RMSE
/// against the training targets wins, then one ensemble is trained on all of them.
///
/// The grid (8 combinations): max_depth {2, 4} × min_child_weight {1, 5} × rounds {100, 300}, with
/// eta 0.1, subsample 0.8 and lambda 1 fixed, and the boosting started from the targets' mean
/// (`base_score`, which XGBoost 1.7 leaves at 0.5). Shallow trees suit a few hundred samples of a
/// handful of features; both round counts come from one 300-round ensemble (its first 100 trees), so
/// an inner fold trains 4 ensembles. Measured on the fixture sample set (spatial 5-fold CV, Python):
/// eta 0.1 × 300 rounds scored as eta 0.05 × 600 in half the time, 100 rounds from 0.5 underfit, and
/// deeper trees or a larger lambda gained nothing.
public struct XGBoostRegression: RegressionMethod {
    public struct Hyperparameters: Sendable, Codable, Hashable, CustomStringConvertible {
        public var maxDepth: Int
        public var eta: Double
        /// Boosting rounds (trees): `n_estimators` in scikit-learn's words, `num_boost_round` in XGBoost's.
        public var rounds: Int
        public var subsample: Double
        public var minChildWeight: Double
        public var lambda: Double

        public init(maxDepth: Int, eta: Double, rounds: Int, subsample: Double, minChildWeight: Double, lambda: Double) {
            (self.maxDepth, self.eta, self.rounds, self.subsample, self.minChildWeight, self.lambda) = (maxDepth, eta, rounds, subsample, minChildWeight, lambda)
        }

        public var description: String {
            "max_depth \(maxDepth), eta \(eta), \(rounds) rounds, subsample \(subsample), min_child_weight \(minChildWeight), lambda \(lambda)"
        }
    }

    public static let grid: [Hyperparameters] = [2, 4].flatMap { depth in
        [1.0, 5.0].flatMap { weight in
            [100, 300].map { Hyperparameters(maxDepth: depth, eta: 0.1, rounds: $0, subsample: 0.8, minChildWeight: weight, lambda: 1) }
        }
    }

    public var seed: UInt64
    /// XGBoost's `nthread`: the caller's share of the cores (validation folds train side by side).
    public var threads: Int
    public var innerFolds: Int
    /// Side of the inner cross-validation's spatial blocks (nil: random inner folds).
    public var innerBlockSize: Double?
    /// Fixed hyperparameters (nil: chosen from `grid`).
    public var hyperparameters: Hyperparameters?

    public init(seed: UInt64 = 1, threads: Int = 1, innerFolds: Int = 3, innerBlockSize: Double? = nil, hyperparameters: Hyperparameters? = nil) {
        self.seed = seed
        self.threads = max(1, threads)
        self.innerFolds = innerFolds
        self.innerBlockSize = innerBlockSize
        self.hyperparameters = hyperparameters
    }

    public var name: String { "XGBoost" }

    public struct Fitted: FittedRegression {
        public let model: XGBoostModel
        public let hyperparameters: Hyperparameters
        /// Inner cross-validation RMSE per `grid` entry, when chosen that way.
        public let innerRMSE: [Double]
        /// "spatial blocks" or "random folds".
        public let innerScheme: String

        /// NaN for every row if XGBoost fails (it has checked the model and the shapes before).
        public func predict(_ features: [[Double]]) -> [Double] {
            (try? model.predict(features)) ?? features.map { _ in .nan }
        }

        public var summary: String {
            hyperparameters.description + (innerRMSE.isEmpty ? "" : " (best inner CV RMSE \(String(format: "%.4g", innerRMSE.min() ?? .nan)) of \(innerRMSE.count) by \(innerScheme))")
        }
    }

    public func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression {
        try fitXGBoost(features: features, targets: targets, positions: nil)
    }

    public func fit(features: [[Double]], targets: [Double], positions: [SIMD2<Double>]) throws -> any FittedRegression {
        try fitXGBoost(features: features, targets: targets, positions: positions)
    }

    public func fitXGBoost(features: [[Double]], targets: [Double], positions: [SIMD2<Double>]?) throws -> Fitted {
        guard features.count >= 2 * innerFolds, let width = features.first?.count, width > 0, features.allSatisfy({ $0.count == width }) else {
            throw InversionError("gradient-boosted trees need at least \(2 * innerFolds) samples with the same bands, got \(features.count)")
        }
        if let hyperparameters {
            return Fitted(model: try train(hyperparameters, features: features, targets: targets), hyperparameters: hyperparameters, innerRMSE: [], innerScheme: "")
        }
        let (folds, scheme) = try innerFoldMembers(count: features.count, positions: positions)
        var squared = [Double](repeating: 0, count: Self.grid.count)
        // Entries differing only in rounds share one ensemble of the most rounds.
        let groups = Dictionary(grouping: Self.grid.indices) { index -> Hyperparameters in
            var shared = Self.grid[index]
            shared.rounds = 0
            return shared
        }
        for test in folds {
            let testSet = Set(test)
            let train = features.indices.filter { !testSet.contains($0) }
            for (shared, members) in groups {
                var largest = shared
                largest.rounds = members.map { Self.grid[$0].rounds }.max()!
                let ensemble = try self.train(largest, features: train.map { features[$0] }, targets: train.map { targets[$0] })
                for index in members {
                    let predicted = try ensemble.predict(test.map { features[$0] }, iterations: Self.grid[index].rounds)
                    for (value, row) in zip(predicted, test) { squared[index] += (value - targets[row]) * (value - targets[row]) }
                }
            }
        }
        let covered = Double(folds.map(\.count).reduce(0, +))
        let rmse = squared.map { ($0 / covered).squareRoot() }
        let best = Self.grid[rmse.indices.min { (rmse[$0], $0) < (rmse[$1], $1) }!]
        return Fitted(model: try train(best, features: features, targets: targets), hyperparameters: best, innerRMSE: rmse, innerScheme: scheme)
    }

    /// Test members of each inner fold: spatial blocks when they give at least two non-empty folds.
    private func innerFoldMembers(count: Int, positions: [SIMD2<Double>]?) throws -> (folds: [[Int]], scheme: String) {
        if let positions, let innerBlockSize {
            let blocks = SpatialBlockValidation(blockSize: innerBlockSize, folds: innerFolds, seed: seed)
            let fold = try blocks.foldAssignment(x: positions.map(\.x), y: positions.map(\.y), source: "the inner cross-validation")
            let members = (0..<innerFolds).map { k in fold.indices.filter { fold[$0] == k } }.filter { !$0.isEmpty }
            if members.count >= 2 { return (members, "spatial blocks") }
        }
        return (SeededFolds.assign(count: count, folds: innerFolds, seed: seed).members.filter { !$0.isEmpty }, "random folds")
    }

    /// One ensemble on all of `features`, as an `XGBoostModel` (its JSON reloaded: predictions of
    /// the saved model are the trained booster's, floats round-trip exactly).
    private func train(_ parameters: Hyperparameters, features: [[Double]], targets: [Double]) throws -> XGBoostModel {
        let matrix = try XGBoostMatrix(features: features, labels: targets)
        let booster = try XGBoostBooster(training: matrix)
        let settings: [(String, String)] = [
            ("objective", "reg:squarederror"), ("tree_method", "exact"), ("verbosity", "0"),
            ("nthread", "\(threads)"), ("seed", "\(seed % UInt64(Int32.max))"), ("seed_per_iteration", "true"),
            ("max_depth", "\(parameters.maxDepth)"), ("eta", "\(parameters.eta)"), ("subsample", "\(parameters.subsample)"),
            ("min_child_weight", "\(parameters.minChildWeight)"), ("lambda", "\(parameters.lambda)"),
            ("base_score", "\(targets.reduce(0, +) / Double(targets.count))"),
        ]
        for (name, value) in settings { try booster.set(name, value) }
        for round in 0..<parameters.rounds { try booster.boost(iteration: round, on: matrix) }
        return try XGBoostModel(json: booster.json(), source: "the trained model")
    }
}
