import Foundation

/// Global-neighbourhood predictions of an exponential model on a grid: per block of pixels, the samples
/// far from the block are summed only at Chebyshev points of the block and interpolated — with a proven
/// bound on the interpolation error — and the near ones go down to the block's quarters, which do the
/// same with them, down to 32-pixel squares where what is still near is summed at every pixel.
///
/// The far samples' sum is interpolated as a point-support function over the square's rectangle
/// widened by the support's extent on each axis; a block support's value is then the support-weighted
/// mean of that interpolant over the block's points, which on a tensor-product support is the same
/// interpolation with each axis's basis averaged over the support's offsets (so nodes cost one
/// covariance per sample, not one per support point, and the error bound below holds unchanged, the
/// support weights being positive and summing to 1).
///
/// The term wₐ·ps·exp(−|p − xₐ|/r) of a sample at distance D from that rectangle (half-sides hx, hy) is
/// analytic in x, for real y in it, inside the Bernstein ellipse E_ρ of the x-interval with
/// ρ = 1 + 0.99·D/hx: every point of that ellipse lies within hx·(ρ − 1) < D of the rectangle (real and
/// imaginary offsets together), so q = (x − xₐ)² + (y − yₐ)² keeps Re q > 0, √q stays on its principal
/// branch with Re √q ≥ 0, and |wₐ·ps·exp(−√q/r)| ≤ |wₐ|·ps. Interpolation in n + 1 Chebyshev points then
/// errs by at most Eₓ = 4|wₐ|ps·ρ⁻ⁿ/(ρ − 1) (Trefethen, *Approximation Theory and Approximation
/// Practice*, Thm 8.2); the tensor product of the two axes by Eₓ + Λₙ·E_y, with the Lebesgue constant
/// Λₙ ≤ 2/π·log(n + 1) + 1. A sample is interpolated only when that bound is below
/// `tolerance` / (sample count); each sample is interpolated in at most one square over a pixel, so
/// the pixel errs by less than `tolerance` in all. That bound is for exact arithmetic; rounding adds
/// about 1e-16 of Σ|wₐ|·ps times the Lebesgue constants (tests see differences near 1e-15).
///
/// Blocks lie on a `GridLattice` anchored at the whole grid's origin, and every coordinate is computed
/// from that lattice, so a tile of a grid gets the same values as the whole grid.
struct ExponentialFarFieldGrid: Sendable {
    let sampleX: [Double]
    let sampleY: [Double]
    let residualWeights: [Double]
    let mean: Double
    let kernel: CovarianceKernel
    let support: SupportPoints
    /// Bound on the whole interpolation error of a pixel (`ChebyshevInterpolation.valueTolerance`).
    let tolerance: Double

    /// Interpolation degrees tried per block; the cheapest by `cost` wins (or no interpolation at all).
    static let degrees = [6, 8, 10, 12, 14, 16, 20, 24, 28, 32]

    init(kriging: OrdinaryKriging, global: FactorizedSystem) {
        precondition(kriging.model.kind == .exponential)
        sampleX = global.indices.map { kriging.samples.x[$0] }
        sampleY = global.indices.map { kriging.samples.y[$0] }
        residualWeights = global.residualWeights
        mean = global.mean
        kernel = CovarianceKernel(model: kriging.model, includeNugget: kriging.supportPoints.isPoint)
        support = kriging.supportPoints
        tolerance = ChebyshevInterpolation.valueTolerance(kriging.samples.z)
    }

    /// What `predict` did with a block: per level (the block, its quarters, theirs …), how many sample
    /// terms were interpolated, summed over the squares of that level; and how many were summed directly.
    struct BlockPlan: Equatable {
        var interpolated: [Int] = []
        var direct = 0
    }

    /// Squares are split into quarters down to this side, while near samples remain.
    static let smallestSquare = 32

    /// The block's pixel rows while they are summed, and the pixel coordinates they need.
    private final class Accumulator {
        let lattice: GridLattice
        let block: LatticeSquare
        /// Row-major sums of the block's window pixels, rows `stride` apart; the stride leaves room for a
        /// square's last SIMD group to run past its columns.
        var sums: [Double]
        let stride: Int
        /// x of each window column of the block, plus the same room.
        let xs: [Double]

        init(_ lattice: GridLattice, _ block: LatticeSquare) {
            (self.lattice, self.block) = (lattice, block)
            stride = (block.columns.count + 7) / 8 * 8 + 8
            sums = [Double](repeating: 0, count: stride * block.rows.count)
            xs = (0..<stride).map { lattice.x(block.columns.lowerBound + $0) }
        }
    }

    /// Predicts the window's pixels in `block`, calling `store(pixel index, value)` once per pixel.
    @discardableResult
    func predict(_ block: LatticeSquare, _ lattice: GridLattice, store: (Int, Double) -> Void) -> BlockPlan {
        guard !block.isEmpty else { return BlockPlan() }
        let accumulator = Accumulator(lattice, block)
        var report = BlockPlan()
        accumulate(block, samples: Array(sampleX.indices), level: 0, accumulator, &report)
        for (r, row) in block.rows.enumerated() {
            let offset = row * lattice.window.width + block.columns.lowerBound
            for c in 0..<block.columns.count { store(offset + c, mean + accumulator.sums[r * accumulator.stride + c]) }
        }
        return report
    }

