import Foundation

/// Scratch memory and the current factorised system for the fast kriging path; one per thread.
///
/// Everything a prediction touches is allocated once here, so the per-pixel loop does not allocate.
/// For a local neighbourhood the factorisation of the last neighbour set is kept and reused as long as
/// consecutive locations select the same samples (typical along a raster row).
final class KrigingWorkspace {
    // Copies of the kriging setup rather than the `OrdinaryKriging` value: reading through it would
    // retain and release its arrays on every prediction.
    private let model: VariogramModel
    /// The model's covariance loops for a point prediction and for points inside a block.
    private let pointKernel: CovarianceKernel
    private let blockKernel: CovarianceKernel
    private let tree: KDTree
    private let table: SampleCovarianceTable?
    private let maxDistance: Double?
    private let supportVariance: Double
    private let capacity: Int
    private var neighbours: NeighbourList
    private let x: UnsafeMutablePointer<Double>
    private let y: UnsafeMutablePointer<Double>
    private let z: UnsafeMutablePointer<Double>
    private let supportX: UnsafeMutablePointer<Double>
    private let supportY: UnsafeMutablePointer<Double>
    private let supportWeight: UnsafeMutablePointer<Double>
    private let supportCount: Int
    /// How far the support's points reach from its centre.
    private let supportReach: Double
    private let isPointSupport: Bool
    /// The current system's slot in `systems`; its sample indices are ascending for local neighbourhoods.
    private var systemIndices: UnsafeMutablePointer<Int>
    /// Coordinates of the current system's samples, in system order.
    private var systemX: UnsafeMutablePointer<Double>
    private var systemY: UnsafeMutablePointer<Double>
    private var systemCount = 0
    private var hasSystem = false
    private let candidate: UnsafeMutablePointer<Int>
    private let matrix: UnsafeMutablePointer<Double>
    private var lower: UnsafeMutablePointer<Double>
    private var onesSolved: UnsafeMutablePointer<Double>
    private var residualWeights: UnsafeMutablePointer<Double>
    /// Recently used factorised systems: the next raster row passes through the same neighbour sets.
    private let systems: FactorizedSystemCache
    /// Samples that can be selected anywhere near the current grid segment (see `restrictCandidates`).
    private let candidates: NeighbourCandidates
    private let covariances: UnsafeMutablePointer<Double>
    /// One support point's covariances, while `fillCovariances` averages a block.
    private let supportCovariances: UnsafeMutablePointer<Double>
    private let solved: UnsafeMutablePointer<Double>
    /// Eight right-hand sides side by side, for `predictGlobalBatch`.
    private let batch: UnsafeMutablePointer<SIMD8<Double>>
    /// Global spherical model: the samples (and weights) within the range of some location of the
    /// current grid segment, compacted; every other sample's covariance is exactly zero there.
    private let nearX: UnsafeMutablePointer<Double>
    private let nearY: UnsafeMutablePointer<Double>
    private let nearWeights: UnsafeMutablePointer<Double>
    private var nearCount = 0
    private var usesNear = false
    private var onesNorm = 0.0
    private var mean = 0.0
    /// Where the last neighbour search ran, and how far from there the selected set provably stays the
    /// same: half the gap between the nmax-th and the (nmax+1)-th nearest distance (each distance
    /// changes by at most the displacement). Zero when no such guarantee exists.
    private var searchX = 0.0
    private var searchY = 0.0
    private var unchangedRadius = 0.0
    /// How many neighbour searches ran (the rest were skipped by the guarantee above).
    private(set) var searches = 0
    /// How many systems this workspace has factorised (the global one counts as zero: it is shared).
    private(set) var factorizations = 0
    /// Gaussian model with a local neighbourhood on a grid: per-axis factors, so a pixel's covariances
    /// are products of cached exponentials (see `predictValueWithAxisFactors`).
    private let axisFactors: GaussianAxisFactors?
    /// Per cache slot: ps · wₐ · (row factor of sample a) for the row in `slotPreparedRow` (the
    /// factors' row stamp, −1 when not prepared), so a set met again on the same row is not redone.
    private let slotRowScaledWeights: UnsafeMutablePointer<Double>
    private var slotPreparedRow: [Int]
    /// Per slot: how its prepared row may use the factors.
    private var slotFactorUse: [AxisFactorUse]
    /// The current system's slot in `systems`.
    private var currentSlot = 0
    /// Exponential model, block support, local neighbourhood on a grid: far samples of the current system
    /// interpolated along the current row segment (see `beginRowSegment`).
    private let segmentFarField: SegmentFarField?
    private let nuggetAtSample: Bool
    /// Axis-factor predictions that took the exact path instead (underflow risk or a sample on the row).
    private(set) var axisFactorFallbacks = 0

