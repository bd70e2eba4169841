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
///   σ² = C(p, p) − g − |v_N|² + (1 − q − v_N·u_N)² / s,  g = v_F·v_F, h = Bᵀv_F, q = v_F·u_F.
/// g, h and q depend on the far samples only and are interpolated over the block.
///
/// Error bound (exact arithmetic). In the block's Bernstein polyellipse (ρ per axis from the nearest far
/// sample, as in `ExponentialFarFieldGrid`, its distance reduced by the support's reach) every far
/// covariance has |c_a| ≤ ps (exponential: Re √q ≥ 0; Gaussian: Re q > 0). With T = trace K⁻¹, which is
/// at least 1/λ_min(K) ≥ 1/λ_min(K_FF): |v_F| ≤ √(N_F·ps²·T) =: V, so |g| ≤ V², |h_i| ≤ √sill·V
/// (|L_F⁻¹K_Fi|² ≤ K_ii) and |q| ≤ √s·V (u_F·u_F ≤ s). Chebyshev interpolation errs by at most
/// E(M) = M·min(Eₓ + Λₙ·E_y, E_y + Λₙ·Eₓ), Eₓ = 4ρₓ⁻ⁿ/(ρₓ − 1). Those errors reach σ² through
/// |v_N| ≤ √C(p, p), ‖L_N⁻¹‖² ≤ T (L_N⁻ᵀL_N⁻¹ is a diagonal block of K⁻¹), |u_N| ≤ √s and
/// |1 − P| ≤ 1 + √(C(p, p)·s); a block is interpolated only when the total is below `tolerance`,
/// otherwise (or when a factorisation fails) its pixels take the direct solve.
struct FarFieldVarianceGrid: Sendable {
    let sampleX: [Double]
    let sampleY: [Double]
    /// Row-major sample covariances K in system order.
    let covariances: [Double]
    let kernel: CovarianceKernel
    let sill: Double
    let supportX: [Double]
    let supportY: [Double]
    let supportWeight: [Double]
    let supportReach: Double
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

