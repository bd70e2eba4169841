/// A kriged value and its kriging (error) variance.
public struct KrigingPrediction: Sendable, Equatable {
    public let value: Double
    public let variance: Double
}

/// Ordinary kriging (unknown constant mean) with gstat's conventions: covariance C(h) = sill − γ(h),
/// the nugget counted only between a sample and itself (or a point prediction at a sample's location),
/// block supports averaged over a discretisation without the nugget.
///
/// `predict` uses the fast path: the global system is factorised once at construction (Cholesky of the
/// sample covariance matrix), so a prediction is m̂ + c(x)ᵀ K⁻¹(z − m̂ 1) — one dot product — and its
/// variance C(x,x) − cᵀK⁻¹c + (1 − 1ᵀK⁻¹c)² / 1ᵀK⁻¹1 one triangular solve; local neighbourhoods reuse
/// the last factorisation while consecutive locations share their neighbour set. `predictReference`
/// is the plain textbook solver (the bordered (n+1) × (n+1) system by Gaussian elimination) that the
/// fast path is tested against.
public struct OrdinaryKriging: Sendable {
    public let samples: SpatialSamples
    public let model: VariogramModel
    public let neighbourhood: KrigingNeighbourhood
    public let support: KrigingSupport

    let tree: KDTree
    let supportPoints: SupportPoints
    /// C(x, x) of the prediction support.
    let supportVariance: Double
    /// The factorised all-sample system, for the global neighbourhood.
    let global: FactorizedSystem?
    /// All sample–sample covariances, for local neighbourhoods of moderate sample counts.
    let covarianceTable: SampleCovarianceTable?
    /// The far-field variance grid of a global neighbourhood, built on first use (it costs an n × n
    /// table and trace K⁻¹) and shared by every `predictGrid` call — each tile of a scene — on this value.
    let varianceGrid: Lazy<FarFieldVarianceGrid?>

    public init(samples: SpatialSamples, model: VariogramModel, neighbourhood: KrigingNeighbourhood = .global,
                support: KrigingSupport = .point) throws {
        try self.init(samples: samples, model: model, neighbourhood: neighbourhood, support: support, covarianceTable: nil)
    }

    /// With `covarianceTable`, the samples' covariance table of a local neighbourhood is taken as given
    /// (cross-validation folds gather theirs from the full set's).
    init(samples: SpatialSamples, model: VariogramModel, neighbourhood: KrigingNeighbourhood, support: KrigingSupport,
         covarianceTable table: SampleCovarianceTable?) throws {
        guard samples.count >= 1 else { throw GeostatisticsError.tooFewSamples(samples.count, needed: 1) }
        if case let .nearest(count, maxDistance) = neighbourhood {
            guard count >= 1 else { throw GeostatisticsError.invalidParameter("nmax must be at least 1, got \(count)") }
            guard maxDistance > 0 else { throw GeostatisticsError.invalidParameter("maxdist must be positive, got \(maxDistance)") }
        }
        self.samples = samples
        self.model = model
        self.neighbourhood = neighbourhood
        self.support = support
        tree = KDTree(x: samples.x, y: samples.y)
        supportPoints = try SupportPoints(support)
        supportVariance = supportPoints.selfCovariance(model)
        global = neighbourhood == .global ? try FactorizedSystem(indices: Array(samples.indices), samples: samples, model: model) : nil
        covarianceTable = neighbourhood != .global && samples.count <= SampleCovarianceTable.maximumSamples
            ? table ?? SampleCovarianceTable(samples: samples, model: model) : nil
        varianceGrid = Lazy()
    }

    /// The largest neighbour set a system can have.
    var maximumNeighbours: Int {
        switch neighbourhood {
        case .global: samples.count
        case let .nearest(count, _): min(count, samples.count)
        }
    }

    /// Fast-path prediction at (x, y); nil when the neighbourhood holds no sample. The variance is NaN
    /// when `variance` is false. Each call sets up fresh scratch memory: for many locations use
    /// `predict(x:y:)` with arrays or `predictGrid`.
    public func predict(x: Double, y: Double, variance: Bool = true) throws -> KrigingPrediction? {
        let workspace = KrigingWorkspace(self)
        return try workspace.predict(x: x, y: y, variance: variance)
    }

    // MARK: - Reference solver