    init(_ kriging: OrdinaryKriging) {
        let capacity = kriging.maximumNeighbours
        model = kriging.model
        pointKernel = CovarianceKernel(model: kriging.model, includeNugget: true)
        blockKernel = CovarianceKernel(model: kriging.model, includeNugget: false)
        tree = kriging.tree
        table = kriging.covarianceTable
        if case let .nearest(_, maxDistance) = kriging.neighbourhood { self.maxDistance = maxDistance } else { maxDistance = nil }
        supportVariance = kriging.supportVariance
        self.capacity = capacity
        // One neighbour beyond nmax tells how far the location may move before the set can change.
        neighbours = NeighbourList(capacity: max(capacity, 1) + 1)
        x = Self.copy(kriging.samples.x)
        y = Self.copy(kriging.samples.y)
        z = Self.copy(kriging.samples.z)
        supportX = Self.copy(kriging.supportPoints.dx)
        supportY = Self.copy(kriging.supportPoints.dy)
        supportWeight = Self.copy(kriging.supportPoints.weight)
        supportCount = kriging.supportPoints.count
        supportReach = kriging.supportPoints.reach
        isPointSupport = kriging.supportPoints.isPoint
        candidate = .allocate(capacity: capacity)
        let isGlobal = kriging.global != nil
        // The global system is factorised already; only a local one needs room to build its matrix.
        matrix = .allocate(capacity: isGlobal ? 1 : capacity * capacity)
        systems = FactorizedSystemCache(capacity: capacity, slots: isGlobal ? 1 : FactorizedSystemCache.slotCount(capacity: capacity))
        candidates = NeighbourCandidates(sampleCount: kriging.samples.count)
        (systemIndices, systemX, systemY, lower, onesSolved, residualWeights) = systems.buffers(of: 0)
        covariances = .allocate(capacity: capacity)
        supportCovariances = .allocate(capacity: capacity)
        solved = .allocate(capacity: capacity)
        batch = .allocate(capacity: isGlobal ? capacity : 1)
        nuggetAtSample = isPointSupport && kriging.model.nugget > 0
        slotRowScaledWeights = .allocate(capacity: max(capacity, 1) * systems.slots)
        slotPreparedRow = [Int](repeating: -1, count: systems.slots)
        slotFactorUse = [AxisFactorUse](repeating: .exact, count: systems.slots)
        segmentFarField = isGlobal ? nil : SegmentFarField(model: kriging.model, supportPoints: kriging.supportPoints,
                                                           sampleValues: kriging.samples.z, capacity: capacity, slots: systems.slots)
        axisFactors = isGlobal ? nil : GaussianAxisFactors(model: kriging.model, supportPoints: kriging.supportPoints, x: x, y: y,
                                                           sampleCount: kriging.samples.count, stripCapacity: Self.axisFactorStrip)
        let nearCapacity = isGlobal && kriging.model.kind == .spherical ? capacity : 1
        (nearX, nearY, nearWeights) = (.allocate(capacity: nearCapacity), .allocate(capacity: nearCapacity), .allocate(capacity: nearCapacity))
        if let global = kriging.global {
            for a in 0..<capacity {
                systemIndices[a] = global.indices[a]
                systemX[a] = x[global.indices[a]]
                systemY[a] = y[global.indices[a]]
            }
            global.lower.withUnsafeBufferPointer { lower.initialize(from: $0.baseAddress!, count: capacity * capacity) }
            global.onesSolved.withUnsafeBufferPointer { onesSolved.initialize(from: $0.baseAddress!, count: capacity) }
            global.residualWeights.withUnsafeBufferPointer { residualWeights.initialize(from: $0.baseAddress!, count: capacity) }
            (systemCount, onesNorm, mean, hasSystem) = (capacity, global.onesNorm, global.mean, true)
        }
    }

