import Foundation

/// Global-neighbourhood kriging variances on a grid: per lattice block, the Cholesky factor is taken
/// with the block's far samples first, so everything the far samples contribute is a smooth function of
/// the pixel — interpolated from Chebyshev nodes for an exponential or Gaussian model, exactly zero for a
/// spherical one (beyond its range) — and each pixel pays only for its few near samples (k²/2 instead of
/// n²/2 multiply-adds for the triangular solve).
///
/// With the samples ordered far (F) then near (N): L_F L_Fᵀ = K_FF, B = L_F⁻¹ K_FN, L_N L_Nᵀ = K_NN − BᵀB.
/// For the covariances c of a pixel, v = L⁻¹c splits into v_F = L_F⁻¹ c_F and v_N = L_N⁻¹(c_N − Bᵀv_F),
/// and with u = L⁻¹1 (split the same way) and s = 1ᵀK⁻¹1,
///   σ² = C(p, p) − g − |v_N|² + (1 − f − v_N·u_N)² / s,  g = v_F·v_F, h = Bᵀv_F, f = v_F·u_F.
/// g, h and f depend on the far samples only and are interpolated over the block.
///
/// Error bound (exact arithmetic). In the block's Bernstein polyellipse (ρ per axis from the nearest far
/// sample, as in `ExponentialFarFieldGrid`, its distance reduced by the support's reach) every far
/// covariance has |c_a| ≤ ps (exponential: Re √q ≥ 0; Gaussian: Re q > 0). With T = trace K⁻¹, which is
/// at least 1/λ_min(K) ≥ 1/λ_min(K_FF): |v_F| ≤ √(N_F·ps²·T) =: V, so |g| ≤ V², |h_i| ≤ √sill·V
/// (|L_F⁻¹K_Fi|² ≤ K_ii) and |f| ≤ √s·V (u_F·u_F ≤ s). Chebyshev interpolation errs by at most
/// E(M) = M·min(Eₓ + Λₙ·E_y, E_y + Λₙ·Eₓ), Eₓ = 4ρₓ⁻ⁿ/(ρₓ − 1). Those errors reach σ² through
/// |v_N| ≤ √C(p, p), ‖L_N⁻¹‖² ≤ T (L_N⁻ᵀL_N⁻¹ is a diagonal block of K⁻¹), |u_N| ≤ √s and
/// |1 − P| ≤ 1 + √(C(p, p)·s); a block is interpolated only when the total is below `tolerance`,
/// otherwise (or when a factorisation fails) its pixels take the direct solve.
struct FarFieldVarianceGrid: Sendable {
    let sampleX: [Double]
    let sampleY: [Double]
    /// The sample covariances K (system order is sample order for the global system).
    let covariances: SampleCovarianceTable
    let kernel: CovarianceKernel
    let support: SupportPoints
    let sill: Double
    let supportVariance: Double
    let onesNorm: Double
    /// trace K⁻¹, a bound on 1/λ_min(K).
    let inverseTrace: Double
    /// Bound on the interpolation error of a pixel's variance: 1e-13 of C(p, p), below the 1e-12
    /// absolute floor of the fast paths' agreement with the reference solver.
    let tolerance: Double

    static let degrees = [8, 12, 16, 20, 24, 28, 32, 40, 48]
    /// Far samples are those at least this many block half-sides from the block (the cheapest that
    /// meets the bound wins).
    static let clearances: [Double] = [0.5, 1, 1.5, 2, 3, 4, 6]

    /// Nil for a nugget model, or beyond `SampleCovarianceTable.maximumSamples` samples (the per-block
    /// factorisations grow as the cube of the far samples; the direct solve is then used).
    init?(kriging: OrdinaryKriging, global: FactorizedSystem) {
        let n = global.indices.count
        guard kriging.model.kind != .nugget, n <= SampleCovarianceTable.maximumSamples,
              global.indices.elementsEqual(kriging.samples.indices) else { return nil }
        sampleX = kriging.samples.x
        sampleY = kriging.samples.y
        covariances = SampleCovarianceTable(samples: kriging.samples, model: kriging.model)
        kernel = CovarianceKernel(model: kriging.model, includeNugget: kriging.supportPoints.isPoint)
        support = kriging.supportPoints
        sill = kriging.model.sill
        supportVariance = kriging.supportVariance
        onesNorm = global.onesNorm
        inverseTrace = Self.inverseTrace(lower: global.lower, order: n)
        tolerance = 1e-13 * kriging.supportVariance
        guard inverseTrace.isFinite, tolerance > 0 else { return nil }
    }

