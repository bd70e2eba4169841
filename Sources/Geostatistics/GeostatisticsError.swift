/// Why a variogram, fit or kriging system cannot be computed.
public enum GeostatisticsError: Error, CustomStringConvertible, Equatable {
    case lengthMismatch(x: Int, y: Int, z: Int)
    case tooFewSamples(Int, needed: Int)
    case notFinite(String, index: Int)
    case duplicateLocation(first: Int, second: Int, x: Double, y: Double)
    case constantValues
    case noPairsWithinCutoff(cutoff: Double)
    case tooFewBins(Int)
    case invalidParameter(String)
    case singularSystem(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(x, y, z): "x, y and z have \(x), \(y) and \(z) values"
        case let .tooFewSamples(n, needed): "needs at least \(needed) samples, got \(n)"
        case let .notFinite(name, index): "\(name) value \(index + 1) is not a finite number"
        case let .duplicateLocation(first, second, x, y):
            "samples \(first + 1) and \(second + 1) share the location (\(x), \(y)), which makes the kriging system singular"
        case .constantValues: "all sample values are equal, so the semivariogram is zero and no model can be fitted"
        case let .noPairsWithinCutoff(cutoff): "no pair of samples is within the cutoff \(cutoff)"
        case let .tooFewBins(n): "a variogram fit needs at least 2 non-empty bins, got \(n)"
        case let .invalidParameter(what): "invalid parameter: \(what)"
        case let .singularSystem(what): "the kriging system is singular: \(what)"
        }
    }
}
