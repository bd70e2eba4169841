/// How well predictions match observations: R² (coefficient of determination, 1 − SSres/SStot,
/// as scikit-learn's `r2_score`), RMSE, and RPD = SD / RMSE with the observations' sample SD (n − 1).
public struct RegressionMetrics: Sendable, Equatable, Codable {
    public let count: Int
    public let r2: Double
    public let rmse: Double
    public let rpd: Double

    public init(count: Int, r2: Double, rmse: Double, rpd: Double) {
        self.count = count
        self.r2 = r2
        self.rmse = rmse
        self.rpd = rpd
    }

    public init(observed: [Double], predicted: [Double]) {
        precondition(observed.count == predicted.count, "metrics need one prediction per observation")
        let n = Double(observed.count)
        let mean = observed.reduce(0, +) / n
        var ssRes = 0.0, ssTot = 0.0
        for (o, p) in zip(observed, predicted) {
            ssRes += (o - p) * (o - p)
            ssTot += (o - mean) * (o - mean)
        }
        count = observed.count
        r2 = ssTot > 0 ? 1 - ssRes / ssTot : .nan
        rmse = (ssRes / n).squareRoot()
        let sd = observed.count > 1 ? (ssTot / (n - 1)).squareRoot() : .nan
        rpd = rmse > 0 ? sd / rmse : .infinity
    }
}
