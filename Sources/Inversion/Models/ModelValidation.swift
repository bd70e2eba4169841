import Dispatch
import Foundation
import Geostatistics
import NeuralNet
import SeededRandom
import Synchronization

/// Metrics of one method under one validation scheme, on the training and the test parts, against
/// the kriged targets the models learn and against the contents measured at the samples.
public struct ValidationResult: Sendable, Codable, Equatable {
    public struct Part: Sendable, Codable, Equatable {
        public let kriged: RegressionMetrics
        public let measured: RegressionMetrics
    }

    /// The method's name (a model selection's candidate name).
    public var method: String
    public let scheme: String
    public let train: Part
    public let test: Part
    /// Out-of-sample predictions (test part of the split, or out-of-fold) with their sample ids.
    public let testIDs: [String]
    public let testPredicted: [Double]
    public let testMeasured: [Double]
    public let testKriged: [Double]
    /// Spatial blocks: the optimiser steps each fold's network kept (early stopping), by fold;
    /// nil for methods without iterations.
    public var foldIterations: [Int]? = nil
}

/// The paper's validation: a seeded random split of the sample set (2 : 1 by default), models
/// trained on the kriged targets of the training part.
///
/// Optimistic by design: neighbouring pixels' kriged targets are near-copies, so test pixels near
/// training pixels leak. `SpatialBlockValidation` is the honest counterpart.
public struct RandomSplitValidation: Sendable {
    public var trainFraction: Double
    public var seed: UInt64

    public init(trainFraction: Double = 2.0 / 3.0, seed: UInt64 = 1) {
        self.trainFraction = trainFraction
        self.seed = seed
    }

    public var scheme: String { "random split, train fraction \(String(format: "%.2f", trainFraction)) (seed \(seed))" }

    /// Training and test indices.
    public func split(count: Int) -> (train: [Int], test: [Int]) {
        let order = Array(0..<count).shuffled(seed: seed)
        let trainCount = min(count - 1, max(1, Int((Double(count) * trainFraction).rounded())))
        return (Array(order.prefix(trainCount)).sorted(), Array(order.dropFirst(trainCount)).sorted())
    }

    public func run(_ method: any RegressionMethod, on set: SampleSet) throws -> ValidationResult {
        try fitAndValidate(method, on: set).result
    }

    /// Validates and also returns the model trained on the training part (the paper's final model).
    public func fitAndValidate(_ method: any RegressionMethod, on set: SampleSet) throws -> (result: ValidationResult, model: any FittedRegression) {
        let (train, test) = split(count: set.count)
        let fitted = try method.fit(features: train.map { set.rows[$0].bands }, targets: train.map { set.rows[$0].kriged },
                                    positions: set.positions(train))
        let trainPredicted = fitted.predict(train.map { set.rows[$0].bands })
        let testPredicted = fitted.predict(test.map { set.rows[$0].bands })
        let result = ValidationResult(
            method: method.name, scheme: scheme,
            train: .init(kriged: RegressionMetrics(observed: train.map { set.rows[$0].kriged }, predicted: trainPredicted),
                         measured: RegressionMetrics(observed: train.map { set.rows[$0].measured }, predicted: trainPredicted)),
            test: .init(kriged: RegressionMetrics(observed: test.map { set.rows[$0].kriged }, predicted: testPredicted),
                        measured: RegressionMetrics(observed: test.map { set.rows[$0].measured }, predicted: testPredicted)),
            testIDs: test.map { set.rows[$0].id }, testPredicted: testPredicted,
            testMeasured: test.map { set.rows[$0].measured }, testKriged: test.map { set.rows[$0].kriged })
        return (result, fitted)
    }
}

/// Spatial block cross-validation: square blocks at least the variogram's practical range wide are
/// dealt to k folds; in each fold the kriged targets are re-built from the training samples'
/// measurements only (kriged at the training pixels), so no test measurement reaches training
/// through the kriging. Test predictions are compared with the measured contents and with the
/// kriged targets of the full sample set.
public struct SpatialBlockValidation: Sendable {
    public var blockSize: Double
    public var folds: Int
    public var seed: UInt64
    public var kriging: KrigingSettings

    public init(blockSize: Double, folds: Int = 5, seed: UInt64 = 1, kriging: KrigingSettings = KrigingSettings()) {
        self.blockSize = blockSize
        self.folds = folds
        self.seed = seed
        self.kriging = kriging
    }

