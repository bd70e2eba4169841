import Foundation

/// Multiple linear regression, y = b₀ + Σ bⱼ xⱼ, by least squares through a Householder QR of the
/// design matrix (no normal equations: band reflectances are strongly collinear).
public struct LinearRegression: RegressionMethod {
    public var name: String { "MLR" }
    public init() {}

    public struct Fitted: FittedRegression, Equatable {
        public let intercept: Double
        public let coefficients: [Double]

        public func predict(_ features: [[Double]]) -> [Double] {
            features.map { row in zip(row, coefficients).reduce(intercept) { $0 + $1.0 * $1.1 } }
        }

        public var summary: String {
            "intercept \(String(format: "%.4g", intercept)), " + coefficients.enumerated().map { "b\($0.offset + 1) \(String(format: "%.4g", $0.element))" }.joined(separator: ", ")
        }
    }

    public func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression {
        try fitLinear(features: features, targets: targets)
    }

    public func fitLinear(features: [[Double]], targets: [Double]) throws -> Fitted {
        let n = features.count, p = (features.first?.count ?? 0) + 1
        guard n >= p else {
            throw InversionError("multiple linear regression needs at least \(p) samples for \(p - 1) bands, got \(n)")
        }
        // Column-major design matrix with a leading column of ones.
        var a = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            a[i] = 1
            for j in 1..<p { a[j * n + i] = features[i][j - 1] }
        }
        var b = targets
        let solution = try HouseholderQR.leastSquares(columnMajor: &a, rows: n, columns: p, rhs: &b)
        return Fitted(intercept: solution[0], coefficients: Array(solution.dropFirst()))
    }
}

/// Least squares min ‖Ax − b‖ by Householder QR, in place.
enum HouseholderQR {
    static func leastSquares(columnMajor a: inout [Double], rows n: Int, columns p: Int, rhs b: inout [Double]) throws -> [Double] {
        var diagonal = [Double](repeating: 0, count: p)
        for k in 0..<p {
            var norm = 0.0
            for i in k..<n { norm += a[k * n + i] * a[k * n + i] }
            norm = norm.squareRoot()
            let alpha = a[k * n + k] > 0 ? -norm : norm
            diagonal[k] = alpha
            // v = x − αe₁, stored over the column.
            a[k * n + k] -= alpha
            var vv = 0.0
            for i in k..<n { vv += a[k * n + i] * a[k * n + i] }
            guard vv > 0 else { continue }
            for j in (k + 1)..<max(k + 1, p) {
                var dot = 0.0
                for i in k..<n { dot += a[k * n + i] * a[j * n + i] }
                let f = 2 * dot / vv
                for i in k..<n { a[j * n + i] -= f * a[k * n + i] }
            }
            var dot = 0.0
            for i in k..<n { dot += a[k * n + i] * b[i] }
            let f = 2 * dot / vv
            for i in k..<n { b[i] -= f * a[k * n + i] }
        }
        let scale = diagonal.map(abs).max() ?? 0
        var x = [Double](repeating: 0, count: p)
        for k in stride(from: p - 1, through: 0, by: -1) {
            guard abs(diagonal[k]) > scale * 1e-12 else {
                throw InversionError("multiple linear regression: the bands are linearly dependent (a constant or duplicated band)")
            }
            var s = b[k]
            for j in (k + 1)..<p { s -= a[j * n + k] * x[j] }
            x[k] = s / diagonal[k]
        }
        return x
    }
}
