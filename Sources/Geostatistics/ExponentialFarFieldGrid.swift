import Foundation

/// Global-neighbourhood predictions of an exponential model on a grid: per block of pixels, the samples
/// near the block are summed at every pixel, the far ones are summed only at Chebyshev points of the
/// block and interpolated — with a proven bound on the interpolation error.
///
/// The residual sum Σₐ wₐ·ps·exp(−|p − xₐ|/r) of a sample at distance D from a block (half-sides hx, hy,
/// support offsets within `supportReach`) is analytic in x, for real y in the block, inside the Bernstein
/// ellipse E_ρ of the block's x-interval with ρ = 1 + D′/hx, D′ = 0.99·(D − supportReach): every point of
/// that ellipse lies within hx·(ρ − 1) < D − supportReach of the block (real and imaginary offsets
/// together), so q = (x − xₐ)² + (y − yₐ)² keeps Re q > 0, √q stays on its principal branch with
/// Re √q ≥ 0, and |wₐ·ps·exp(−√q/r)| ≤ |wₐ|·ps. Interpolation in n + 1 Chebyshev points then errs by at
/// most Eₓ = 4|wₐ|ps·ρ⁻ⁿ/(ρ − 1) (Trefethen, *Approximation Theory and Approximation Practice*,
/// Thm 8.2); the tensor product of the two axes by Eₓ + Λₙ·E_y, with the Lebesgue constant
/// Λₙ ≤ 2/π·log(n + 1) + 1. A sample is interpolated only when that bound is below
/// `tolerance` / (sample count), so the whole far field errs by less than `tolerance`.
///
/// Blocks lie on a lattice of `blockSize`-pixel squares anchored at the whole grid's origin, and every
/// coordinate is computed from that lattice, so a tile of a grid gets the same values as the whole grid.
struct ExponentialFarFieldGrid: Sendable {
    let sampleX: [Double]
    let sampleY: [Double]
    let residualWeights: [Double]
    let mean: Double
    let kernel: CovarianceKernel
    let supportX: [Double]
    let supportY: [Double]
    let supportWeight: [Double]
    /// The largest distance of a support point from the prediction location.
    let supportReach: Double
    /// Absolute bound on the whole interpolation error of a pixel: 1e-11 of the largest sample value
    /// (at least 1e-11), two orders below the 1e-9 agreement the fast paths keep with the reference.
    let tolerance: Double

    /// Pixels per side of a lattice block.
    static let blockSize = 128
    /// Interpolation degrees tried per block; the cheapest by `cost` wins (or no interpolation at all).
    static let degrees = [6, 8, 10, 12, 14, 16, 20, 24, 28, 32]

    init(kriging: OrdinaryKriging, global: FactorizedSystem) {
        precondition(kriging.model.kind == .exponential)
        sampleX = global.indices.map { kriging.samples.x[$0] }
        sampleY = global.indices.map { kriging.samples.y[$0] }
        residualWeights = global.residualWeights
        mean = global.mean
        kernel = CovarianceKernel(model: kriging.model, includeNugget: kriging.supportPoints.isPoint)
        (supportX, supportY, supportWeight) = (kriging.supportPoints.dx, kriging.supportPoints.dy, kriging.supportPoints.weight)
        supportReach = zip(supportX, supportY).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 0
        tolerance = 1e-11 * max(1, kriging.samples.z.map(abs).max() ?? 1)
    }

    /// One lattice block as it meets a window: its interpolation intervals and the window's pixels in it.
    struct Block {
        /// Window columns and rows inside the block.
        let columns: Range<Int>
        let rows: Range<Int>
        /// Pixel-centre coordinates of the block's first and last lattice column (row), so the interval
        /// is the same whichever window the block is seen from.
        let xInterval: (Double, Double)
        let yInterval: (Double, Double)
    }

    /// Where the window lies on the lattice of the grid whose outer corner is `gridOrigin`.
    struct Lattice {
        let window: GridWindow
        let originX: Double
        let originY: Double
        let columnOffset: Int
        let rowOffset: Int
        /// Whether the lattice is the whole grid's: then a block's plan must not depend on how much of it
        /// the window holds (tiles would differ from the whole grid); otherwise a block partly outside a
        /// small window is planned for the pixels it has.
        let isAnchored: Bool

