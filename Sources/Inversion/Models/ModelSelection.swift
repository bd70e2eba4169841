import Foundation
import NeuralNet

/// The map's model chosen by spatial validation: every candidate is scored by spatial-block
/// cross-validation (targets re-kriged in each fold) against the measured contents, and the one
/// with the lowest RMSE there wins; on equal RMSE the earlier candidate, so candidates are listed
/// simplest first. The winner is then fitted on every sample (the map's model).
///
/// The random split is run too, for the table only: it flatters every method by the leak of
/// neighbouring kriged targets, so it never decides.
public struct ModelSelection: Sendable {
    /// A method with the features it reads: the sample set's own row, or each sample's features
    /// computed otherwise (a patch network's windows, a feature stack with spatial context).
    public struct Candidate: Sendable {
        public var method: any RegressionMethod
        /// The name in the table and the report: the method's, with what it reads when not the set's row.
        public var name: String
        /// Each sample's features, in the set's row order (nil: the set's rows).
        public var rows: [[Double]]?
        /// The feature stack `rows` hold, recorded in the map's model (nil: the set's own).
        public var features: FeatureStack?

        public init(_ method: any RegressionMethod, name: String? = nil, rows: [[Double]]? = nil, features: FeatureStack? = nil) {
            self.method = method
            self.name = name ?? method.name
            self.rows = rows
            self.features = features
        }

        /// `set` with each row's features as this candidate reads them.
        public func featureSet(_ set: SampleSet) throws -> SampleSet {
            guard let rows else {
                guard method.window <= 1 else { throw InversionError("\(name) reads \(method.window)×\(method.window) windows; none were given for the samples") }
                return set
            }
            guard rows.count == set.count else { throw InversionError("\(name): features for \(rows.count) samples, the set has \(set.count)") }
            var features = set
            for i in features.rows.indices { features.rows[i].bands = rows[i] }
            return features
        }
    }

    /// Simplest first (ties go to the earlier).
    public var candidates: [Candidate]
    public var spatialBlocks: SpatialBlockValidation
    public var randomSplit: RandomSplitValidation?

    public init(candidates: [Candidate], spatialBlocks: SpatialBlockValidation, randomSplit: RandomSplitValidation? = nil) {
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

    /// Scores every candidate on `set` (its rows hold the pixel's own features; a candidate with
    /// `rows` reads those instead), validations named after the candidates.
    public func run(set: SampleSet, log: (String) -> Void = { _ in }) throws -> Result {
        var scores: [Score] = [], validations: [ValidationResult] = []
        for candidate in candidates {
            let features = try candidate.featureSet(set)
            log("scoring \(candidate.name) by \(spatialBlocks.scheme)")
            let start = Date()
            var random = try randomSplit?.run(candidate.method, on: features)
            var spatial = try spatialBlocks.run(candidate.method, on: features)
            random?.method = candidate.name
            spatial.method = candidate.name
            validations += [random, spatial].compactMap { $0 }
            scores.append(Score(method: candidate.name, spatialRMSE: spatial.test.measured.rmse, spatialR2: spatial.test.measured.r2,
                                randomRMSE: random?.test.measured.rmse, randomR2: random?.test.measured.r2,
                                foldIterations: spatial.foldIterations, seconds: Date().timeIntervalSince(start)))
        }
        guard let winner = Self.best(rmse: scores.map(\.spatialRMSE)) else {
            throw InversionError("model selection: no candidate gave a finite spatial-validation RMSE")
        }
        return Result(scores: scores, winner: winner, validations: validations)
    }

    /// `candidate` fitted on every sample of `set` (kriged targets of the whole set): the map's model.
    /// It knows the samples' positions, as in validation (XGBoost's inner CV is spatial there too).
    public static func fitOnAll(_ candidate: Candidate, set: SampleSet) throws -> any FittedRegression {
        let features = try candidate.featureSet(set)
        return try candidate.method.fit(features: features.rows.map(\.bands), targets: features.krigedTargets,
                                        positions: features.positions(Array(features.rows.indices)))
    }
}
