import Foundation

/// Scratch memory and the current factorised system for the fast kriging path; one per thread.
///
/// Everything a prediction touches is allocated once here, so the per-pixel loop does not allocate.
/// For a local neighbourhood the factorisation of the last neighbour set is kept and reused as long as
/// consecutive locations select the same samples (typical along a raster row).
final class KrigingWorkspace {
    let kriging: OrdinaryKriging
    private let capacity: Int
    private let sampleCount: Int
    private var neighbours: NeighbourList
    private let x: UnsafeMutablePointer<Double>
    private let y: UnsafeMutablePointer<Double>
    private let z: UnsafeMutablePointer<Double>
    private let supportX: UnsafeMutablePointer<Double>
    private let supportY: UnsafeMutablePointer<Double>
    private let supportWeight: UnsafeMutablePointer<Double>
    private let supportCount: Int
    private let isPointSupport: Bool
    /// Sample indices of the current system; ascending for local neighbourhoods.
    private let systemIndices: UnsafeMutablePointer<Int>
    private var systemCount = 0
    private var hasSystem = false
    private let candidate: UnsafeMutablePointer<Int>
    private let matrix: UnsafeMutablePointer<Double>
    private let lower: UnsafeMutablePointer<Double>
    private let onesSolved: UnsafeMutablePointer<Double>
    private let residualWeights: UnsafeMutablePointer<Double>
    private let covariances: UnsafeMutablePointer<Double>
    private let solved: UnsafeMutablePointer<Double>
    private var onesNorm = 0.0
    private var mean = 0.0
    /// How many systems this workspace has factorised (the global one counts as zero: it is shared).
    private(set) var factorizations = 0

    init(_ kriging: OrdinaryKriging) {
        self.kriging = kriging
        let capacity = kriging.maximumNeighbours
        self.capacity = capacity
        sampleCount = kriging.samples.count
        neighbours = NeighbourList(capacity: max(capacity, 1))
        x = Self.copy(kriging.samples.x)
        y = Self.copy(kriging.samples.y)
        z = Self.copy(kriging.samples.z)
        supportX = Self.copy(kriging.supportPoints.dx)
        supportY = Self.copy(kriging.supportPoints.dy)
        supportWeight = Self.copy(kriging.supportPoints.weight)
        supportCount = kriging.supportPoints.count
        isPointSupport = kriging.supportPoints.isPoint
        systemIndices = .allocate(capacity: capacity)
        candidate = .allocate(capacity: capacity)
        let isGlobal = kriging.global != nil
        // The global system is factorised already; only a local one needs room to build its matrix.
        matrix = .allocate(capacity: isGlobal ? 1 : capacity * capacity)
        lower = .allocate(capacity: capacity * capacity)
        onesSolved = .allocate(capacity: capacity)
        residualWeights = .allocate(capacity: capacity)
        covariances = .allocate(capacity: capacity)
        solved = .allocate(capacity: capacity)
        if let global = kriging.global {
            for a in 0..<capacity { systemIndices[a] = global.indices[a] }
            global.lower.withUnsafeBufferPointer { lower.initialize(from: $0.baseAddress!, count: capacity * capacity) }
            global.onesSolved.withUnsafeBufferPointer { onesSolved.initialize(from: $0.baseAddress!, count: capacity) }
            global.residualWeights.withUnsafeBufferPointer { residualWeights.initialize(from: $0.baseAddress!, count: capacity) }
            (systemCount, onesNorm, mean, hasSystem) = (capacity, global.onesNorm, global.mean, true)
        }
    }

    deinit {
        for pointer in [x, y, z, supportX, supportY, supportWeight, matrix, lower, onesSolved, residualWeights, covariances, solved] {
            pointer.deallocate()
        }
        systemIndices.deallocate()
        candidate.deallocate()
    }

    private static func copy(_ values: [Double]) -> UnsafeMutablePointer<Double> {
        let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
        return pointer
    }