    /// The neighbour set by brute force: all samples ordered by (distance, index), at most nmax, within maxdist.
    func referenceNeighbours(x: Double, y: Double) -> [Int] {
        switch neighbourhood {
        case .global:
            return Array(samples.indices)
        case let .nearest(count, maxDistance):
            let d2 = samples.indices.map { i -> Double in
                let dx = samples.x[i] - x, dy = samples.y[i] - y
                return dx * dx + dy * dy
            }
            let limit = maxDistance * maxDistance
            let sorted = samples.indices.filter { d2[$0] <= limit }.sorted { (d2[$0], $0) < (d2[$1], $1) }
            return Array(sorted.prefix(count))
        }
    }

    /// Covariance between sample i and the support centred at (x, y), straight from the definition.
    func referenceCovariance(sample i: Int, x: Double, y: Double) -> Double {
        if supportPoints.isPoint {
            let dx = samples.x[i] - x, dy = samples.y[i] - y
            return model.covariance((dx * dx + dy * dy).squareRoot())
        }
        var sum = 0.0
        for k in 0..<supportPoints.count {
            let dx = samples.x[i] - (x + supportPoints.dx[k]), dy = samples.y[i] - (y + supportPoints.dy[k])
            sum += supportPoints.weight[k] * model.continuousCovariance((dx * dx + dy * dy).squareRoot())
        }
        return sum
    }

    /// Plain ordinary kriging: solve [K 1; 1ᵀ 0] [λ; μ] = [c; 1] by Gaussian elimination with partial
    /// pivoting; ẑ = λᵀz, σ² = C(x,x) − λᵀc − μ. Nil when the neighbourhood holds no sample.
    public func predictReference(x: Double, y: Double) throws -> KrigingPrediction? {
        let selected = referenceNeighbours(x: x, y: y)
        let m = selected.count
        guard m > 0 else { return nil }
        let n = m + 1
        var matrix = [Double](repeating: 0, count: n * n)
        var rightHandSide = [Double](repeating: 1, count: n)
        for (a, i) in selected.enumerated() {
            for (b, j) in selected.enumerated() {
                let dx = samples.x[i] - samples.x[j], dy = samples.y[i] - samples.y[j]
                matrix[a * n + b] = model.covariance((dx * dx + dy * dy).squareRoot())
            }
            matrix[a * n + m] = 1
            matrix[m * n + a] = 1
            rightHandSide[a] = referenceCovariance(sample: i, x: x, y: y)
        }
        let solution = try DenseLinearSystem.solve(matrix, order: n, rightHandSide: rightHandSide)
        var value = 0.0, variance = supportVariance - solution[m]
        for (a, i) in selected.enumerated() {
            value += solution[a] * samples.z[i]
            variance -= solution[a] * rightHandSide[a]
        }
        return KrigingPrediction(value: value, variance: variance)
    }
}

/// An ordinary kriging system over a fixed sample set, factorised for repeated predictions:
/// L Lᵀ = K, u = L⁻¹1, s = uᵀu = 1ᵀK⁻¹1, the generalised-least-squares mean m̂ = 1ᵀK⁻¹z / s and the
/// residual weights w = K⁻¹(z − m̂ 1).
struct FactorizedSystem: Sendable {
    let indices: [Int]
    let lower: [Double]
    let onesSolved: [Double]
    let onesNorm: Double
    let mean: Double
    let residualWeights: [Double]