    init?(kriging: OrdinaryKriging, global: FactorizedSystem) {
        guard kriging.model.kind != .nugget else { return nil }
        let n = global.indices.count
        sampleX = global.indices.map { kriging.samples.x[$0] }
        sampleY = global.indices.map { kriging.samples.y[$0] }
        var covariances = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0...a {
                let dx = sampleX[a] - sampleX[b], dy = sampleY[a] - sampleY[b]
                let c = kriging.model.covariance((dx * dx + dy * dy).squareRoot())
                (covariances[a * n + b], covariances[b * n + a]) = (c, c)
            }
        }
        self.covariances = covariances
        kernel = CovarianceKernel(model: kriging.model, includeNugget: kriging.supportPoints.isPoint)
        sill = kriging.model.sill
        (supportX, supportY, supportWeight) = (kriging.supportPoints.dx, kriging.supportPoints.dy, kriging.supportPoints.weight)
        supportReach = zip(supportX, supportY).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 0
        supportVariance = kriging.supportVariance
        onesNorm = global.onesNorm
        inverseTrace = Self.inverseTrace(lower: global.lower, order: n)
        tolerance = 1e-13 * kriging.supportVariance
        guard inverseTrace.isFinite, tolerance > 0 else { return nil }
    }

    /// trace K⁻¹ = ‖L⁻¹‖²_F, from L⁻¹ solved eight columns at a time (with 1 % added for rounding).
    private static func inverseTrace(lower: [Double], order n: Int) -> Double {
        let batch = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: max(n, 1))
        defer { batch.deallocate() }
        var trace = 0.0
        lower.withUnsafeBufferPointer { lower in
            for first in stride(from: 0, to: n, by: 8) {
                for k in 0..<n {
                    var column = SIMD8<Double>()
                    for lane in 0..<8 where first + lane == k { column[lane] = 1 }
                    batch[k] = column
                }
                KrigingWorkspace.forwardSubstituteInPlace(batch, lower: lower.baseAddress!, order: n)
                for k in 0..<n { trace += (batch[k] * batch[k]).sum() }
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
        var clearance = [Double](repeating: 0, count: n)
        for a in 0..<n {
            let dx = max(block.xInterval.0 - sampleX[a], 0, sampleX[a] - block.xInterval.1)
            let dy = max(block.yInterval.0 - sampleY[a], 0, sampleY[a] - block.yInterval.1)
            clearance[a] = 0.99 * ((dx * dx + dy * dy).squareRoot() - supportReach)
        }
        let pixels = Double(pixelCount), supports = Double(supportWeight.count)
        // Multiply-adds, an exponential counted as ten.
        let exponential = 10.0
        var best: (cost: Double, plan: Plan?) = (pixels * (Double(n * n) / 2 + Double(n) * supports * exponential), nil)
        if kernel.kind == .spherical {
            // Beyond the range (plus the support's reach, with a relative slack for rounding) a covariance
            // is exactly zero: those samples are far, with nothing to interpolate.
            let reach = (1 / kernel.inverseRange + supportReach) * (1 + 1e-9)
            let near = (0..<n).filter { clearance[$0] / 0.99 + supportReach <= reach }
            let far = (0..<n).filter { clearance[$0] / 0.99 + supportReach > reach }
            let (farCount, nearCount) = (Double(far.count), Double(near.count))
            let cost = farCount * farCount * farCount / 3 + nearCount * farCount * farCount / 2
                + pixels * (nearCount * nearCount / 2 + nearCount * supports * 3)
            return cost < best.cost ? Plan(degree: nil, far: far, near: near) : nil
        }
        for multiple in Self.clearances {
            let far = (0..<n).filter { clearance[$0] >= multiple * half }
            guard !far.isEmpty else { continue }
            let nearest = far.map { clearance[$0] }.min()!
            let (rhoX, rhoY) = (1 + nearest / halfX, 1 + nearest / halfY)
            let farCount = Double(far.count), nearCount = Double(n - far.count)
            guard let degree = smallestDegree(rhoX: rhoX, rhoY: rhoY, farCount: farCount, nearCount: nearCount) else { continue }
            let nodes = Double((degree + 1) * (degree + 1))
            let perBlock = farCount * farCount * farCount / 3 + nearCount * farCount * farCount / 2
                + nodes * (farCount * farCount / 2 + farCount * (nearCount + 2) + farCount * supports * exponential)
            let perPixel = (nearCount + 2) * Double(degree + 1) + nearCount * nearCount / 2 + nearCount * supports * exponential
            let cost = perBlock + pixels * perPixel
            if cost < best.cost {
                best = (cost, Plan(degree: degree, far: far, near: (0..<n).filter { clearance[$0] < multiple * half }))
            }
        }
        return best.plan
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

    /// Writes the variances of the window's pixels in `block` through `store(pixel index, variance)`;
    /// false when a factorisation of the reordered system failed (the caller then solves directly).
    func predict(_ block: LatticeSquare, _ plan: Plan, _ lattice: GridLattice,
                 store: (Int, Double) -> Void) -> Bool {
        guard let system = try? ReorderedSystem(self, plan) else { return false }
        // Without a degree there are no nodes: every interpolated term below is an empty sum, zero.
        let count = plan.degree.map { $0 + 1 } ?? 0
        let xNodes = plan.degree.map { ChebyshevInterpolation.chebyshevPoints(block.xInterval, $0) } ?? []
        let yNodes = plan.degree.map { ChebyshevInterpolation.chebyshevPoints(block.yInterval, $0) } ?? []
        let k = plan.near.count, farCount = plan.far.count
        // Node values, node-major: g, q, then h₀ … h_{k−1}.
        let fields = k + 2
        var nodeValues = [Double](repeating: 0, count: count * count * fields)
        let batch = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: max(farCount, k, 1))
        defer { batch.deallocate() }
        let farX = plan.far.map { sampleX[$0] }, farY = plan.far.map { sampleY[$0] }
        let nodeCount = count * count
        var h = [SIMD8<Double>](repeating: SIMD8(), count: k)
        for first in stride(from: 0, to: nodeCount, by: 8) {
            var px = SIMD8<Double>(), py = SIMD8<Double>()
            for lane in 0..<8 {
                let node = min(first + lane, nodeCount - 1)
                (px[lane], py[lane]) = (xNodes[node / count], yNodes[node % count])
            }
            for (a, (sx, sy)) in zip(farX, farY).enumerated() { batch[a] = supportCovariance(px, py, sx, sy) }
            system.farLower.withUnsafeBufferPointer { KrigingWorkspace.forwardSubstituteInPlace(batch, lower: $0.baseAddress!, order: farCount) }
            var g = SIMD8<Double>(), q = SIMD8<Double>()
            h.withUnsafeMutableBufferPointer { h in
                h.update(repeating: SIMD8())
                system.coupling.withUnsafeBufferPointer { coupling in
                    for a in 0..<farCount {
                        let v = batch[a]
                        g += v * v
                        q += system.farOnes[a] * v
                        let row = coupling.baseAddress! + a * k
                        for i in 0..<k { h[i] += row[i] * v }
                    }
                }
            }
            for lane in 0..<min(8, nodeCount - first) {
                let base = (first + lane) * fields
                nodeValues[base] = g[lane]
                nodeValues[base + 1] = q[lane]
                for i in 0..<k { nodeValues[base + 2 + i] = h[i][lane] }
            }
        }
        // x basis of the window's columns in the block, node-major, padded to whole SIMD groups.
        let width = block.columns.count, padded = (width + 7) / 8 * 8
        var xBasis = [Double](repeating: 0, count: count * padded)
        var xs = [Double](repeating: 0, count: padded)
        for c in 0..<padded {
            xs[c] = lattice.x(block.columns.lowerBound + c)
            guard c < width, count > 0 else { continue }
            let basis = ChebyshevInterpolation.lagrangeBasis(at: xs[c], nodes: xNodes)
            for p in 0..<count { xBasis[p * padded + c] = basis[p] }
        }
        let nearX = plan.near.map { sampleX[$0] }, nearY = plan.near.map { sampleY[$0] }
        var alongY = [Double](repeating: 0, count: count * fields)
        for row in block.rows {
            let y = lattice.y(row)
            let yBasis = count > 0 ? ChebyshevInterpolation.lagrangeBasis(at: y, nodes: yNodes) : []
            // alongY[p · fields + f] = Σ_q ℓ_q(y)·value_f(x node p, y node q).
            alongY.withUnsafeMutableBufferPointer { alongY in
                nodeValues.withUnsafeBufferPointer { nodeValues in
                    alongY.update(repeating: 0)
                    for p in 0..<count {
                        let target = alongY.baseAddress! + p * fields
                        for q in 0..<count {
                            let weight = yBasis[q], source = nodeValues.baseAddress! + (p * count + q) * fields
                            for f in 0..<fields { target[f] += weight * source[f] }
                        }
                    }
                }
            }
            for c in stride(from: 0, to: width, by: 8) {
                let px = xs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + c).loadUnaligned(as: SIMD8<Double>.self) }
                let py = SIMD8<Double>(repeating: y)
                var g = SIMD8<Double>(), q = SIMD8<Double>()
                for i in 0..<k { batch[i] = supportCovariance(px, py, nearX[i], nearY[i]) }
                xBasis.withUnsafeBufferPointer { xBasis in
                    alongY.withUnsafeBufferPointer { alongY in
                        for p in 0..<count {
                            let basis = UnsafeRawPointer(xBasis.baseAddress! + p * padded + c).loadUnaligned(as: SIMD8<Double>.self)
                            let fieldsAtNode = alongY.baseAddress! + p * fields
                            g += fieldsAtNode[0] * basis
                            q += fieldsAtNode[1] * basis
                            for i in 0..<k { batch[i] -= fieldsAtNode[2 + i] * basis }
                        }
                    }
                }
                system.nearLower.withUnsafeBufferPointer { KrigingWorkspace.forwardSubstituteInPlace(batch, lower: $0.baseAddress!, order: k) }
                var explained = g, projection = q
                for i in 0..<k {
                    explained += batch[i] * batch[i]
                    projection += system.nearOnes[i] * batch[i]
                }
                let shortfall = 1 - projection
                let variances = supportVariance - explained + shortfall * shortfall / onesNorm
                for lane in 0..<min(8, width - c) { store(row * lattice.window.width + block.columns.lowerBound + c + lane, variances[lane]) }
            }
        }
        return true
    }

    /// Covariances between eight supports centred at (px, py) and one sample.
    @inline(__always)
    private func supportCovariance(_ px: SIMD8<Double>, _ py: SIMD8<Double>, _ sx: Double, _ sy: Double) -> SIMD8<Double> {
        var sum = SIMD8<Double>()
        for k in supportWeight.indices {
            let dx = px + supportX[k] - sx, dy = py + supportY[k] - sy
            let d2 = dx * dx + dy * dy
            switch kernel.kind {
            case .exponential: sum += supportWeight[k] * kernel.exponentialCovariance(squaredDistance: d2)
            case .gaussian: sum += supportWeight[k] * kernel.gaussianCovariance(squaredDistance: d2)
            default: sum += supportWeight[k] * kernel.sphericalCovariance(squaredDistance: d2)
            }
        }
        return sum
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
                for (j, b) in plan.far.enumerated() { farMatrix[i * f + j] = grid.covariances[a * n + b] }
            }
            let farFactor = try CholeskyFactor(symmetric: farMatrix, order: f)
            // B column by column: L_F⁻¹ K_F,near(i).
            var coupling = [Double](repeating: 0, count: f * k)
            var column = [Double](repeating: 0, count: f)
            for (i, a) in plan.near.enumerated() {
                for (j, b) in plan.far.enumerated() { column[j] = grid.covariances[b * n + a] }
                column.withUnsafeMutableBufferPointer { farFactor.forwardSubstitute($0.baseAddress!) }
                for j in 0..<f { coupling[j * k + i] = column[j] }
            }
            var schur = [Double](repeating: 0, count: k * k)
            for (i, a) in plan.near.enumerated() {
                for (j, b) in plan.near.enumerated() where j <= i {
                    var sum = grid.covariances[a * n + b]
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
