/// A way of learning content from band values: the CNN, or a baseline the paper lacks (multiple
/// linear regression, partial least squares). Validation treats them all alike.
public protocol RegressionMethod: Sendable {
    var name: String { get }
    /// Learns from `features` (one row of band values per sample) and `targets`.
    func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression
    /// Learns knowing each sample's map position (x, y), for methods that tune themselves by
    /// spatial cross-validation; the others ignore the positions.
    func fit(features: [[Double]], targets: [Double], positions: [SIMD2<Double>]) throws -> any FittedRegression
    /// Side of the pixel window each sample's features cover: 1 reads the sample pixel's own bands,
    /// k > 1 a k × k window per band (the patch CNN; see `PatchFeatures`).
    var window: Int { get }
}

extension RegressionMethod {
    public func fit(features: [[Double]], targets: [Double], positions: [SIMD2<Double>]) throws -> any FittedRegression {
        try fit(features: features, targets: targets)
    }

    public var window: Int { 1 }
}

public protocol FittedRegression: Sendable {
    func predict(_ features: [[Double]]) -> [Double]
    /// One line on what was learnt (coefficients, components, iterations).
    var summary: String { get }
    /// The optimiser steps whose parameters were kept (a network's, e.g. chosen by early
    /// stopping); nil for methods without iterations.
    var chosenIterations: Int? { get }
}

extension FittedRegression {
    public var chosenIterations: Int? { nil }
}

/// Column means and sample standard deviations (n − 1) of a feature matrix, as scikit-learn's
/// `StandardScaler(with_std=True)` after ddof=1 (PLS's own convention); a constant column keeps sd 1.
public struct FeatureScaling: Sendable, Equatable, Codable {
    public let mean: [Double]
    public let sd: [Double]

    public init(mean: [Double], sd: [Double]) {
        self.mean = mean
        self.sd = sd
    }

    public init(_ rows: [[Double]]) {
        let n = Double(rows.count), p = rows.first?.count ?? 0
        var mean = [Double](repeating: 0, count: p), sd = [Double](repeating: 0, count: p)
        for row in rows { for j in 0..<p { mean[j] += row[j] / n } }
        for row in rows { for j in 0..<p { sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) } }
        for j in 0..<p {
            let s = rows.count > 1 ? (sd[j] / (n - 1)).squareRoot() : 0
            sd[j] = s > 0 ? s : 1
        }
        self.mean = mean
        self.sd = sd
    }

    public func apply(_ row: [Double]) -> [Double] {
        row.indices.map { (row[$0] - mean[$0]) / sd[$0] }
    }
}