    init(indices: [Int], samples: SpatialSamples, model: VariogramModel) throws {
        let m = indices.count
        var lower = [Double](repeating: 0, count: m * m)
        var matrix = [Double](repeating: 0, count: m * m)
        var onesSolved = [Double](repeating: 0, count: m)
        var residualWeights = [Double](repeating: 0, count: m)
        let (norm, mean) = try indices.withUnsafeBufferPointer { indices in
            try lower.withUnsafeMutableBufferPointer { lower in
                try matrix.withUnsafeMutableBufferPointer { matrix in
                    try onesSolved.withUnsafeMutableBufferPointer { onesSolved in
                        try residualWeights.withUnsafeMutableBufferPointer { residualWeights in
                            try samples.x.withUnsafeBufferPointer { x in
                                try samples.y.withUnsafeBufferPointer { y in
                                    try samples.z.withUnsafeBufferPointer { z in
                                        try Self.prepare(
                                            indices: indices.baseAddress!, count: m, x: x.baseAddress!, y: y.baseAddress!,
                                            z: z.baseAddress!, model: model, table: nil, matrix: matrix.baseAddress!,
                                            lower: lower.baseAddress!, onesSolved: onesSolved.baseAddress!,
                                            residualWeights: residualWeights.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.indices = indices
        self.lower = lower
        self.onesSolved = onesSolved
        self.onesNorm = norm
        self.mean = mean
        self.residualWeights = residualWeights
    }

    /// diag(K⁻¹): (K⁻¹)_ii = ‖L⁻¹ e_i‖², one forward substitution per sample.
    func inverseDiagonal() -> [Double] {
        let m = indices.count
        var diagonal = [Double](repeating: 0, count: m)
        var column = [Double](repeating: 0, count: m)
        lower.withUnsafeBufferPointer { lower in
            column.withUnsafeMutableBufferPointer { column in
                for i in 0..<m {
                    column.update(repeating: 0)
                    column[i] = 1
                    // L⁻¹e_i is zero above row i, so the substitution can start there.
                    for r in i..<m {
                        let row = lower.baseAddress! + r * m
                        var sum = column[r]
                        for k in i..<r { sum -= row[k] * column[k] }
                        column[r] = sum / row[r]
                    }
                    var norm = 0.0
                    for r in i..<m { norm += column[r] * column[r] }
                    diagonal[i] = norm
                }
            }
        }
        return diagonal
    }

    /// Builds and factorises the system of the `count` samples at `indices` into caller-owned buffers
    /// (`matrix` and `lower` hold count², the vectors count); returns (1ᵀK⁻¹1, m̂). Allocation-free.
    /// Covariances come from `table` when given, else from the model.
    static func prepare(indices: UnsafePointer<Int>, count m: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
                        z: UnsafePointer<Double>, model: VariogramModel, table: SampleCovarianceTable?,
                        matrix: UnsafeMutablePointer<Double>, lower: UnsafeMutablePointer<Double>,
                        onesSolved: UnsafeMutablePointer<Double>,
                        residualWeights: UnsafeMutablePointer<Double>) throws -> (onesNorm: Double, mean: Double) {
        // Only the lower triangle is read by the factorisation.
        if let table {
            let n = table.sampleCount, all = table.values
            for a in 0..<m {
                let row = all + indices[a] * n
                for b in 0...a { matrix[a * m + b] = row[indices[b]] }
            }
        } else {
            for a in 0..<m {
                let i = indices[a]
                matrix[a * m + a] = model.sill
                for b in 0..<a {
                    let j = indices[b]
                    let dx = x[i] - x[j], dy = y[i] - y[j]
                    matrix[a * m + b] = model.covariance((dx * dx + dy * dy).squareRoot())
                }
            }
        }
        try CholeskyFactor.factorise(matrix, into: lower, order: m)
        for a in 0..<m {
            onesSolved[a] = 1
            residualWeights[a] = z[indices[a]]
        }
        CholeskyFactor.forwardSubstitute(onesSolved, lower: lower, order: m)
        CholeskyFactor.forwardSubstitute(residualWeights, lower: lower, order: m)
        var norm = 0.0, cross = 0.0
        for a in 0..<m {
            norm += onesSolved[a] * onesSolved[a]
            cross += onesSolved[a] * residualWeights[a]
        }
        let mean = cross / norm
        // L⁻¹(z − m̂1) = L⁻¹z − m̂ u, then L⁻ᵀ of it gives K⁻¹(z − m̂1).
        for a in 0..<m { residualWeights[a] -= mean * onesSolved[a] }
        CholeskyFactor.backSubstitute(residualWeights, lower: lower, order: m)
        return (norm, mean)
    }
}

extension OrdinaryKriging {
    /// Distance from (x, y) to the nearest sample (a KD-tree search, exact).
    public func nearestSampleDistance(x: Double, y: Double) -> Double {
        tree.nearestDistanceSquared(x: x, y: y).squareRoot()
    }

    /// C(x, x) of the prediction support: the variance of a value with no sample to inform it (the
    /// sill for point support; for a block, the sill less the nugget and the variance within the block).
    public var priorVariance: Double { supportVariance }
}