    deinit {
        for pointer in [x, y, z, supportX, supportY, supportWeight, matrix, covariances, supportCovariances, solved, nearX, nearY, nearWeights,
                        slotRowScaledWeights] {
            pointer.deallocate()
        }
        batch.deallocate()
        candidate.deallocate()
    }

    private static func copy(_ values: [Double]) -> UnsafeMutablePointer<Double> {
        let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
        return pointer
    }

    /// Prediction at (px, py); nil when a local neighbourhood holds no sample.
    func predict(x px: Double, y py: Double, variance wantVariance: Bool) throws -> KrigingPrediction? {
        if let maxDistance {
            guard try selectLocalSystem(x: px, y: py, maxDistance: maxDistance) else { return nil }
        }
        return predictSelected(x: px, y: py, variance: wantVariance)
    }

    /// Prediction at (px, py) with the current system.
    private func predictSelected(x px: Double, y py: Double, variance wantVariance: Bool) -> KrigingPrediction {
        let m = systemCount
        guard wantVariance else {
            if let segmentFarField, segmentFarField.isActive {
                let sum = segmentFarField.residualSum(slot: currentSlot, x: systemX, y: systemY, w: residualWeights, count: m, at: px)
                return KrigingPrediction(value: mean + sum, variance: .nan)
            }
            return KrigingPrediction(value: mean + residualSum(x: px, y: py), variance: .nan)
        }
        let value: Double
        if isPointSupport && !usesNear {
            // One pass gives the value (bit for bit as without variance) and the covariances for the solve.
            value = mean + pointKernel.weightedSum(x: systemX, y: systemY, weights: residualWeights, count: m, px: px, py: py,
                                                   storingCovariancesIn: covariances)
        } else {
            value = mean + residualSum(x: px, y: py)
            fillCovariances(x: px, y: py)
        }
        solved.update(from: covariances, count: m)
        CholeskyFactor.forwardSubstitute(solved, lower: lower, order: m)
        var explained = 0.0, onesProjection = 0.0
        for a in 0..<m {
            explained += solved[a] * solved[a]
            onesProjection += solved[a] * onesSolved[a]
        }
        let unbiasednessPenalty = (1 - onesProjection) * (1 - onesProjection) / onesNorm
        return KrigingPrediction(value: value, variance: supportVariance - explained + unbiasednessPenalty)
    }

    /// Eight global-neighbourhood predictions with variances at once (`lanes` ≤ 8 of them used): the
    /// triangular solves for the variances run on eight right-hand sides together, so each element of
    /// the factor is loaded once per eight pixels and the arithmetic is SIMD-wide. Without `withValues`
    /// only the variances are computed (the values came from elsewhere) and `values` is left as it is.
    func predictGlobalBatch(x px: SIMD8<Double>, y py: SIMD8<Double>, lanes: Int, withValues: Bool = true,
                            values: inout SIMD8<Double>, variances: inout SIMD8<Double>) {
        precondition(maxDistance == nil && lanes >= 1 && lanes <= 8)
        let m = systemCount
        for lane in 0..<8 {
            // Unused lanes repeat the last location so every lane stays finite.
            let source = min(lane, lanes - 1)
            fillCovariances(x: px[source], y: py[source])
            if withValues { values[lane] = mean + residualSum(x: px[source], y: py[source]) }
            for a in 0..<m { batch[a][lane] = covariances[a] }
        }
        Self.forwardSubstituteInPlace(batch, lower: lower, order: m)
        var explained = SIMD8<Double>(), onesProjection = SIMD8<Double>()
        for a in 0..<m {
            explained += batch[a] * batch[a]
            onesProjection += onesSolved[a] * batch[a]
        }
        let shortfall = 1 - onesProjection
        variances = supportVariance - explained + shortfall * shortfall / onesNorm
    }

