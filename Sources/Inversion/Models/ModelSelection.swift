import Foundation

/// The map's model chosen by spatial validation: every candidate is scored by spatial-block
/// cross-validation (targets re-kriged in each fold) against the measured contents, and the one
/// with the lowest RMSE there wins; on equal RMSE the earlier candidate, so candidates are listed
/// simplest first. The winner is then fitted on every sample (the map's model).
///
/// The random split is run too, for the table only: it flatters every method by the leak of
/// neighbouring kriged targets, so it never decides.
public struct ModelSelection: Sendable {
    /// Simplest first (ties go to the earlier).
    public var candidates: [any RegressionMethod]
    public var spatialBlocks: SpatialBlockValidation
    public var randomSplit: RandomSplitValidation?

    public init(candidates: [any RegressionMethod], spatialBlocks: SpatialBlockValidation, randomSplit: RandomSplitValidation? = nil) {
        self.candidates = candidates
        self.spatialBlocks = spatialBlocks
        self.randomSplit = randomSplit
    }

    /// One candidate's figures.
    public struct Score: Sendable, Codable, Equatable {
        public var method: String
        /// Spatial-block CV against the measured contents: the selection's key.
        public var spatialRMSE: Double
        public var spatialR2: Double
        public var randomRMSE: Double?
        public var randomR2: Double?
        /// The optimiser steps each spatial fold's network kept (early stopping); nil without iterations.
        public var foldIterations: [Int]?
        /// Wall time of the candidate's validations (and, for the winner, not its final fit).
        public var seconds: Double
    }

    public struct Result: Sendable {
        /// In candidate order.
        public let scores: [Score]
        /// Index into `scores` (and the candidates) of the winner.
        public let winner: Int
        /// Each candidate's validations: the random split's (when run) and the spatial blocks'.
        public let validations: [ValidationResult]

        /// The spatial-block validation of the candidate at `index`.
        public func spatial(_ index: Int) -> ValidationResult? {
            validations.first { $0.method == scores[index].method && $0.scheme.hasPrefix("spatial") }
        }
    }

    /// The index of the lowest RMSE, the earliest on a tie. NaN (a failed fit) never wins.
    public static func best(rmse: [Double]) -> Int? {
        rmse.indices.filter { rmse[$0].isFinite }.min { (rmse[$0], $0) < (rmse[$1], $1) }
    }

    /// `set`'s rows hold the pixel's own bands; `windows` each sample's k × k windows for candidates
    /// with `window` > 1 (nil when no candidate reads windows).
    public func run(set: SampleSet, windows: [[Double]]?, log: (String) -> Void = { _ in }) throws -> Result {
        var scores: [Score] = [], validations: [ValidationResult] = []
        for method in candidates {
            let features = try Self.features(for: method, set: set, windows: windows)
            log("scoring \(method.name) by \(spatialBlocks.scheme)")
            let start = Date()
            let random = try randomSplit?.run(method, on: features)
            let spatial = try spatialBlocks.run(method, on: features)
            validations += [random, spatial].compactMap { $0 }
            scores.append(Score(method: method.name, spatialRMSE: spatial.test.measured.rmse, spatialR2: spatial.test.measured.r2,
                                randomRMSE: random?.test.measured.rmse, randomR2: random?.test.measured.r2,
                                foldIterations: spatial.foldIterations, seconds: Date().timeIntervalSince(start)))
        }
        guard let winner = Self.best(rmse: scores.map(\.spatialRMSE)) else {
            throw InversionError("model selection: no candidate gave a finite spatial-validation RMSE")
        }
        return Result(scores: scores, winner: winner, validations: validations)
    }

    /// `method` fitted on every sample of `set` (kriged targets of the whole set): the map's model.
    public static func fitOnAll(_ method: any RegressionMethod, set: SampleSet, windows: [[Double]]?) throws -> any FittedRegression {
        let features = try features(for: method, set: set, windows: windows)
        return try method.fit(features: features.rows.map(\.bands), targets: features.krigedTargets)
    }

    /// `set` with each row's features as `method` reads them.
    static func features(for method: any RegressionMethod, set: SampleSet, windows: [[Double]]?) throws -> SampleSet {
        guard method.window > 1 else { return set }
        guard let windows, windows.count == set.count else {
            throw InversionError("\(method.name) reads \(method.window)×\(method.window) windows; none were given for the samples")
        }
        var features = set
        for i in features.rows.indices { features.rows[i].bands = windows[i] }
        return features
    }
}