    /// Blocks as wide as the practical range of the variogram fitted to `set`'s measurements (the
    /// distance beyond which samples are nearly uncorrelated), and never narrower than `minimum`.
    public static func blockSize(for set: SampleSet, kriging: KrigingSettings, minimum: Double = 0) throws -> Double {
        let points = try SpatialSamples(x: set.rows.map(\.x), y: set.rows.map(\.y), z: set.rows.map(\.measured), duplicates: .merge)
        let model = try kriging.fitVariogram(points).fit.model
        return max(minimum, model.practicalRange)
    }

    public var scheme: String { "spatial blocks \(String(format: "%.0f", blockSize)) m, \(folds)-fold (seed \(seed))" }

    /// Columns or rows of blocks above this are refused: far finer than any sample spacing (a
    /// million blocks across a survey), and block indices stay far from `Int`'s limits.
    public static let largestBlocksPerSide = 1_000_000.0

    /// Checks that the block grid over `set`'s extent is a grid at all: a positive, finite block
    /// size giving at most `largestBlocksPerSide` blocks per side. `source` names the sample set.
    public func checkBlockGrid(for set: SampleSet, source: String) throws {
        try checkBlockGrid(x: set.rows.map(\.x), y: set.rows.map(\.y), source: source)
    }

    /// `checkBlockGrid` for samples at (`xs`, `ys`).
    public func checkBlockGrid(x xs: [Double], y ys: [Double], source: String) throws {
        let extent = max((xs.max() ?? 0) - (xs.min() ?? 0), (ys.max() ?? 0) - (ys.min() ?? 0))
        guard blockSize.isFinite, blockSize > 0 else {
            throw InversionError("\(source): the spatial block size \(blockSize) is not a positive number")
        }
        guard extent.isFinite else { throw InversionError("\(source): the samples' coordinates span an infinite extent") }
        guard extent / blockSize <= Self.largestBlocksPerSide else {
            throw InversionError("\(source): a spatial block size of \(blockSize) m gives \(String(format: "%.3g", extent / blockSize)) blocks across the samples' \(String(format: "%.0f", extent)) m extent; give at least \(String(format: "%.3g", extent / Self.largestBlocksPerSide)) m (at most \(Int(Self.largestBlocksPerSide)) blocks per side)")
        }
    }

    /// Fold of each sample: blocks on a grid anchored at the samples' bounding box, shuffled with
    /// the seed and dealt to the folds so that fold sizes stay balanced. The grid must pass
    /// `checkBlockGrid` (block indices are computed as `Int`).
    public func foldAssignment(for set: SampleSet) throws -> [Int] {
        try foldAssignment(x: set.rows.map(\.x), y: set.rows.map(\.y), source: "the sample set")
    }

    /// `foldAssignment` of samples at (`xs`, `ys`); `source` names them in errors.
    public func foldAssignment(x xs: [Double], y ys: [Double], source: String) throws -> [Int] {
        try checkBlockGrid(x: xs, y: ys, source: source)
        let minX = xs.min() ?? 0, minY = ys.min() ?? 0
        var blockOf: [SIMD2<Int>: [Int]] = [:]
        for (i, (x, y)) in zip(xs, ys).enumerated() {
            let key = SIMD2(Int(((x - minX) / blockSize).rounded(.down)), Int(((y - minY) / blockSize).rounded(.down)))
            blockOf[key, default: []].append(i)
        }
        let blocks = blockOf.keys.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
        let order = blocks.shuffled(seed: seed)
        var sizes = [Int](repeating: 0, count: folds)
        var fold = [Int](repeating: 0, count: xs.count)
        // Largest blocks first into the currently smallest fold.
        for block in order.sorted(by: { blockOf[$0]!.count > blockOf[$1]!.count }) {
            let target = sizes.indices.min { (sizes[$0], $0) < (sizes[$1], $1) }!
            for i in blockOf[block]! { fold[i] = target }
            sizes[target] += blockOf[block]!.count
        }
        return fold
    }