    /// Solves L·X = B in place for eight right-hand sides side by side (B[k] holds row k of all eight),
    /// four rows of L at a time: each loaded B[k] serves four rows, which keeps the loop on the
    /// multiply-add units rather than on loads. L's rows are `rowStride` apart (default: the order), so
    /// a trailing diagonal block of a larger factor can be passed.
    static func forwardSubstituteInPlace(_ b: UnsafeMutablePointer<SIMD8<Double>>, lower: UnsafePointer<Double>, order m: Int,
                                         rowStride: Int? = nil) {
        let stride = rowStride ?? m
        var i = 0
        while i + 4 <= m {
            let r0 = lower + i * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride
            var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
            for k in 0..<i {
                let x = b[k]
                a0 += r0[k] * x
                a1 += r1[k] * x
                a2 += r2[k] * x
                a3 += r3[k] * x
            }
            // The 4 × 4 triangle of these rows.
            let x0 = (b[i] - a0) / r0[i]
            a1 += r1[i] * x0
            a2 += r2[i] * x0
            a3 += r3[i] * x0
            let x1 = (b[i + 1] - a1) / r1[i + 1]
            a2 += r2[i + 1] * x1
            a3 += r3[i + 1] * x1
            let x2 = (b[i + 2] - a2) / r2[i + 2]
            a3 += r3[i + 2] * x2
            let x3 = (b[i + 3] - a3) / r3[i + 3]
            (b[i], b[i + 1], b[i + 2], b[i + 3]) = (x0, x1, x2, x3)
            i += 4
        }
        while i < m {
            let row = lower + i * stride
            var sum = SIMD8<Double>()
            for k in 0..<i { sum += row[k] * b[k] }
            b[i] = (b[i] - sum) / row[i]
            i += 1
        }
    }

    /// c(p)ᵀK⁻¹(z − m̂1) for the current system: the prediction minus the mean, without storing c(p).
    @inline(__always)
    private func residualSum(x px: Double, y py: Double) -> Double {
        let (sx, sy, weights, m) = usesNear ? (nearX, nearY, nearWeights, nearCount) : (systemX, systemY, residualWeights, systemCount)
        if isPointSupport {
            return pointKernel.weightedSum(x: sx, y: sy, weights: weights, count: m, px: px, py: py)
        }
        var sum = 0.0
        for k in 0..<supportCount {
            sum += supportWeight[k] * blockKernel.weightedSum(x: sx, y: sy, weights: weights, count: m,
                                                              px: px + supportX[k], py: py + supportY[k])
        }
        return sum
    }

    /// covariances[a] = covariance between system sample a and the support centred at (px, py), by the
    /// model's SIMD loop (its weighted sum is dropped); a block support averages one pass per point.
    @inline(__always)
    private func fillCovariances(x px: Double, y py: Double) {
        let m = systemCount
        if isPointSupport {
            _ = pointKernel.weightedSum(x: systemX, y: systemY, weights: residualWeights, count: m, px: px, py: py,
                                        storingCovariancesIn: covariances)
            return
        }
        covariances.update(repeating: 0, count: m)
        for k in 0..<supportCount {
            _ = blockKernel.weightedSum(x: systemX, y: systemY, weights: residualWeights, count: m,
                                        px: px + supportX[k], py: py + supportY[k], storingCovariancesIn: supportCovariances)
            let weight = supportWeight[k]
            for a in 0..<m { covariances[a] += weight * supportCovariances[a] }
        }
    }

