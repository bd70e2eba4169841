/// Gaussian elimination with partial pivoting on a general dense system: the plain reference solver the
/// fast kriging paths are tested against, and the package's one general dense solver (Inversion's
/// partial least squares uses it too).
public enum DenseLinearSystem {
    /// Solves A x = b for a row-major n × n matrix; throws `GeostatisticsError.singularSystem` when a
    /// pivot falls below 1e-10 of A's largest entry.
    public static func solve(_ matrix: [Double], order n: Int, rightHandSide: [Double]) throws -> [Double] {
        precondition(matrix.count == n * n && rightHandSide.count == n)
        var a = matrix, b = rightHandSide
        var scale = 0.0
        for v in a { scale = max(scale, abs(v)) }
        for column in 0..<n {
            var pivotRow = column
            for row in (column + 1)..<max(n, column + 1) where abs(a[row * n + column]) > abs(a[pivotRow * n + column]) {
                pivotRow = row
            }
            guard abs(a[pivotRow * n + column]) > scale * 1e-10 else {
                throw GeostatisticsError.singularSystem("the kriging matrix is singular at column \(column + 1)")
            }
            if pivotRow != column {
                for k in 0..<n { a.swapAt(column * n + k, pivotRow * n + k) }
                b.swapAt(column, pivotRow)
            }
            let pivot = a[column * n + column]
            for row in (column + 1)..<max(n, column + 1) {
                let factor = a[row * n + column] / pivot
                if factor == 0 { continue }
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<max(n, row + 1) { sum -= a[row * n + k] * x[k] }
            x[row] = sum / a[row * n + row]
        }
        return x
    }
}