        /// A window off the grid's pixel lattice (or without a grid) is its own grid.
        init(window: GridWindow, gridOrigin: (x: Double, y: Double)?) {
            self.window = window
            let columns = gridOrigin.map { (window.originX - $0.x) / window.pixelWidth } ?? 0
            let rows = gridOrigin.map { (window.originY - $0.y) / window.pixelHeight } ?? 0
            if let gridOrigin, abs(columns - columns.rounded()) < 1e-6, abs(rows - rows.rounded()) < 1e-6,
               abs(columns) < 1e12, abs(rows) < 1e12 {
                (originX, originY, columnOffset, rowOffset) = (gridOrigin.x, gridOrigin.y, Int(columns.rounded()), Int(rows.rounded()))
                isAnchored = true
            } else {
                (originX, originY, columnOffset, rowOffset) = (window.originX, window.originY, 0, 0)
                isAnchored = false
            }
        }

        /// Centre of window column `column` (or row `row`), from the lattice origin.
        func x(_ column: Int) -> Double { originX + (Double(column + columnOffset) + 0.5) * window.pixelWidth }
        func y(_ row: Int) -> Double { originY + (Double(row + rowOffset) + 0.5) * window.pixelHeight }

        /// The lattice blocks that meet the window, row by row.
        var blocks: [Block] {
            let size = ExponentialFarFieldGrid.blockSize
            func floorDivide(_ a: Int) -> Int { a >= 0 ? a / size : -((-a + size - 1) / size) }
            var result: [Block] = []
            guard window.width > 0, window.height > 0 else { return result }
            for blockRow in floorDivide(rowOffset)...floorDivide(rowOffset + window.height - 1) {
                let firstRow = blockRow * size - rowOffset
                for blockColumn in floorDivide(columnOffset)...floorDivide(columnOffset + window.width - 1) {
                    let firstColumn = blockColumn * size - columnOffset
                    result.append(Block(columns: max(firstColumn, 0)..<min(firstColumn + size, window.width),
                                        rows: max(firstRow, 0)..<min(firstRow + size, window.height),
                                        xInterval: Self.ordered(x(firstColumn), x(firstColumn + size - 1)),
                                        yInterval: Self.ordered(y(firstRow), y(firstRow + size - 1))))
                }
            }
            return result
        }

        private static func ordered(_ a: Double, _ b: Double) -> (Double, Double) { (min(a, b), max(a, b)) }
    }

    /// What `predict` did with a block: the interpolation degree (nil: every sample summed directly) and
    /// how many samples it summed directly at each pixel.
    struct BlockPlan: Equatable {
        let degree: Int?
        let nearCount: Int
    }