    /// Adds the terms of `samples` over `square`: the far ones interpolated, the near ones from the
    /// square's quarters or, at the smallest squares, directly.
    private func accumulate(_ square: LatticeSquare, samples: [Int], level: Int, _ accumulator: Accumulator, _ report: inout BlockPlan) {
        let pixels = accumulator.lattice.isAnchored ? square.size * square.size : square.columns.count * square.rows.count
        let (degree, isFar) = plan(square, samples: samples, pixels: pixels)
        if report.interpolated.count <= level { report.interpolated.append(0) }
        var near: [Int] = [], far: [Int] = []
        for (k, a) in samples.enumerated() {
            if isFar[k] { far.append(a) } else { near.append(a) }
        }
        if let degree, !far.isEmpty {
            report.interpolated[level] += far.count
            let field = FarField(self, degree: degree, square: square, samples: far,
                                 pixelX: square.columns.map { accumulator.lattice.x($0) })
            let start = square.columns.lowerBound - accumulator.block.columns.lowerBound
            for row in square.rows {
                let r = row - accumulator.block.rows.lowerBound
                accumulator.sums.withUnsafeMutableBufferPointer {
                    field.addRow(y: accumulator.lattice.y(row), into: $0.baseAddress! + r * accumulator.stride + start)
                }
            }
        }
        guard !near.isEmpty else { return }
        if square.size > Self.smallestSquare {
            for quarter in accumulator.lattice.quarters(of: square) {
                accumulate(quarter, samples: near, level: level + 1, accumulator, &report)
            }
            return
        }
        report.direct += near.count
        addDirect(square, samples: near, accumulator)
    }

    /// The interpolation degree of the square (nil for none) and which of `samples` are far enough to
    /// interpolate, chosen by a cost model from the square's lattice geometry and the number of pixels
    /// to predict in it.
    func plan(_ square: LatticeSquare, samples: [Int], pixels pixelCount: Int) -> (degree: Int?, isFar: [Bool]) {
        let n = samples.count
        let (xInterval, yInterval) = interpolationIntervals(square)
        let halfX = (xInterval.1 - xInterval.0) / 2, halfY = (yInterval.1 - yInterval.0) / 2
        guard halfX > 0, halfY > 0 else { return (nil, [Bool](repeating: false, count: n)) }
        // ρ per sample and axis (0 where the sample is too close to interpolate at all).
        var rhoX = [Double](repeating: 0, count: n), rhoY = [Double](repeating: 0, count: n)
        for (k, a) in samples.enumerated() {
            let clearance = 0.99 * ChebyshevInterpolation.distance(from: sampleX[a], sampleY[a], to: xInterval, yInterval)
            guard clearance > 0 else { continue }
            (rhoX[k], rhoY[k]) = (1 + clearance / halfX, 1 + clearance / halfY)
        }
        let pixels = Double(pixelCount), supports = Double(support.weight.count)
        // Each sample term is interpolated at most once (in one square of one level), so a per-term
        // budget of tolerance / (all samples) bounds the whole error of a pixel.
        let budget = tolerance / Double(sampleX.count)
        var best: (degree: Int?, cost: Double, isFar: [Bool]) = (nil, pixels * Double(n) * supports, [Bool](repeating: false, count: n))
        for degree in Self.degrees {
            var isFar = [Bool](repeating: false, count: n)
            var farCount = 0
            for (k, a) in samples.enumerated() where rhoX[k] > 1 {
                let bound = abs(residualWeights[a]) * kernel.partialSill
                    * ChebyshevInterpolation.errorFactor(degree: degree, rhoX: rhoX[k], rhoY: rhoY[k])
                if bound <= budget {
                    isFar[k] = true
                    farCount += 1
                }
            }
            let nodes = Double((degree + 1) * (degree + 1))
            // A direct term costs a square root and an exponential (per support point); an interpolated
            // pixel a few multiply-adds per node (counted as 1/20 of a term each).
            let cost = nodes * Double(farCount) + supports * pixels * Double(n - farCount) + pixels * Double(degree + 1) / 20
            if cost < best.cost { best = (degree, cost, isFar) }
        }
        return (best.degree, best.isFar)
    }

    /// The square's pixel-centre intervals widened by the support's reach: where the far field's
    /// point-support interpolant is evaluated.
    func interpolationIntervals(_ square: LatticeSquare) -> (x: (Double, Double), y: (Double, Double)) {
        ((square.xInterval.0 - support.reachX, square.xInterval.1 + support.reachX), (square.yInterval.0 - support.reachY, square.yInterval.1 + support.reachY))
    }

