import SeededRandom

/// Cross-validation of an ordinary kriging setup: each sample predicted from the others.
public struct CrossValidation: Sendable, Equatable {
    /// One held-out sample (gstat's `krige.cv` columns).
    public struct Residual: Sendable, Equatable {
        public let observed: Double
        public let predicted: Double
        public let variance: Double
        /// observed − predicted.
        public var residual: Double { observed - predicted }
        /// residual / kriging standard deviation.
        public var zScore: Double { residual / variance.squareRoot() }
    }

    /// In sample order; nil where the held-out sample had no neighbour (local neighbourhood with maxdist).
    public let residuals: [Residual?]

    private var predicted: [Residual] { residuals.compactMap { $0 } }
    public var meanError: Double { mean(predicted.map(\.residual)) }
    public var rootMeanSquaredError: Double { mean(predicted.map { $0.residual * $0.residual }).squareRoot() }
    /// Near 0 for unbiased predictions.
    public var meanZScore: Double { mean(predicted.map(\.zScore)) }
    /// Near 1 when the kriging variances match the actual errors.
    public var meanSquaredZScore: Double { mean(predicted.map { $0.zScore * $0.zScore }) }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    /// Leave-one-out: every sample predicted from all the others (gstat's `krige.cv` default).
    ///
    /// With the global neighbourhood this needs one factorisation, not one per sample (Dubrule 1983):
    /// with B the inverse of the bordered matrix [K 1; 1ᵀ 0], the held-out residual is (B[z; 0])_i / B_ii
    /// and its kriging variance 1 / B_ii, where B_ii = (K⁻¹)_ii − (K⁻¹1)_i² / 1ᵀK⁻¹1 and B[z; 0] is
    /// K⁻¹(z − m̂1). `leaveOneOutByRefitting` is the plain reference.
    public static func leaveOneOut(samples: SpatialSamples, model: VariogramModel,
                                   neighbourhood: KrigingNeighbourhood = .global) throws -> CrossValidation {
        guard neighbourhood == .global else { return try leaveOneOutByRefitting(samples: samples, model: model, neighbourhood: neighbourhood) }
        guard samples.count >= 2 else { throw GeostatisticsError.tooFewSamples(samples.count, needed: 2) }
        let system = try FactorizedSystem(indices: Array(samples.indices), samples: samples, model: model)
        let onesWeights = CholeskyFactor(validatedLower: system.lower, order: samples.count).solve([Double](repeating: 1, count: samples.count))
        let inverseDiagonal = system.inverseDiagonal()
        var residuals: [Residual?] = []
        for i in samples.indices {
            let b = inverseDiagonal[i] - onesWeights[i] * onesWeights[i] / system.onesNorm
            let residual = system.residualWeights[i] / b
            residuals.append(Residual(observed: samples.z[i], predicted: samples.z[i] - residual, variance: 1 / b))
        }
        return CrossValidation(residuals: residuals)
    }

    /// Leave-one-out by kriging each sample from a system rebuilt without it.
    public static func leaveOneOutByRefitting(samples: SpatialSamples, model: VariogramModel,
                                              neighbourhood: KrigingNeighbourhood = .global) throws -> CrossValidation {
        try kFold(samples: samples, model: model, neighbourhood: neighbourhood, folds: Array(samples.indices))
    }

    /// k-fold: samples are shuffled by a seeded generator into `k` folds of near-equal size, and each fold
    /// is predicted from the others.
    public static func kFold(samples: SpatialSamples, model: VariogramModel, neighbourhood: KrigingNeighbourhood = .global,
                             k: Int, seed: UInt64 = 1) throws -> CrossValidation {
        guard k >= 2, k <= samples.count else {
            throw GeostatisticsError.invalidParameter("k-fold needs 2 ≤ k ≤ \(samples.count) folds, got \(k)")
        }
        let shuffled = Array(samples.indices).shuffled(seed: seed)
        var fold = [Int](repeating: 0, count: samples.count)
        for (position, sample) in shuffled.enumerated() { fold[sample] = position % k }
        return try kFold(samples: samples, model: model, neighbourhood: neighbourhood, folds: fold)
    }

    /// `folds[i]` is the fold of sample i; each fold is held out in turn.
    static func kFold(samples: SpatialSamples, model: VariogramModel, neighbourhood: KrigingNeighbourhood,
                      folds: [Int]) throws -> CrossValidation {
        guard samples.count >= 2 else { throw GeostatisticsError.tooFewSamples(samples.count, needed: 2) }
        // A local neighbourhood's folds gather their covariance tables from one of the full set (with one
        // fold per sample, recomputing them cost more than all the predictions).
        let table = neighbourhood != .global && samples.count <= SampleCovarianceTable.maximumSamples
            ? SampleCovarianceTable(samples: samples, model: model) : nil
        let foldIDs = Set(folds).sorted()
        // Folds run in parallel, each with its own system; a large global one (n² doubles per fold) one at a time.
        let parallel = neighbourhood != .global || samples.count <= SampleCovarianceTable.maximumSamples
        let predictions = try foldIDs.concurrentMap(parallel: parallel) { foldID -> [(Int, Residual?)] in
            let heldOut = Set(samples.indices.filter { folds[$0] == foldID })
            let kriging = try OrdinaryKriging(samples: samples.removing(heldOut), model: model, neighbourhood: neighbourhood, support: .point,
                                              covarianceTable: table.map { SampleCovarianceTable($0, keeping: samples.indices.filter { !heldOut.contains($0) }) })
            let workspace = KrigingWorkspace(kriging)
            return try heldOut.sorted().map { i in
                let p = try workspace.predict(x: samples.x[i], y: samples.y[i], variance: true)
                return (i, p.map { Residual(observed: samples.z[i], predicted: $0.value, variance: $0.variance) })
            }
        }
        var residuals = [Residual?](repeating: nil, count: samples.count)
        for (i, residual) in predictions.joined() { residuals[i] = residual }
        return CrossValidation(residuals: residuals)
    }
}