    /// Prediction at (px, py); nil when a local neighbourhood holds no sample.
    func predict(x px: Double, y py: Double, variance wantVariance: Bool) throws -> KrigingPrediction? {
        if case let .nearest(_, maxDistance) = kriging.neighbourhood {
            guard try selectLocalSystem(x: px, y: py, maxDistance: maxDistance) else { return nil }
        }
        let m = systemCount
        var value = mean
        if isPointSupport {
            pointCovariances(x: px, y: py, count: m)
        } else {
            let model = kriging.model
            for a in 0..<m {
                let i = systemIndices[a]
                var c = 0.0
                for k in 0..<supportCount {
                    let dx = x[i] - (px + supportX[k]), dy = y[i] - (py + supportY[k])
                    c += supportWeight[k] * model.continuousCovariance((dx * dx + dy * dy).squareRoot())
                }
                covariances[a] = c
            }
        }
        value += CholeskyFactor.dot(covariances, residualWeights, count: m)
        guard wantVariance else { return KrigingPrediction(value: value, variance: .nan) }
        solved.update(from: covariances, count: m)
        CholeskyFactor.forwardSubstitute(solved, lower: lower, order: m)
        var explained = 0.0, onesProjection = 0.0
        for a in 0..<m {
            explained += solved[a] * solved[a]
            onesProjection += solved[a] * onesSolved[a]
        }
        let unbiasednessPenalty = (1 - onesProjection) * (1 - onesProjection) / onesNorm
        return KrigingPrediction(value: value, variance: kriging.supportVariance - explained + unbiasednessPenalty)
    }

    /// covariances[a] = C(|x_a − p|) for the current system, with the model kind switched once outside
    /// the loop (this loop is most of the cost of a global-neighbourhood prediction).
    private func pointCovariances(x px: Double, y py: Double, count m: Int) {
        let model = kriging.model
        let sill = model.sill, partialSill = model.partialSill, range = model.range
        @inline(__always) func distance(_ a: Int) -> Double {
            let i = systemIndices[a]
            let dx = x[i] - px, dy = y[i] - py
            return (dx * dx + dy * dy).squareRoot()
        }
        switch model.kind {
        case .spherical:
            for a in 0..<m {
                let t = distance(a) / range
                covariances[a] = t == 0 ? sill : t >= 1 ? 0 : partialSill * (1 - t * (1.5 - 0.5 * t * t))
            }
        case .exponential:
            for a in 0..<m {
                let h = distance(a)
                covariances[a] = h == 0 ? sill : partialSill * exp(-h / range)
            }
        case .gaussian:
            for a in 0..<m {
                let t = distance(a) / range
                covariances[a] = t == 0 ? sill : partialSill * exp(-t * t)
            }
        case .nugget:
            for a in 0..<m { covariances[a] = distance(a) == 0 ? sill : 0 }
        }
    }

    /// Finds the neighbour set and makes its factorised system current, reusing the last one when the
    /// set is unchanged. Returns false when no sample is within reach.
    private func selectLocalSystem(x px: Double, y py: Double, maxDistance: Double) throws -> Bool {
        kriging.tree.nearest(x: px, y: py, maxDistance: maxDistance, into: &neighbours)
        let m = neighbours.count
        guard m > 0 else { return false }
        neighbours.indices.withUnsafeBufferPointer { found in
            // Insertion sort: the set, not the distance order, identifies the system.
            for a in 0..<m {
                let value = found[a]
                var b = a
                while b > 0 && candidate[b - 1] > value {
                    candidate[b] = candidate[b - 1]
                    b -= 1
                }
                candidate[b] = value
            }
        }
        if hasSystem && m == systemCount {
            var same = true
            for a in 0..<m where candidate[a] != systemIndices[a] {
                same = false
                break
            }
            if same { return true }
        }
        hasSystem = false
        systemIndices.update(from: candidate, count: m)
        (onesNorm, mean) = try FactorizedSystem.prepare(
            indices: systemIndices, count: m, x: x, y: y, z: z, model: kriging.model, matrix: matrix, lower: lower,
            onesSolved: onesSolved, residualWeights: residualWeights)
        systemCount = m
        hasSystem = true
        factorizations += 1
        return true
    }
}
