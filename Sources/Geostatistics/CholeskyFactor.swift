/// The lower-triangular L with L Lᵀ = A of a symmetric positive-definite matrix, row-major n × n.
///
/// The fast kriging paths factorise the sample covariance matrix once and then need only triangular
/// solves; the in-place methods work on caller-owned buffers so inner loops do not allocate.
struct CholeskyFactor: Sendable {
    let order: Int
    /// Row-major; the strict upper triangle is zero.
    private(set) var lower: [Double]

    /// Factorises the row-major symmetric `matrix` (only its lower triangle is read).
    init(symmetric matrix: [Double], order n: Int) throws {
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
    /// Right-looking: after column k is scaled, the trailing lower triangle loses its outer product, row
    /// by row against a contiguous copy of the column, so the inner loop is a plain vectorisable axpy
    /// (the dot-product-per-element form spent most of its time in short tails).
    static func factorise(_ a: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>, order n: Int) throws {
        var largestDiagonal = 0.0
        for i in 0..<n {
            largestDiagonal = max(largestDiagonal, a[i * n + i])
            for j in 0...i { l[i * n + j] = a[i * n + j] }
            for j in (i + 1)..<max(n, i + 1) { l[i * n + j] = 0 }
        }
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(n, 1)) { column in
            let column = column.baseAddress!
            for k in 0..<n {
                let pivot = l[k * n + k]
                // A pivot this small means two samples carry almost the same information (condition
                // number beyond ~1e10): the weights would be huge and cancelling, the predictions noise.
                guard pivot > largestDiagonal * 1e-10 else {
                    throw GeostatisticsError.singularSystem("the sample covariance matrix is not positive definite (pivot \(k + 1) is \(pivot))")
                }
                let diagonal = pivot.squareRoot()
                l[k * n + k] = diagonal
                for i in (k + 1)..<max(n, k + 1) {
                    l[i * n + k] /= diagonal
                    column[i] = l[i * n + k]
                }
                for i in (k + 1)..<max(n, k + 1) {
                    let factor = column[i], row = l + i * n
                    for j in (k + 1)...i { row[j] -= factor * column[j] }
                }
            }
        }
    }

    /// In place b ← L⁻¹ b.
    func forwardSubstitute(_ b: UnsafeMutablePointer<Double>) {
        lower.withUnsafeBufferPointer { Self.forwardSubstitute(b, lower: $0.baseAddress!, order: order) }
    }

    /// In place b ← L⁻ᵀ b.
    func backSubstitute(_ b: UnsafeMutablePointer<Double>) {
        lower.withUnsafeBufferPointer { Self.backSubstitute(b, lower: $0.baseAddress!, order: order) }
    }

    /// A⁻¹ b.
    func solve(_ b: [Double]) -> [Double] {
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
