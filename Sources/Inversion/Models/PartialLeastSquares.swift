import Foundation
import Geostatistics

/// Partial least squares regression of one target (PLS1, NIPALS) on standardised bands, as
/// scikit-learn's `PLSRegression(scale=True)` computes it; the number of components is chosen by
/// an inner k-fold cross-validation (smallest RMSE) unless fixed.
public struct PartialLeastSquares: RegressionMethod {
    /// nil: choose 1…bands by inner cross-validation.
    public var components: Int?
    public var innerFolds: Int
    public var seed: UInt64

    public init(components: Int? = nil, innerFolds: Int = 5, seed: UInt64 = 1) {
        self.components = components
        self.innerFolds = innerFolds
        self.seed = seed
    }

    public var name: String { "PLSR" }

    public struct Fitted: FittedRegression, Equatable {
        public let components: Int
        public let scaling: FeatureScaling
        public let targetMean: Double
        /// Regression coefficients on standardised bands (target in its own units).
        public let coefficients: [Double]
        /// RMSE of the inner cross-validation per component count, when chosen that way.
        public let innerRMSE: [Double]

        public func predict(_ features: [[Double]]) -> [Double] {
            features.map { row in zip(scaling.apply(row), coefficients).reduce(targetMean) { $0 + $1.0 * $1.1 } }
        }

        public var summary: String {
            "\(components) component(s)" + (innerRMSE.isEmpty ? "" : ", inner CV RMSE " + innerRMSE.map { String(format: "%.4g", $0) }.joined(separator: "/"))
        }
    }

    public func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression {
        try fitPLS(features: features, targets: targets)
    }

    public func fitPLS(features: [[Double]], targets: [Double]) throws -> Fitted {
        let p = features.first?.count ?? 0
        guard features.count >= 3, p >= 1 else {
            throw InversionError("partial least squares needs at least 3 samples with bands, got \(features.count)")
        }
        if let components {
            return try Self.nipals(features: features, targets: targets, components: min(components, p), innerRMSE: [])
        }
        let folds = SeededFolds.assign(count: features.count, folds: min(innerFolds, features.count), seed: seed)
        var rmse: [Double] = []
        for k in 1...p {
            var squared = 0.0
            for fold in 0..<folds.count {
                let test = folds.members[fold], train = folds.complement(fold)
                let model = try Self.nipals(features: train.map { features[$0] }, targets: train.map { targets[$0] }, components: k, innerRMSE: [])
                let predicted = model.predict(test.map { features[$0] })
                for (i, index) in test.enumerated() { squared += (predicted[i] - targets[index]) * (predicted[i] - targets[index]) }
            }
            rmse.append((squared / Double(features.count)).squareRoot())
        }
        let best = rmse.indices.min { rmse[$0] < rmse[$1] }! + 1
        return try Self.nipals(features: features, targets: targets, components: best, innerRMSE: rmse)
    }

    /// PLS1 by NIPALS: w = Xᵀy/‖Xᵀy‖, t = Xw, p = Xᵀt/tᵀt, q = yᵀt/tᵀt, deflate X and y; β = W (PᵀW)⁻¹ q.
    static func nipals(features: [[Double]], targets: [Double], components: Int, innerRMSE: [Double]) throws -> Fitted {
        let n = features.count, p = features[0].count
        let scaling = FeatureScaling(features)
        var x = features.map(scaling.apply)
        let yMean = targets.reduce(0, +) / Double(n)
        var y = targets.map { $0 - yMean }
        var w = [[Double]](), loadings = [[Double]](), q = [Double]()
        for _ in 0..<components {
            var weight = [Double](repeating: 0, count: p)
            for i in 0..<n { for j in 0..<p { weight[j] += x[i][j] * y[i] } }
            let norm = weight.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-14 else { break }
            weight = weight.map { $0 / norm }
            let t = x.map { row in zip(row, weight).reduce(0) { $0 + $1.0 * $1.1 } }
            let tt = t.reduce(0) { $0 + $1 * $1 }
            guard tt > 1e-14 else { break }
            var loading = [Double](repeating: 0, count: p)
            for i in 0..<n { for j in 0..<p { loading[j] += x[i][j] * t[i] / tt } }
            let qk = zip(y, t).reduce(0) { $0 + $1.0 * $1.1 } / tt
            for i in 0..<n {
                for j in 0..<p { x[i][j] -= t[i] * loading[j] }
                y[i] -= t[i] * qk
            }
            w.append(weight)
            loadings.append(loading)
            q.append(qk)
        }
        let k = w.count
        guard k > 0 else { throw InversionError("partial least squares: the bands carry no information on the target") }
        // β = W (PᵀW)⁻¹ q; PᵀW is k × k upper triangular in exact arithmetic, solved in general here.
        var m = [Double](repeating: 0, count: k * k)
        for r in 0..<k { for c in 0..<k { m[r * k + c] = zip(loadings[r], w[c]).reduce(0) { $0 + $1.0 * $1.1 } } }
        let z: [Double]
        do {
            z = try DenseLinearSystem.solve(m, order: k, rightHandSide: q)
        } catch {
            throw InversionError("partial least squares: singular loadings")
        }
        var beta = [Double](repeating: 0, count: p)
        for c in 0..<k { for j in 0..<p { beta[j] += w[c][j] * z[c] } }
        return Fitted(components: k, scaling: scaling, targetMean: yMean, coefficients: beta, innerRMSE: innerRMSE)
    }
}