    /// Finds the neighbour set and makes its factorised system current, reusing the last one when the
    /// set is unchanged. Returns false when no sample is within reach.
    private func selectLocalSystem(x px: Double, y py: Double, maxDistance: Double) throws -> Bool {
        if candidates.isActive {
            let (m, changed) = candidates.select(x: px, y: py, count: capacity, maxDistance: maxDistance, into: candidate)
            guard m > 0 else { return false }
            // An unchanged selection is the current system (a failed factorisation forgets the selection).
            if !changed { return true }
            do {
                return try makeCurrent(count: m)
            } catch {
                candidates.forgetSelection()
                throw error
            }
        }
        if hasSystem {
            let dx = px - searchX, dy = py - searchY
            if dx * dx + dy * dy < unchangedRadius * unchangedRadius { return true }
        }
        tree.nearest(x: px, y: py, maxDistance: maxDistance, into: &neighbours)
        searches += 1
        let m = min(neighbours.count, capacity)
        // With a finite maxdist, samples can also cross that circle; keep it simple and search every time.
        if neighbours.count > capacity && !maxDistance.isFinite {
            let kth = neighbours.distancesSquared[capacity - 1].squareRoot()
            let next = neighbours.distancesSquared[capacity].squareRoot()
            (searchX, searchY, unchangedRadius) = (px, py, (next - kth) / 2)
        } else {
            unchangedRadius = 0
        }
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
        return try makeCurrent(count: m)
    }

    /// Makes the system of the `m` ascending sample indices in `candidate` current: unchanged, from the
    /// cache, or factorised into the least recently used slot.
    private func makeCurrent(count m: Int) throws -> Bool {
        if hasSystem && m == systemCount {
            var same = true
            for a in 0..<m where candidate[a] != systemIndices[a] {
                same = false
                break
            }
            if same { return true }
        }
        hasSystem = false
        let (slot, isCached) = systems.slot(for: candidate, count: m)
        currentSlot = slot
        (systemIndices, systemX, systemY, lower, onesSolved, residualWeights) = systems.buffers(of: slot)
        if isCached {
            (onesNorm, mean) = systems.summary(of: slot)
        } else {
            systemIndices.update(from: candidate, count: m)
            for a in 0..<m {
                systemX[a] = x[candidate[a]]
                systemY[a] = y[candidate[a]]
            }
            (onesNorm, mean) = try FactorizedSystem.prepare(
                indices: systemIndices, count: m, x: x, y: y, z: z, model: model, table: table,
                matrix: matrix, lower: lower,
                onesSolved: onesSolved, residualWeights: residualWeights)
            systems.store(slot: slot, count: m, onesNorm: onesNorm, mean: mean)
            slotPreparedRow[slot] = -1
            segmentFarField?.invalidate(slot: slot)
            factorizations += 1
        }
        systemCount = m
        hasSystem = true
        return true
    }

    /// Restricts the neighbour search of the following predictions to the samples that can be among
    /// the nmax nearest of any location within `reach` of (cx, cy); each prediction then selects among
    /// those few by brute force, starting from the current set. No effect for a global neighbourhood.
    func restrictCandidates(x cx: Double, y cy: Double, reach: Double) {
        guard let maxDistance else { return }
        // dₖ(c), the nmax-th nearest distance from the centre, is at most the farthest distance to any
        // nmax samples: the current full system (typically the last segment's) bounds it without a
        // tree search; otherwise the tree finds it.
        var kth = Double.infinity
        if hasSystem && systemCount == capacity {
            var farthest = 0.0
            for a in 0..<systemCount {
                let dx = systemX[a] - cx, dy = systemY[a] - cy
                farthest = max(farthest, dx * dx + dy * dy)
            }
            kth = farthest.squareRoot()
        } else {
            tree.nearest(x: cx, y: cy, maxDistance: maxDistance, into: &neighbours)
            searches += 1
            if neighbours.count >= capacity { kth = neighbours.distancesSquared[capacity - 1].squareRoot() }
        }
        // Within reach of the centre the nmax-th distance is at most dₖ(c) + reach, so a selected sample
        // is within dₖ(c) + 2·reach of the centre (with a relative slack for rounding).
        let radius = min(maxDistance + reach, kth + 2 * reach)
        candidates.gather(x: cx, y: cy, radius: radius * (1 + 1e-9), x: x, y: y,
                          previous: hasSystem ? UnsafePointer(systemIndices) : nil, previousCount: hasSystem ? systemCount : 0)
    }

