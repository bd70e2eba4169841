import Foundation
import Geostatistics

/// Where a model trained on some samples may be applied: pixels whose band values lie farther from
/// the training samples' mean, in Mahalanobis distance, than any training sample did are outside
/// (an "area of applicability" in the sense of Meyer & Pebesma 2021, here in feature space). The
/// samples lie on bare ground, so canopy, mixed canopy edges, water and roofs fall outside, where
/// the network would extrapolate to meaningless contents.
public struct ApplicabilityDomain: Codable, Sendable, Equatable {
    public static let fileName = "domain.json"

    public var mean: [Double]
    /// Lower-triangular L⁻¹ (row-major, p × p) of the training covariance Σ = L Lᵀ, so that the
    /// distance is ‖L⁻¹ (x − μ)‖.
    public var whitening: [Double]
    /// The largest training distance: the boundary.
    public var threshold: Double
    public var description: String
    /// The training run of the model folder it belongs to (`Model.trainingRun`).
    public var run: String?

    public init(mean: [Double], whitening: [Double], threshold: Double, description: String) {
        self.mean = mean
        self.whitening = whitening
        self.threshold = threshold
        self.description = description
    }

    /// The domain of `features` (one row per training sample).
    public init(features: [[Double]]) throws {
        let n = features.count, p = features.first?.count ?? 0
        guard n > p, p > 0 else { throw InversionError("an applicability domain needs more samples (\(n)) than bands (\(p))") }
        var mean = [Double](repeating: 0, count: p)
        for row in features { for j in 0..<p { mean[j] += row[j] / Double(n) } }
        // The covariance of the standardised features (their correlations): the distance is the same,
        // and features of very different scales (reflectance 0.1, a DEM in hundreds of metres) do
        // not look linearly dependent to the factorisation.
        var scale = [Double](repeating: 0, count: p)
        for row in features { for j in 0..<p { scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / Double(n - 1) } }
        scale = scale.map { $0 > 0 ? $0.squareRoot() : 1 }
        var covariance = [Double](repeating: 0, count: p * p)
        for row in features {
            for a in 0..<p { for b in 0...a { covariance[a * p + b] += (row[a] - mean[a]) / scale[a] * (row[b] - mean[b]) / scale[b] / Double(n - 1) } }
        }
        // Cholesky Σ = L Lᵀ, then L⁻¹ column by column (L⁻¹ eⱼ), kept lower-triangular.
        let factor: CholeskyFactor
        do {
            factor = try CholeskyFactor(symmetric: covariance, order: p)
        } catch {
            throw InversionError("the training bands are linearly dependent; no applicability domain")
        }
        var inverse = [Double](repeating: 0, count: p * p)
        for column in 0..<p {
            var unit = [Double](repeating: 0, count: p)
            unit[column] = 1
            let solved = factor.forwardSubstituted(unit)
            for row in column..<p { inverse[row * p + column] = solved[row] / scale[column] }
        }
        self.init(mean: mean, whitening: inverse, threshold: 0, description: "")
        threshold = features.map(distance).max() ?? 0
        description = String(format: "Mahalanobis distance to the %d training samples ≤ %.2f (their largest)", n, threshold)
    }

    /// A per-band domain from standardisation statistics alone (models trained elsewhere): each band
    /// within `limit` standard deviations, combined as a distance of at most `limit`·√p.
    public init(means: [Double], standardDeviations: [Double], limit: Double) {
        let p = means.count
        var whitening = [Double](repeating: 0, count: p * p)
        for j in 0..<p { whitening[j * p + j] = 1 / standardDeviations[j] }
        self.init(mean: means, whitening: whitening, threshold: limit * Double(p).squareRoot(),
                  description: String(format: "standardised distance to the training mean ≤ %.2f", limit * Double(p).squareRoot()))
    }

    public func distance(_ x: [Double]) -> Double {
        let p = mean.count
        var sum = 0.0
        for row in 0..<p {
            var v = 0.0
            for k in 0...row { v += whitening[row * p + k] * (x[k] - mean[k]) }
            sum += v * v
        }
        return sum.squareRoot()
    }

    public func save(to folder: String) throws {
        try AtomicTextFile.writeJSON(self, to: (folder as NSString).appendingPathComponent(Self.fileName))
    }

    /// The domain saved beside a model, or nil when the folder has none.
    public static func load(from folder: String) throws -> ApplicabilityDomain? {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let domain: ApplicabilityDomain
        do {
            domain = try JSONDecoder().decode(ApplicabilityDomain.self, from: data)
        } catch {
            throw InversionError("\(path): not an applicability domain (\(error))".replacingOccurrences(of: "\n", with: " "))
        }
        // `distance` reads a p × p whitening for p means.
        let p = domain.mean.count
        guard p >= 1, domain.whitening.count == p * p else {
            throw InversionError("\(path): \(domain.whitening.count) whitening values for \(p) band mean(s); expected \(p * p)")
        }
        guard (domain.mean + domain.whitening + [domain.threshold]).allSatisfy(\.isFinite) else {
            throw InversionError("\(path): holds a value that is not a finite number")
        }
        return domain
    }
}