    /// Adds wₐ·Σₖ sₖ·C(|(x + dxₖ, y + dyₖ) − xₐ|) of `samples` at every window pixel of `square`, eight
    /// pixels per step (the last step's lanes beyond the square are computed and dropped).
    private func addDirect(_ square: LatticeSquare, samples: [Int], _ accumulator: Accumulator) {
        let width = square.columns.count
        let start = square.columns.lowerBound - accumulator.block.columns.lowerBound
        accumulator.xs.withUnsafeBufferPointer { xs in
            accumulator.sums.withUnsafeMutableBufferPointer { sums in
                for row in square.rows {
                    let y = accumulator.lattice.y(row)
                    let target = sums.baseAddress! + (row - accumulator.block.rows.lowerBound) * accumulator.stride + start
                    for c in Swift.stride(from: 0, to: width, by: 8) {
                        let px = UnsafeRawPointer(xs.baseAddress! + start + c).loadUnaligned(as: SIMD8<Double>.self)
                        var sum = SIMD8<Double>()
                        for k in support.weight.indices {
                            let qx = px + support.dx[k], qy = y + support.dy[k]
                            var term = SIMD8<Double>()
                            for a in samples {
                                let dx = qx - sampleX[a], dy = qy - sampleY[a]
                                term += residualWeights[a] * kernel.exponentialCovariance(squaredDistance: dx * dx + dy * dy)
                            }
                            sum += support.weight[k] * term
                        }
                        for lane in 0..<min(8, width - c) { target[c + lane] += sum[lane] }
                    }
                }
            }
        }
    }

    /// The far samples' sum over one square: its point-support values at the Chebyshev points of the
    /// widened rectangle, and the interpolation basis of the square's pixel columns averaged over the
    /// support's x offsets.
    private struct FarField {
        let degree: Int
        let yNodes: [Double]
        let rowAxis: [(offset: Double, weight: Double)]
        /// values[p · (degree + 1) + q]: the far sum at (x node p, y node q).
        let values: [Double]
        /// xBasis[p · padded + c]: Σᵢ wᵢ·ℓₚ(x_c + offsetᵢ), the support-averaged Lagrange basis polynomial
        /// of x node p at pixel column c (zero in padding).
        let xBasis: [Double]
        let padded: Int

        init(_ grid: ExponentialFarFieldGrid, degree: Int, square: LatticeSquare, samples: [Int], pixelX: [Double]) {
            self.degree = degree
            let intervals = grid.interpolationIntervals(square)
            let xNodes = ChebyshevInterpolation.chebyshevPoints(intervals.x, degree)
            let yNodes = ChebyshevInterpolation.chebyshevPoints(intervals.y, degree)
            (self.yNodes, rowAxis) = (yNodes, grid.support.axisY)
            let x = samples.map { grid.sampleX[$0] }, y = samples.map { grid.sampleY[$0] }, weights = samples.map { grid.residualWeights[$0] }
            var nodeValues = [Double](repeating: 0, count: (degree + 1) * (degree + 1))
            x.withUnsafeBufferPointer { sx in
                y.withUnsafeBufferPointer { sy in
                    weights.withUnsafeBufferPointer { w in
                        for p in 0...degree {
                            for q in 0...degree {
                                // Far samples are never at a node, so the kernel's zero-distance value plays no part.
                                nodeValues[p * (degree + 1) + q] = grid.kernel.weightedSum(
                                    x: sx.baseAddress!, y: sy.baseAddress!, weights: w.baseAddress!, count: x.count,
                                    px: xNodes[p], py: yNodes[q])
                            }
                        }
                    }
                }
            }
            values = nodeValues
            padded = (pixelX.count + 7) / 8 * 8
            var xBasis = [Double](repeating: 0, count: (degree + 1) * padded)
            for (c, px) in pixelX.enumerated() {
                let basis = ChebyshevInterpolation.averagedBasis(at: px, over: grid.support.axisX, nodes: xNodes)
                for p in 0...degree { xBasis[p * padded + c] = basis[p] }
            }
            self.xBasis = xBasis
        }

        /// row[c] += Σₚ Σ_q ℓₚ(x_c)·ℓ_q(y)·values[p][q] for the square's columns (and zero in the padding
        /// up to a multiple of eight): first along y for the row, then eight columns per step.
        func addRow(y: Double, into row: UnsafeMutablePointer<Double>) {
            let yBasis = ChebyshevInterpolation.averagedBasis(at: y, over: rowAxis, nodes: yNodes)
            let count = degree + 1
            var alongY = [Double](repeating: 0, count: count)
            for p in 0..<count {
                var sum = 0.0
                for q in 0..<count { sum += values[p * count + q] * yBasis[q] }
                alongY[p] = sum
            }
            xBasis.withUnsafeBufferPointer { basis in
                for c in Swift.stride(from: 0, to: padded, by: 8) {
                    var sum = SIMD8<Double>()
                    for p in 0..<count {
                        sum += alongY[p] * UnsafeRawPointer(basis.baseAddress! + p * padded + c).loadUnaligned(as: SIMD8<Double>.self)
                    }
                    let target = UnsafeMutableRawPointer(row + c)
                    target.storeBytes(of: target.loadUnaligned(as: SIMD8<Double>.self) + sum, as: SIMD8<Double>.self)
                }
            }
        }
    }
}