    /// Global spherical model: restricts the following predictions, all within `reach` of (cx, cy), to
    /// the samples within the range of some such location (plus the block's extent) — the others add
    /// exactly zero. No effect for other models or local neighbourhoods.
    func restrictGlobalSamples(x cx: Double, y cy: Double, reach: Double) {
        guard maxDistance == nil, model.kind == .spherical else { return }
        // A relative slack for rounding: an excluded sample is then beyond the range by more than it.
        let radius = (model.range + reach + supportReach) * (1 + 1e-9)
        var n = 0
        for a in 0..<systemCount {
            let dx = systemX[a] - cx, dy = systemY[a] - cy
            if dx * dx + dy * dy <= radius * radius {
                (nearX[n], nearY[n], nearWeights[n]) = (systemX[a], systemY[a], residualWeights[a])
                n += 1
            }
        }
        (nearCount, usesNear) = (n, true)
    }

    /// Whether the current local system is provably the neighbour set of every point of the horizontal
    /// segment from (x0, y) to (x1, y) (infinite maxdist only), so those points need no selection.
    func currentSystemHoldsAlong(x0: Double, x1: Double, y: Double) -> Bool {
        guard let maxDistance, maxDistance == .infinity, hasSystem, candidates.isActive else { return false }
        return candidates.selectionHoldsAlong(x0: min(x0, x1), x1: max(x0, x1), y: y)
    }

    /// Prediction with the current system, skipping the neighbour selection (see `currentSystemHoldsAlong`).
    func predictWithCurrentSystem(x px: Double, y py: Double, variance wantVariance: Bool) -> KrigingPrediction? {
        hasSystem ? predictSelected(x: px, y: py, variance: wantVariance) : nil
    }

    /// Value predictions until `endRowSegment` lie on row y between pixel centres x0 and x1: an
    /// exponential model with a block support then interpolates each system's far samples along it
    /// (no effect otherwise).
    func beginRowSegment(x0: Double, x1: Double, y: Double) { segmentFarField?.begin(x0: x0, x1: x1, y: y) }

    func endRowSegment() { segmentFarField?.end() }

    /// How many (segment, system) plans interpolated far samples (for tests).
    var interpolatedSegmentPlans: Int { segmentFarField?.interpolatedPlans ?? 0 }

    /// The widest strip of columns `beginAxisFactorStrip` takes.
    static let axisFactorStrip = 64

    /// Whether `predictValueWithAxisFactors` avoids per-pixel exponentials here (Gaussian model, local
    /// neighbourhood); otherwise it is the ordinary prediction.
    var usesAxisFactors: Bool { axisFactors != nil }

    /// Starts a strip of grid columns (at most `axisFactorStrip`) with these pixel-centre abscissae.
    func beginAxisFactorStrip(_ xs: [Double]) { axisFactors?.beginStrip(xs) }

    /// Starts a row of the current strip at pixel-centre ordinate `y`.
    func beginAxisFactorRow(_ y: Double) { axisFactors?.beginRow(y) }

