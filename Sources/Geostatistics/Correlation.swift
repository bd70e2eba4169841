import Foundation

/// A correlation coefficient with its two-sided p-value.
public struct CorrelationResult: Sendable, Equatable, Codable {
    public let coefficient: Double
    /// Two-sided p-value from the t-approximation with n − 2 degrees of freedom.
    public let pValue: Double
    public let count: Int

    /// Significance stars as SPSS prints them: `**` at 0.01, `*` at 0.05.
    public var stars: String { pValue < 0.01 ? "**" : pValue < 0.05 ? "*" : "" }
}

/// Why a correlation cannot be computed.
public enum CorrelationError: Error, CustomStringConvertible, Equatable {
    case lengthMismatch(Int, Int)
    case tooFewValues(Int)
    case notFinite(String, index: Int)
    case constant(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(a, b): "the two columns have \(a) and \(b) values"
        case let .tooFewValues(n): "correlation needs at least 3 pairs, got \(n)"
        case let .notFinite(name, index): "\(name) value \(index + 1) is not a finite number"
        case let .constant(name): "\(name) is constant, so its correlation is undefined"
        }
    }
}

/// Pearson and Spearman correlation with the conventions of SPSS, scipy (`spearmanr`, `pearsonr`)
/// and R (`cor.test(..., exact = FALSE)`): average ranks for ties, p from Student's t with n − 2 df.
public enum Correlation {
    public static func pearson(_ x: [Double], _ y: [Double], names: (String, String) = ("x", "y")) throws -> CorrelationResult {
        try check(x, y, names: names)
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        if sxx == 0 { throw CorrelationError.constant(names.0) }
        if syy == 0 { throw CorrelationError.constant(names.1) }
        let r = max(-1, min(1, sxy / (sxx * syy).squareRoot()))
        return CorrelationResult(coefficient: r, pValue: twoSidedP(r: r, n: x.count), count: x.count)
    }

    /// Spearman's rho: Pearson's r of the average ranks.
    public static func spearman(_ x: [Double], _ y: [Double], names: (String, String) = ("x", "y")) throws -> CorrelationResult {
        try check(x, y, names: names)
        return try pearson(averageRanks(x), averageRanks(y), names: names)
    }

    /// 1-based ranks; tied values share the mean of the ranks they span.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// P(|T| ≥ |t|) for t = r √((n−2)/(1−r²)), Student's t with n − 2 degrees of freedom.
    public static func twoSidedP(r: Double, n: Int) -> Double {
        let df = Double(n - 2)
        guard abs(r) < 1 else { return 0 }
        let t2 = r * r * df / (1 - r * r)
        return SpecialFunctions.regularizedIncompleteBeta(a: df / 2, b: 0.5, x: df / (df + t2))
    }

    private static func check(_ x: [Double], _ y: [Double], names: (String, String)) throws {
        guard x.count == y.count else { throw CorrelationError.lengthMismatch(x.count, y.count) }
        guard x.count >= 3 else { throw CorrelationError.tooFewValues(x.count) }
        if let i = x.firstIndex(where: { !$0.isFinite }) { throw CorrelationError.notFinite(names.0, index: i) }
        if let i = y.firstIndex(where: { !$0.isFinite }) { throw CorrelationError.notFinite(names.1, index: i) }
    }
}

enum SpecialFunctions {
    /// I_x(a, b) by Lentz's continued fraction (Numerical Recipes `betai`), accurate to ~1e-15.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * continuedFraction(a: b, b: a, x: 1 - x) / b
    }

    /// Lentz's method; each iteration applies the even and the odd term of the fraction alike.
    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        d = abs(d) < tiny ? tiny : d
        d = 1 / d
        var h = d
        /// Folds the term with numerator `aa` into c and d and returns its factor of h.
        func apply(_ aa: Double) -> Double {
            d = 1 + aa * d
            d = abs(d) < tiny ? tiny : d
            c = 1 + aa / c
            c = abs(c) < tiny ? tiny : c
            d = 1 / d
            return d * c
        }
        for m in 1...500 {
            let m = Double(m)
            let m2 = 2 * m
            h *= apply(m * (b - m) * x / ((a + m2 - 1) * (a + m2)))
            let delta = apply(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)))
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