    /// Predicts the window's pixels in `block`, calling `store(pixel index, value)` once per pixel.
    @discardableResult
    func predict(_ block: Block, _ lattice: Lattice, store: (Int, Double) -> Void) -> BlockPlan {
        let n = sampleX.count
        let (degree, isFar) = plan(block, pixels: lattice.isAnchored ? Self.blockSize * Self.blockSize : block.columns.count * block.rows.count)
        var nearX: [Double] = [], nearY: [Double] = [], nearWeights: [Double] = []
        var farX: [Double] = [], farY: [Double] = [], farWeights: [Double] = []
        for a in 0..<n {
            if isFar[a] {
                farX.append(sampleX[a])
                farY.append(sampleY[a])
                farWeights.append(residualWeights[a])
            } else {
                nearX.append(sampleX[a])
                nearY.append(sampleY[a])
                nearWeights.append(residualWeights[a])
            }
        }
        let width = block.columns.count
        let padded = (width + 7) / 8 * 8
        let xs = (0..<padded).map { lattice.x(block.columns.lowerBound + $0) }
        var row = [Double](repeating: 0, count: padded)
        let far = degree.map { FarField(self, degree: $0, block: block, x: farX, y: farY, weights: farWeights, pixelX: Array(xs[0..<width])) }
        for windowRow in block.rows {
            let y = lattice.y(windowRow)
            if let far { far.interpolateRow(y: y, into: &row) } else { row.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            addDirect(x: xs, y: y, samplesX: nearX, samplesY: nearY, weights: nearWeights, into: &row)
            let offset = windowRow * lattice.window.width + block.columns.lowerBound
            for c in 0..<width { store(offset + c, mean + row[c]) }
        }
        return BlockPlan(degree: degree, nearCount: nearX.count)
    }

    /// The interpolation degree of the block (nil for none) and which samples are far enough to
    /// interpolate, chosen by a cost model from the block's lattice geometry and the number of pixels
    /// to predict in it.
    func plan(_ block: Block, pixels pixelCount: Int) -> (degree: Int?, isFar: [Bool]) {
        let n = sampleX.count
        let halfX = (block.xInterval.1 - block.xInterval.0) / 2, halfY = (block.yInterval.1 - block.yInterval.0) / 2
        guard halfX > 0, halfY > 0 else { return (nil, [Bool](repeating: false, count: n)) }
        // ρ per sample and axis (0 where the sample is too close to interpolate at all).
        var rhoX = [Double](repeating: 0, count: n), rhoY = [Double](repeating: 0, count: n)
        for a in 0..<n {
            let dx = max(block.xInterval.0 - sampleX[a], 0, sampleX[a] - block.xInterval.1)
            let dy = max(block.yInterval.0 - sampleY[a], 0, sampleY[a] - block.yInterval.1)
            let clearance = 0.99 * ((dx * dx + dy * dy).squareRoot() - supportReach)
            guard clearance > 0 else { continue }
            (rhoX[a], rhoY[a]) = (1 + clearance / halfX, 1 + clearance / halfY)
        }
        let pixels = Double(pixelCount), supports = Double(supportWeight.count)
        let budget = tolerance / Double(n)
        var best: (degree: Int?, cost: Double, isFar: [Bool]) = (nil, pixels * Double(n) * supports, [Bool](repeating: false, count: n))
        for degree in Self.degrees {
            let lebesgue = 2 / Double.pi * log(Double(degree + 1)) + 1
            var isFar = [Bool](repeating: false, count: n)
            var farCount = 0
            for a in 0..<n where rhoX[a] > 1 {
                let ex = 4 * pow(rhoX[a], -Double(degree)) / (rhoX[a] - 1), ey = 4 * pow(rhoY[a], -Double(degree)) / (rhoY[a] - 1)
                let bound = abs(residualWeights[a]) * kernel.partialSill * min(ex + lebesgue * ey, ey + lebesgue * ex)
                if bound <= budget {
                    isFar[a] = true
                    farCount += 1
                }
            }
            let nodes = Double((degree + 1) * (degree + 1))
            // A direct term costs a square root and an exponential; an interpolated pixel a few
            // multiply-adds per node (counted as 1/20 of a term each).
            let cost = supports * (nodes * Double(farCount) + pixels * Double(n - farCount)) + pixels * Double(degree + 1) / 20
            if cost < best.cost { best = (degree, cost, isFar) }
        }
        return (best.degree, best.isFar)
    }

    /// row[c] += Σₐ wₐ·Σₖ sₖ·C(|(x[c] + dxₖ, y + dyₖ) − xₐ|) for all c of the padded row, eight pixels per step.
    private func addDirect(x: [Double], y: Double, samplesX: [Double], samplesY: [Double], weights: [Double], into row: inout [Double]) {
        guard !samplesX.isEmpty else { return }
        let partialSill = kernel.partialSill, inverseRange = kernel.inverseRange, atZero = kernel.atZero
        x.withUnsafeBufferPointer { x in
            row.withUnsafeMutableBufferPointer { row in
                for c in stride(from: 0, to: x.count, by: 8) {
                    let px = UnsafeRawPointer(x.baseAddress! + c).loadUnaligned(as: SIMD8<Double>.self)
                    var sum = SIMD8<Double>()
                    for k in supportWeight.indices {
                        let qx = px + supportX[k], qy = y + supportY[k]
                        var term = SIMD8<Double>()
                        for a in samplesX.indices {
                            let dx = qx - samplesX[a], dy = qy - samplesY[a]
                            let d2 = dx * dx + dy * dy
                            let covariance = (partialSill * VectorMath.exp(-(d2.squareRoot() * inverseRange))).replacing(with: atZero, where: d2 .== 0)
                            term += weights[a] * covariance
                        }
                        sum += supportWeight[k] * term
                    }
                    let target = UnsafeMutableRawPointer(row.baseAddress! + c)
                    target.storeBytes(of: target.loadUnaligned(as: SIMD8<Double>.self) + sum, as: SIMD8<Double>.self)
                }
            }
        }
    }

    /// The far samples' sum over one block: its values at the Chebyshev points and the interpolation
    /// basis of the block's pixel columns.
    private struct FarField {
        let degree: Int
        let yNodes: [Double]
        /// values[p · (degree + 1) + q]: the far sum at (x node p, y node q).
        let values: [Double]
        /// xBasis[p · padded + c]: the Lagrange basis polynomial of x node p at pixel column c (zero in padding).
        let xBasis: [Double]
        let padded: Int

        init(_ grid: ExponentialFarFieldGrid, degree: Int, block: Block, x: [Double], y: [Double], weights: [Double], pixelX: [Double]) {
            self.degree = degree
            let xNodes = ExponentialFarFieldGrid.chebyshevPoints(block.xInterval, degree)
            let yNodes = ExponentialFarFieldGrid.chebyshevPoints(block.yInterval, degree)
            self.yNodes = yNodes
            var nodeValues = [Double](repeating: 0, count: (degree + 1) * (degree + 1))
            x.withUnsafeBufferPointer { sx in
                y.withUnsafeBufferPointer { sy in
                    weights.withUnsafeBufferPointer { w in
                        for p in 0...degree {
                            for q in 0...degree {
                                var sum = 0.0
                                for k in grid.supportWeight.indices {
                                    sum += grid.supportWeight[k] * grid.kernel.weightedSum(
                                        x: sx.baseAddress!, y: sy.baseAddress!, weights: w.baseAddress!, count: x.count,
                                        px: xNodes[p] + grid.supportX[k], py: yNodes[q] + grid.supportY[k])
                                }
                                nodeValues[p * (degree + 1) + q] = sum
                            }
                        }
                    }
                }
            }
            values = nodeValues
            padded = (pixelX.count + 7) / 8 * 8
            var xBasis = [Double](repeating: 0, count: (degree + 1) * padded)
            for (c, px) in pixelX.enumerated() {
                let basis = ExponentialFarFieldGrid.lagrangeBasis(at: px, nodes: xNodes)
                for p in 0...degree { xBasis[p * padded + c] = basis[p] }
            }
            self.xBasis = xBasis
        }

        /// row[c] = Σₚ Σ_q ℓₚ(x_c)·ℓ_q(y)·values[p][q]: first along y for the row, then eight columns per step.
        func interpolateRow(y: Double, into row: inout [Double]) {
            let yBasis = ExponentialFarFieldGrid.lagrangeBasis(at: y, nodes: yNodes)
            let count = degree + 1
            var alongY = [Double](repeating: 0, count: count)
            for p in 0..<count {
                var sum = 0.0
                for q in 0..<count { sum += values[p * count + q] * yBasis[q] }
                alongY[p] = sum
            }
            xBasis.withUnsafeBufferPointer { basis in
                row.withUnsafeMutableBufferPointer { row in
                    for c in stride(from: 0, to: padded, by: 8) {
                        var sum = SIMD8<Double>()
                        for p in 0..<count {
                            sum += alongY[p] * UnsafeRawPointer(basis.baseAddress! + p * padded + c).loadUnaligned(as: SIMD8<Double>.self)
                        }
                        UnsafeMutableRawPointer(row.baseAddress! + c).storeBytes(of: sum, as: SIMD8<Double>.self)
                    }
                }
            }
        }
    }

    /// Chebyshev points of the second kind on the interval, the ends exactly at its ends.
    static func chebyshevPoints(_ interval: (Double, Double), _ degree: Int) -> [Double] {
        let middle = (interval.0 + interval.1) / 2, half = (interval.1 - interval.0) / 2
        var nodes = (0...degree).map { middle - half * cos(Double.pi * Double($0) / Double(degree)) }
        (nodes[0], nodes[degree]) = (interval.0, interval.1)
        return nodes
    }

    /// The Lagrange basis of Chebyshev points at t, by the barycentric formula (weights (−1)ʲ, halved at
    /// the ends), which is stable for these points; exactly a unit vector at a node.
    static func lagrangeBasis(at t: Double, nodes: [Double]) -> [Double] {
        let degree = nodes.count - 1
        var basis = [Double](repeating: 0, count: nodes.count)
        if let hit = nodes.firstIndex(of: t) {
            basis[hit] = 1
            return basis
        }
        var total = 0.0
        for j in 0...degree {
            let weight = (j % 2 == 0 ? 1.0 : -1.0) * (j == 0 || j == degree ? 0.5 : 1)
            basis[j] = weight / (t - nodes[j])
            total += basis[j]
        }
        for j in 0...degree { basis[j] /= total }
        return basis
    }
}
