/// The lower-triangular L with L Lᵀ = A of a symmetric positive-definite matrix, row-major n × n.
///
/// The fast kriging paths factorise the sample covariance matrix once and then need only triangular
/// solves; the in-place methods work on caller-owned buffers so inner loops do not allocate. The
/// package's one Cholesky factorisation (Inversion's applicability domain uses it too).
public struct CholeskyFactor: Sendable {
    public let order: Int
    /// Row-major; the strict upper triangle is zero.
    public private(set) var lower: [Double]

    /// Factorises the row-major symmetric `matrix` (only its lower triangle is read); throws
    /// `GeostatisticsError.singularSystem` when it is not numerically positive definite.
    public init(symmetric matrix: [Double], order n: Int) throws {
        precondition(matrix.count == n * n)
        var l = [Double](repeating: 0, count: n * n)
        try l.withUnsafeMutableBufferPointer { l in
            try matrix.withUnsafeBufferPointer { a in
                try Self.factorise(a.baseAddress!, into: l.baseAddress!, order: n)
            }
        }
        order = n
        lower = l
    }

    /// Wraps a factor produced by `factorise`.
    init(validatedLower lower: [Double], order n: Int) {
        precondition(lower.count == n * n)
        order = n
        self.lower = lower
    }

    /// Writes L into `l` (n × n, row-major); throws when A is not numerically positive definite.
    ///
    /// Orders from `blockedMinimumOrder` up are factorised in panels of `panelWidth` columns: each panel
    /// first loses the contribution of all columns left of it in one register-blocked pass of dot
    /// products along rows (a matrix product, so the arithmetic, not the cache, sets the pace), then
    /// factorises itself column by column. Smaller orders (local kriging systems) use the unblocked
    /// `factoriseUnblocked`, which is also the reference the blocked form is tested against.
    static func factorise(_ a: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>, order n: Int) throws {
        guard n >= blockedMinimumOrder else { return try factoriseUnblocked(a, into: l, order: n) }
        let largestDiagonal = copyLowerTriangle(a, into: l, order: n)
        for panel in stride(from: 0, to: n, by: panelWidth) {
            let end = min(panel + panelWidth, n)
            subtractLeftColumns(l, order: n, panel: panel..<end)
            // The panel by itself: right-looking within its columns only, column k's panel part copied
            // out so the row updates read it contiguously.
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: panelWidth) { column in
                let column = column.baseAddress!
                for k in panel..<end {
                    try scaleColumn(k, of: l, order: n, largestDiagonal: largestDiagonal)
                    for j in (k + 1)..<end { column[j - panel] = l[j * n + k] }
                    for i in (k + 1)..<max(n, k + 1) {
                        let factor = l[i * n + k], row = l + i * n
                        for j in (k + 1)..<min(end, i + 1) { row[j] -= factor * column[j - panel] }
                    }
                }
            }
        }
    }

    /// Orders at and above which `factorise` works in panels.
    static let blockedMinimumOrder = 96
    /// Columns per panel: a multiple of eight, so the dot products run over whole SIMD groups.
    static let panelWidth = 32

    /// l[i][j] −= Σ_{c < panel.lowerBound} l[i][c]·l[j][c] for every row i ≥ panel.lowerBound and panel
    /// column j ≤ i: four rows × four columns of SIMD8 accumulators at a time.
    private static func subtractLeftColumns(_ l: UnsafeMutablePointer<Double>, order n: Int, panel: Range<Int>) {
        let depth = panel.lowerBound
        guard depth > 0 else { return }
        @inline(__always) func load(_ row: Int, _ c: Int) -> SIMD8<Double> {
            UnsafeRawPointer(l + row * n + c).loadUnaligned(as: SIMD8<Double>.self)
        }
        var i = depth
        while i < n {
            let rows = min(4, n - i)
            var j = panel.lowerBound
            while j < min(panel.upperBound, i + rows) {
                let columns = min(4, panel.upperBound - j)
                @inline(__always) func subtract(_ r: Int, _ q: Int, _ sum: SIMD8<Double>) {
                    if j + q <= i + r { l[(i + r) * n + j + q] -= sum.sum() }
                }
                if rows == 4 && columns == 4 {
                    var s00 = SIMD8<Double>(), s01 = SIMD8<Double>(), s02 = SIMD8<Double>(), s03 = SIMD8<Double>()
                    var s10 = SIMD8<Double>(), s11 = SIMD8<Double>(), s12 = SIMD8<Double>(), s13 = SIMD8<Double>()
                    var s20 = SIMD8<Double>(), s21 = SIMD8<Double>(), s22 = SIMD8<Double>(), s23 = SIMD8<Double>()
                    var s30 = SIMD8<Double>(), s31 = SIMD8<Double>(), s32 = SIMD8<Double>(), s33 = SIMD8<Double>()
                    for c in stride(from: 0, to: depth, by: 8) {
                        let a0 = load(i, c), a1 = load(i + 1, c), a2 = load(i + 2, c), a3 = load(i + 3, c)
                        let b0 = load(j, c), b1 = load(j + 1, c), b2 = load(j + 2, c), b3 = load(j + 3, c)
                        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3
                        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3
                        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3
                        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3
                    }
                    subtract(0, 0, s00); subtract(0, 1, s01); subtract(0, 2, s02); subtract(0, 3, s03)
                    subtract(1, 0, s10); subtract(1, 1, s11); subtract(1, 2, s12); subtract(1, 3, s13)
                    subtract(2, 0, s20); subtract(2, 1, s21); subtract(2, 2, s22); subtract(2, 3, s23)
                    subtract(3, 0, s30); subtract(3, 1, s31); subtract(3, 2, s32); subtract(3, 3, s33)
                } else {
                    for r in 0..<rows {
                        for q in 0..<columns {
                            var sum = SIMD8<Double>()
                            for c in stride(from: 0, to: depth, by: 8) { sum += load(i + r, c) * load(j + q, c) }
                            subtract(r, q, sum)
                        }
                    }
                }
                j += 4
            }
            i += rows
        }
    }

    /// The plain right-looking factorisation (see `factorise`).
    ///
    /// After column k is scaled, the trailing lower triangle loses its outer product, row by row against
    /// a contiguous copy of the column, so the inner loop is a plain vectorisable axpy (the
    /// dot-product-per-element form spent most of its time in short tails).
    static func factoriseUnblocked(_ a: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>, order n: Int) throws {
        let largestDiagonal = copyLowerTriangle(a, into: l, order: n)
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(n, 1)) { column in
            let column = column.baseAddress!
            for k in 0..<n {
                try scaleColumn(k, of: l, order: n, largestDiagonal: largestDiagonal)
                for i in (k + 1)..<max(n, k + 1) { column[i] = l[i * n + k] }
                for i in (k + 1)..<max(n, k + 1) {
                    let factor = column[i], row = l + i * n
                    for j in (k + 1)...i { row[j] -= factor * column[j] }
                }
            }
        }
    }

    /// Column k of both forms: its pivot becomes √pivot (when clearly positive) and the entries below
    /// it are divided by that.
    @inline(__always)
    private static func scaleColumn(_ k: Int, of l: UnsafeMutablePointer<Double>, order n: Int, largestDiagonal: Double) throws {
        let pivot = l[k * n + k]
        guard pivot > largestDiagonal * 1e-10 else { throw notPositiveDefinite(pivot: pivot, at: k) }
        let diagonal = pivot.squareRoot()
        l[k * n + k] = diagonal
        for i in (k + 1)..<max(n, k + 1) { l[i * n + k] /= diagonal }
    }

    /// Copies A's lower triangle into l, zeroes the upper one, and returns A's largest diagonal entry.
    private static func copyLowerTriangle(_ a: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>, order n: Int) -> Double {
        var largestDiagonal = 0.0
        for i in 0..<n {
            largestDiagonal = max(largestDiagonal, a[i * n + i])
            for j in 0...i { l[i * n + j] = a[i * n + j] }
            for j in (i + 1)..<max(n, i + 1) { l[i * n + j] = 0 }
        }
        return largestDiagonal
    }

    /// A pivot this small means two samples carry almost the same information (condition number beyond
    /// ~1e10): the weights would be huge and cancelling, the predictions noise.
    private static func notPositiveDefinite(pivot: Double, at k: Int) -> GeostatisticsError {
        .singularSystem("the sample covariance matrix is not positive definite (pivot \(k + 1) is \(pivot))")
    }

    /// In place b ← L⁻¹ b.
    func forwardSubstitute(_ b: UnsafeMutablePointer<Double>) {
        lower.withUnsafeBufferPointer { Self.forwardSubstitute(b, lower: $0.baseAddress!, order: order) }
    }

    /// In place b ← L⁻ᵀ b.
    func backSubstitute(_ b: UnsafeMutablePointer<Double>) {
        lower.withUnsafeBufferPointer { Self.backSubstitute(b, lower: $0.baseAddress!, order: order) }
    }

    /// L⁻¹ b.
    public func forwardSubstituted(_ b: [Double]) -> [Double] {
        precondition(b.count == order)
        var x = b
        x.withUnsafeMutableBufferPointer { forwardSubstitute($0.baseAddress!) }
        return x
    }

    /// A⁻¹ b.
    public func solve(_ b: [Double]) -> [Double] {
        var x = b
        x.withUnsafeMutableBufferPointer { x in
            forwardSubstitute(x.baseAddress!)
            backSubstitute(x.baseAddress!)
        }
        return x
    }

    /// Row-oriented substitution whose inner products use independent SIMD accumulators: a single
    /// running sum would be bound by the add latency (one FMA per ~4 cycles).
    @inline(__always)
    static func forwardSubstitute(_ b: UnsafeMutablePointer<Double>, lower l: UnsafePointer<Double>, order n: Int) {
        for i in 0..<n {
            let row = l + i * n
            b[i] = (b[i] - dot(row, b, count: i)) / row[i]
        }
    }

    /// Σ a[k] b[k] for k < count, accumulated in eight lanes.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var first = SIMD4<Double>(), second = SIMD4<Double>()
        var k = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while k + 8 <= count {
            let offset = k * MemoryLayout<Double>.stride
            // `+= x * y` rather than addProduct: without a -march flag addProduct becomes a libm fma call per lane.
            first += ra.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
            second += ra.loadUnaligned(fromByteOffset: offset + 32, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: offset + 32, as: SIMD4<Double>.self)
            k += 8
        }
        var sum = (first + second).sum()
        while k < count {
            sum += a[k] * b[k]
            k += 1
        }
        return sum
    }

    @inline(__always)
    static func backSubstitute(_ b: UnsafeMutablePointer<Double>, lower l: UnsafePointer<Double>, order n: Int) {
        var i = n - 1
        while i >= 0 {
            var sum = b[i]
            for k in (i + 1)..<max(n, i + 1) { sum -= l[k * n + i] * b[k] }
            b[i] = sum / l[i * n + i]
            i -= 1
        }
    }
}