    /// trace K⁻¹ = ‖L⁻¹‖²_F, from L⁻¹ solved eight columns at a time, each batch from its first row
    /// (L⁻¹eᵢ is zero above row i). Plus 1 % for its rounding error, about n·ε·cond K: the Cholesky
    /// pivot guard keeps cond K near 1e10 at most, and n ≤ 2048 keeps that product below 0.3 %.
    private static func inverseTrace(lower: [Double], order n: Int) -> Double {
        let batch = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: max(n, 1))
        defer { batch.deallocate() }
        var trace = 0.0
        lower.withUnsafeBufferPointer { lower in
            for first in stride(from: 0, to: n, by: 8) {
                for k in first..<n {
                    var column = SIMD8<Double>()
                    for lane in 0..<8 where first + lane == k { column[lane] = 1 }
                    batch[k - first] = column
                }
                KrigingWorkspace.forwardSubstituteInPlace(batch, lower: lower.baseAddress! + first * n + first, order: n - first, rowStride: n)
                for k in 0..<(n - first) { trace += (batch[k] * batch[k]).sum() }
            }
        }
        return trace * 1.01
    }

    /// How a block's variances are computed: which samples are near and the interpolation degree (nil
    /// where the far samples' covariances are exactly zero over the block: spherical model).
    struct Plan {
        let degree: Int?
        let far: [Int]
        let near: [Int]
    }

    /// The cheapest plan whose error bound meets `tolerance`, or nil when the direct solve is cheaper;
    /// from the block's lattice geometry and the number of pixels to predict in it.
    func plan(_ block: LatticeSquare, pixels pixelCount: Int) -> Plan? {
        let n = sampleX.count
        let halfX = (block.xInterval.1 - block.xInterval.0) / 2, halfY = (block.yInterval.1 - block.yInterval.0) / 2
        guard halfX > 0, halfY > 0 else { return nil }
        let half = max(halfX, halfY)
        // Each sample's distance from the block's pixel centres, and its clearance: how far the block's
        // polyellipse may reach (0.99 of the distance left once the support's reach is taken off).
        var distance = [Double](repeating: 0, count: n), clearance = [Double](repeating: 0, count: n)
        for a in 0..<n {
            distance[a] = ChebyshevInterpolation.distance(from: sampleX[a], sampleY[a], to: block.xInterval, block.yInterval)
            clearance[a] = 0.99 * (distance[a] - support.reach)
        }
        let pixels = Double(pixelCount), supports = Double(support.weight.count)
        // In multiply-adds; a covariance with an exponential counts as ten, a spherical one as three.
        let covarianceCost = kernel.kind == .spherical ? 3.0 : 10.0
        var best: (cost: Double, plan: Plan?) = (pixels * (Double(n * n) / 2 + Double(n) * supports * covarianceCost), nil)
        if kernel.kind == .spherical {
            // Beyond the range (plus the support's reach, with a relative slack for rounding) a covariance
            // is exactly zero: those samples are far, with nothing to interpolate.
            let reach = (1 / kernel.inverseRange + support.reach) * (1 + 1e-9)
            let near = (0..<n).filter { distance[$0] <= reach }
            let far = (0..<n).filter { distance[$0] > reach }
            guard !far.isEmpty else { return nil }
            let cost = Self.setUpCost(farCount: Double(far.count), nearCount: Double(near.count))
                + pixels * (Double(near.count * near.count) / 2 + Double(near.count) * supports * covarianceCost)
            return cost < best.cost ? Plan(degree: nil, far: far, near: near) : nil
        }
        for multiple in Self.clearances {
            let far = (0..<n).filter { clearance[$0] >= multiple * half }
            guard !far.isEmpty else { continue }
            let nearest = far.map { clearance[$0] }.min()!
            let (rhoX, rhoY) = (1 + nearest / halfX, 1 + nearest / halfY)
            let farCount = Double(far.count), nearCount = Double(n - far.count)
            guard let degree = smallestDegree(rhoX: rhoX, rhoY: rhoY, farCount: farCount, nearCount: nearCount) else { continue }
            let nodes = Double((degree + 1) * (degree + 1)), rows = pixels.squareRoot()
            let perBlock = Self.setUpCost(farCount: farCount, nearCount: nearCount)
                + nodes * (farCount * farCount / 2 + farCount * (nearCount + 2) + farCount * supports * covarianceCost)
                + rows * nodes * (nearCount + 2)
            let perPixel = (nearCount + 2) * Double(degree + 1) + nearCount * nearCount / 2 + nearCount * supports * covarianceCost
            let cost = perBlock + pixels * perPixel
            if cost < best.cost {
                best = (cost, Plan(degree: degree, far: far, near: (0..<n).filter { clearance[$0] < multiple * half }))
            }
        }
        return best.plan
    }

    /// Cost of a block's reordered factorisation in multiply-adds of the SIMD loops: K_FF's Cholesky
    /// factor (weighted 4: its panels and short within-panel loops run well below the solves' rate; 4
    /// timed faster than 2 on the whole-scene benchmark), B = L_F⁻¹K_FN, the Schur complement K_NN − BᵀB
    /// and its factor.
    private static func setUpCost(farCount f: Double, nearCount k: Double) -> Double {
        4 * f * f * f / 6 + k * f * f / 2 + f * k * k / 2 + k * k * k / 6
    }

    /// The smallest degree whose bound on the variance error (see the type's comment) meets `tolerance`.
    private func smallestDegree(rhoX: Double, rhoY: Double, farCount: Double, nearCount: Double) -> Int? {
        let v = (farCount * kernel.partialSill * kernel.partialSill * inverseTrace).squareRoot()
        let (magnitudeG, magnitudeH, magnitudeQ) = (v * v, sill.squareRoot() * v, onesNorm.squareRoot() * v)
        let standardDeviation = supportVariance.squareRoot(), onesRoot = onesNorm.squareRoot()
        for degree in Self.degrees {
            let unit = ChebyshevInterpolation.errorFactor(degree: degree, rhoX: rhoX, rhoY: rhoY)
            let (errorG, errorH, errorQ) = (magnitudeG * unit, magnitudeH * unit, magnitudeQ * unit)
            let errorVN = inverseTrace.squareRoot() * nearCount.squareRoot() * errorH
            let errorP = errorQ + errorVN * onesRoot
            let bound = errorG + 2 * standardDeviation * errorVN + errorVN * errorVN
                + (2 * (1 + standardDeviation * onesRoot) * errorP + errorP * errorP) / onesNorm
            if bound <= tolerance { return degree }
        }
        return nil
    }

    /// Writes the variances of the window's pixels in `block` through `store(pixel index, variance)` and
    /// returns how many it wrote; nil when a factorisation of the reordered system failed (the caller
    /// then solves directly).
    func predict(_ block: LatticeSquare, _ plan: Plan, _ lattice: GridLattice, store: (Int, Double) -> Void) -> Int? {
        guard let system = try? ReorderedSystem(self, plan) else { return nil }
        // Without a degree there are no nodes: every interpolated term below is an empty sum, zero.
        let count = plan.degree.map { $0 + 1 } ?? 0
        let xNodes = plan.degree.map { ChebyshevInterpolation.chebyshevPoints(block.xInterval, $0) } ?? []
        let yNodes = plan.degree.map { ChebyshevInterpolation.chebyshevPoints(block.yInterval, $0) } ?? []
        let k = plan.near.count, farCount = plan.far.count
        // The far part at every node, node-major (node = x node · count + y node), in `fields` slots:
        // |v_F|², v_F·u_F, then Bᵀv_F for each near sample.
        let fields = k + 2
        var nodeValues = [Double](repeating: 0, count: count * count * fields)
        let batch = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: max(farCount, k, 1))
        let coupled = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: max(k, 1))
        defer {
            batch.deallocate()
            coupled.deallocate()
        }
        let farX = plan.far.map { sampleX[$0] }, farY = plan.far.map { sampleY[$0] }
        let nodeCount = count * count
        for first in stride(from: 0, to: nodeCount, by: 8) {
            var px = SIMD8<Double>(), py = SIMD8<Double>()
            for lane in 0..<8 {
                let node = min(first + lane, nodeCount - 1)
                (px[lane], py[lane]) = (xNodes[node / count], yNodes[node % count])
            }
            fillSupportCovariances(px, py, samplesX: farX, samplesY: farY, into: batch)
            system.farLower.withUnsafeBufferPointer { KrigingWorkspace.forwardSubstituteInPlace(batch, lower: $0.baseAddress!, order: farCount) }
            var farExplained = SIMD8<Double>(), farProjection = SIMD8<Double>()
            coupled.update(repeating: SIMD8(), count: k)
            for a in 0..<farCount {
                let v = batch[a]
                farExplained += v * v
                farProjection += system.farOnes[a] * v
                for i in 0..<k { coupled[i] += system.coupling[a * k + i] * v }
            }
            for lane in 0..<min(8, nodeCount - first) {
                let base = (first + lane) * fields
                nodeValues[base] = farExplained[lane]
                nodeValues[base + 1] = farProjection[lane]
                for i in 0..<k { nodeValues[base + 2 + i] = coupled[i][lane] }
            }
        }
        // x basis of the window's columns in the block, node-major, padded to whole SIMD groups.
        let width = block.columns.count, padded = (width + 7) / 8 * 8
        var xBasis = [Double](repeating: 0, count: max(count * padded, 1))
        var xs = [Double](repeating: 0, count: padded)
        for c in 0..<padded {
            xs[c] = lattice.x(block.columns.lowerBound + c)
            guard c < width, count > 0 else { continue }
            let basis = ChebyshevInterpolation.lagrangeBasis(at: xs[c], nodes: xNodes)
            for p in 0..<count { xBasis[p * padded + c] = basis[p] }
        }
        let nearX = plan.near.map { sampleX[$0] }, nearY = plan.near.map { sampleY[$0] }
        var alongY = [Double](repeating: 0, count: max(count * fields, 1))
        var written = 0
        for row in block.rows {
            let y = lattice.y(row)
            // alongY[p · fields + f] = Σ_j ℓ_j(y)·field f at (x node p, y node j).
            alongY.withUnsafeMutableBufferPointer { alongY in
                alongY.update(repeating: 0)
                guard count > 0 else { return }
                let yBasis = ChebyshevInterpolation.lagrangeBasis(at: y, nodes: yNodes)
                nodeValues.withUnsafeBufferPointer { nodeValues in
                    for p in 0..<count {
                        let target = alongY.baseAddress! + p * fields
                        for j in 0..<count {
                            let weight = yBasis[j], source = nodeValues.baseAddress! + (p * count + j) * fields
                            for f in 0..<fields { target[f] += weight * source[f] }
                        }
                    }
                }
            }
            for c in stride(from: 0, to: width, by: 8) {
                let px = xs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + c).loadUnaligned(as: SIMD8<Double>.self) }
                var farExplained = SIMD8<Double>(), farProjection = SIMD8<Double>()
                // c_N − Bᵀv_F for each near sample, then solved by L_N in place: v_N.
                fillSupportCovariances(px, SIMD8(repeating: y), samplesX: nearX, samplesY: nearY, into: batch)
                xBasis.withUnsafeBufferPointer { xBasis in
                    alongY.withUnsafeBufferPointer { alongY in
                        for p in 0..<count {
                            let basis = UnsafeRawPointer(xBasis.baseAddress! + p * padded + c).loadUnaligned(as: SIMD8<Double>.self)
                            let fieldsAtNode = alongY.baseAddress! + p * fields
                            farExplained += fieldsAtNode[0] * basis
                            farProjection += fieldsAtNode[1] * basis
                            for i in 0..<k { batch[i] -= fieldsAtNode[2 + i] * basis }
                        }
                    }
                }
                if k > 0 {
                    system.nearLower.withUnsafeBufferPointer { KrigingWorkspace.forwardSubstituteInPlace(batch, lower: $0.baseAddress!, order: k) }
                }
                var explained = farExplained, projection = farProjection
                for i in 0..<k {
                    explained += batch[i] * batch[i]
                    projection += system.nearOnes[i] * batch[i]
                }
                let shortfall = 1 - projection
                let variances = supportVariance - explained + shortfall * shortfall / onesNorm
                for lane in 0..<min(8, width - c) { store(row * lattice.window.width + block.columns.lowerBound + c + lane, variances[lane]) }
                written += min(8, width - c)
            }
        }
        return written
    }

    /// batch[a] = covariances between the supports centred at the eight (px, py) and sample a, with the
    /// model's kind chosen once, outside the loops.
    private func fillSupportCovariances(_ px: SIMD8<Double>, _ py: SIMD8<Double>, samplesX: [Double], samplesY: [Double],
                                        into batch: UnsafeMutablePointer<SIMD8<Double>>) {
        switch kernel.kind {
        case .exponential: fill(px, py, samplesX, samplesY, batch) { kernel.exponentialCovariance(squaredDistance: $0) }
        case .gaussian: fill(px, py, samplesX, samplesY, batch) { kernel.gaussianCovariance(squaredDistance: $0) }
        default: fill(px, py, samplesX, samplesY, batch) { kernel.sphericalCovariance(squaredDistance: $0) }
        }
    }

    @inline(__always)
    private func fill(_ px: SIMD8<Double>, _ py: SIMD8<Double>, _ samplesX: [Double], _ samplesY: [Double],
                      _ batch: UnsafeMutablePointer<SIMD8<Double>>, _ covariance: (SIMD8<Double>) -> SIMD8<Double>) {
        for a in samplesX.indices {
            var sum = SIMD8<Double>()
            for k in support.weight.indices {
                let dx = px + support.dx[k] - samplesX[a], dy = py + support.dy[k] - samplesY[a]
                sum += support.weight[k] * covariance(dx * dx + dy * dy)
            }
            batch[a] = sum
        }
    }

    /// The system of one block with its far samples first: L_F, B = L_F⁻¹K_FN (row-major far × near),
    /// L_N, u_F = L_F⁻¹1 and u_N = L_N⁻¹(1 − Bᵀu_F).
    private struct ReorderedSystem {
        let farLower: [Double]
        let coupling: [Double]
        let nearLower: [Double]
        let farOnes: [Double]
        let nearOnes: [Double]

        init(_ grid: FarFieldVarianceGrid, _ plan: Plan) throws {
            let n = grid.sampleX.count, f = plan.far.count, k = plan.near.count
            var farMatrix = [Double](repeating: 0, count: f * f)
            for (i, a) in plan.far.enumerated() {
                for (j, b) in plan.far.enumerated() { farMatrix[i * f + j] = grid.covariances.values[a * n + b] }
            }
            let farFactor = try CholeskyFactor(symmetric: farMatrix, order: f)
            // B column by column: L_F⁻¹ K_F,near(i).
            var coupling = [Double](repeating: 0, count: f * k)
            var column = [Double](repeating: 0, count: f)
            for (i, a) in plan.near.enumerated() {
                for (j, b) in plan.far.enumerated() { column[j] = grid.covariances.values[b * n + a] }
                column.withUnsafeMutableBufferPointer { farFactor.forwardSubstitute($0.baseAddress!) }
                for j in 0..<f { coupling[j * k + i] = column[j] }
            }
            var schur = [Double](repeating: 0, count: k * k)
            for (i, a) in plan.near.enumerated() {
                for (j, b) in plan.near.enumerated() where j <= i {
                    var sum = grid.covariances.values[a * n + b]
                    for r in 0..<f { sum -= coupling[r * k + i] * coupling[r * k + j] }
                    (schur[i * k + j], schur[j * k + i]) = (sum, sum)
                }
            }
            let nearFactor = try CholeskyFactor(symmetric: schur, order: k)
            var farOnes = [Double](repeating: 1, count: f)
            farOnes.withUnsafeMutableBufferPointer { farFactor.forwardSubstitute($0.baseAddress!) }
            var nearOnes = [Double](repeating: 1, count: k)
            for i in 0..<k {
                for r in 0..<f { nearOnes[i] -= coupling[r * k + i] * farOnes[r] }
            }
            nearOnes.withUnsafeMutableBufferPointer { nearFactor.forwardSubstitute($0.baseAddress!) }
            (farLower, self.coupling, nearLower, self.farOnes, self.nearOnes) = (farFactor.lower, coupling, nearFactor.lower, farOnes, nearOnes)
        }
    }
}