    /// Value-only prediction at the pixel centre (x, y) of strip column `column` in the current row:
    /// the same selection as `predict`, then the residual sum from the axis factors.
    func predictValueWithAxisFactors(column: Int, x px: Double, y py: Double) throws -> KrigingPrediction? {
        if let maxDistance {
            guard try selectLocalSystem(x: px, y: py, maxDistance: maxDistance) else { return nil }
        }
        return currentValueWithAxisFactors(column: column, x: px, y: py)
    }

    /// As `predictValueWithAxisFactors`, with the current system (see `currentSystemHoldsAlong`).
    func currentValueWithAxisFactors(column: Int, x px: Double, y py: Double) -> KrigingPrediction? {
        guard hasSystem else { return nil }
        guard let factors = axisFactors else { return predictSelected(x: px, y: py, variance: false) }
        let slot = currentSlot
        if slotPreparedRow[slot] != factors.currentRow { prepareAxisFactors(factors, slot: slot) }
        let use = slotFactorUse[slot]
        let columnFactors = factors.column(column)
        let m = systemCount, indices = systemIndices, weights = slotRowScaledWeights + slot * capacity
        var safe = use == .products
        if use == .productsWhereColumnsAreSafe {
            // Decided per pixel from its own factors, so the result does not depend on the strip (tile).
            safe = true
            for a in 0..<m where columnFactors[indices[a]] < Self.smallestSafeFactor { safe = false }
        }
        guard safe else {
            axisFactorFallbacks += 1
            return predictSelected(x: px, y: py, variance: false)
        }
        // Four chains, so the sum is not one long dependency.
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var a = 0
        while a + 4 <= m {
            s0 += weights[a] * columnFactors[indices[a]]
            s1 += weights[a + 1] * columnFactors[indices[a + 1]]
            s2 += weights[a + 2] * columnFactors[indices[a + 2]]
            s3 += weights[a + 3] * columnFactors[indices[a + 3]]
            a += 4
        }
        while a < m {
            s0 += weights[a] * columnFactors[indices[a]]
            a += 1
        }
        return KrigingPrediction(value: mean + ((s0 + s1) + (s2 + s3)), variance: .nan)
    }

    /// Row and column factors both ≥ 1e-145 keep every product a normal number, as exact as the
    /// exponential of the summed exponent; a smaller one (a neighbour over ~18 ranges away along an
    /// axis) sends the pixel to the exact path.
    private static let smallestSafeFactor = 1e-145

    /// How a cached system's pixels on the current row use the axis factors.
    private enum AxisFactorUse {
        /// Every factor is safe: products throughout.
        case products
        /// Some column factor of the strip is below `smallestSafeFactor`: each pixel checks its own.
        case productsWhereColumnsAreSafe
        /// A row factor is unsafe, or a point prediction may land on a sample with a nugget.
        case exact
    }

    /// Row-scaled weights of the current system for the current row and strip.
    private func prepareAxisFactors(_ factors: GaussianAxisFactors, slot: Int) {
        let rowScaledWeights = slotRowScaledWeights + slot * capacity
        let partialSill = model.partialSill
        var use = AxisFactorUse.products
        for a in 0..<systemCount {
            let sample = systemIndices[a]
            factors.prepare(sample: sample)
            let rowFactor = factors.rowFactors[sample]
            rowScaledWeights[a] = partialSill * residualWeights[a] * rowFactor
            // A sample on this row may coincide with a pixel centre, whose covariance includes the nugget.
            if rowFactor < Self.smallestSafeFactor || (nuggetAtSample && factors.rowHitsSample(sample)) {
                use = .exact
            } else if factors.smallestColumnFactor[sample] < Self.smallestSafeFactor && use == .products {
                use = .productsWhereColumnsAreSafe
            }
        }
        (slotPreparedRow[slot], slotFactorUse[slot]) = (factors.currentRow, use)
    }

    /// Back to a tree search per prediction.
    func clearCandidates() {
        candidates.clear()
        usesNear = false
    }
}