    /// `method` scored fold by fold; with a `scope`, each fold fits each product's model on that
    /// product's training samples and the region's on all of them, and every test sample is
    /// predicted by its product's model (else the region's), as the map would be.
    public func run(_ method: any RegressionMethod, on set: SampleSet, scope: ProductScope? = nil) throws -> ValidationResult {
        if let scope, scope.products.count != set.count {
            throw InversionError("spatial cross-validation: \(scope.products.count) samples' products for \(set.count) samples")
        }
        let fold = try foldAssignment(for: set)
        // Folds are independent (each re-krigs and trains on its own), so they train in parallel.
        let outcomes = Mutex<[Result<FoldOutcome?, any Error>?]>(Array(repeating: nil, count: folds))
        DispatchQueue.concurrentPerform(iterations: folds) { k in
            let outcome = Result { try self.runFold(k, fold: fold, method: method, set: set, scope: scope) }
            outcomes.withLock { $0[k] = outcome }
        }
        var outOfFold = [Double](repeating: .nan, count: set.count)
        var trainKriged: [RegressionMetrics] = [], trainMeasured: [RegressionMetrics] = []
        var iterations: [Int] = []
        for outcome in outcomes.withLock({ $0 }) {
            guard let outcome = try outcome?.get() ?? nil else { continue }
            if let chosen = outcome.iterations { iterations.append(chosen) }
            trainKriged.append(outcome.trainKriged)
            trainMeasured.append(outcome.trainMeasured)
            for (i, value) in zip(outcome.test, outcome.predicted) { outOfFold[i] = value }
        }
        return ValidationResult(
            method: method.name, scheme: scheme,
            train: .init(kriged: RegressionMetrics.mean(trainKriged), measured: RegressionMetrics.mean(trainMeasured)),
            test: .init(kriged: RegressionMetrics(observed: set.krigedTargets, predicted: outOfFold),
                        measured: RegressionMetrics(observed: set.measuredTargets, predicted: outOfFold)),
            testIDs: set.rows.map(\.id), testPredicted: outOfFold,
            testMeasured: set.measuredTargets, testKriged: set.krigedTargets,
            foldIterations: iterations.isEmpty ? nil : iterations)
    }

    private struct FoldOutcome: Sendable {
        let test: [Int]
        let predicted: [Double]
        let iterations: Int?
        let trainKriged: RegressionMetrics
        let trainMeasured: RegressionMetrics
    }

    /// Fold k: re-krige the training samples' targets, train, predict the test samples. Nil-free
    /// result for an empty fold is skipped by the caller.
    private func runFold(_ k: Int, fold: [Int], method: any RegressionMethod, set: SampleSet, scope: ProductScope?) throws -> FoldOutcome? {
        let test = set.rows.indices.filter { fold[$0] == k }, train = set.rows.indices.filter { fold[$0] != k }
        guard !test.isEmpty else { return nil }
        guard train.count >= 3 else {
            throw InversionError("spatial cross-validation: fold \(k + 1) leaves \(train.count) training samples; use fewer folds or smaller blocks")
        }
        let points = try SpatialSamples(x: train.map { set.rows[$0].x }, y: train.map { set.rows[$0].y },
                                        z: train.map { set.rows[$0].measured }, duplicates: .merge)
        let foldKriging = try kriging.kriging(points).kriging
        let targets = try train.map { i -> Double in
            guard let p = try foldKriging.predict(x: set.rows[i].pixelX, y: set.rows[i].pixelY, variance: false) else {
                throw InversionError("spatial cross-validation: sample \(set.rows[i].id) has no training sample in its kriging neighbourhood")
            }
            return p.value
        }
        let trainPredicted: [Double], testPredicted: [Double], iterations: Int?
        if let scope {
            let features = set.features
            let fitted = try scope.fit(method, rows: train, features: features, targets: targets, positions: set.positions(train))
            (trainPredicted, testPredicted) = (scope.predict(fitted, rows: train, features: features), scope.predict(fitted, rows: test, features: features))
            iterations = fitted.region.chosenIterations
        } else {
            let fitted = try method.fit(features: train.map { set.rows[$0].bands }, targets: targets, positions: set.positions(train))
            (trainPredicted, testPredicted) = (fitted.predict(train.map { set.rows[$0].bands }), fitted.predict(test.map { set.rows[$0].bands }))
            iterations = fitted.chosenIterations
        }
        return FoldOutcome(test: test, predicted: testPredicted, iterations: iterations,
                           trainKriged: RegressionMetrics(observed: targets, predicted: trainPredicted),
                           trainMeasured: RegressionMetrics(observed: train.map { set.rows[$0].measured }, predicted: trainPredicted))
    }
}

extension RegressionMetrics {
    /// The fold average of metrics (training parts of a cross-validation).
    static func mean(_ metrics: [RegressionMetrics]) -> RegressionMetrics {
        let n = Double(max(1, metrics.count))
        return RegressionMetrics(count: metrics.map(\.count).reduce(0, +) / max(1, metrics.count),
                                 r2: metrics.map(\.r2).reduce(0, +) / n, rmse: metrics.map(\.rmse).reduce(0, +) / n,
                                 rpd: metrics.map(\.rpd).reduce(0, +) / n)
    }
}

extension SampleSet {
    /// The map positions of rows `indices`.
    public func positions(_ indices: [Int]) -> [SIMD2<Double>] {
        indices.map { SIMD2(rows[$0].x, rows[$0].y) }
    }
}
