import Foundation

/// A nugget plus one basic structure, in gstat's parameterisation (`vgm(psill, model, range, nugget)`).
///
/// With r = `range` (gstat's range parameter, not the practical range):
/// spherical 1.5 h/r − 0.5 (h/r)³ for h < r and 1 beyond; exponential 1 − exp(−h/r);
/// Gaussian 1 − exp(−(h/r)²); nugget 0 at h = 0 and 1 elsewhere.
public struct VariogramModel: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case nugget = "Nug", spherical = "Sph", exponential = "Exp", gaussian = "Gau"
    }

    public let kind: Kind
    /// Partial sill of the structure (gstat's `psill` of the second model row).
    public let partialSill: Double
    public let range: Double
    public let nugget: Double

    public init(kind: Kind, partialSill: Double, range: Double, nugget: Double = 0) throws {
        guard partialSill >= 0, nugget >= 0, partialSill.isFinite, nugget.isFinite else {
            throw GeostatisticsError.invalidParameter("sills must be finite and non-negative (partial sill \(partialSill), nugget \(nugget))")
        }
        guard kind == .nugget || (range > 0 && range.isFinite) else {
            throw GeostatisticsError.invalidParameter("the range must be positive, got \(range)")
        }
        guard partialSill + nugget > 0 else {
            throw GeostatisticsError.invalidParameter("the model has zero sill, so every covariance is zero")
        }
        self.kind = kind
        self.partialSill = partialSill
        self.range = kind == .nugget ? 0 : range
        self.nugget = nugget
    }

    /// Nugget plus partial sill: the covariance at distance zero.
    public var sill: Double { nugget + partialSill }

    public var description: String {
        "\(kind.rawValue)(psill \(partialSill), range \(range), nugget \(nugget))"
    }

    /// γ(h) of the structure with unit sill, without the nugget: 1 − ρ(h) (`CovarianceKernel.unit`).
    @inline(__always)
    public static func unitStructure(_ kind: Kind, distance h: Double, range a: Double) -> Double {
        1 - CovarianceKernel.unit(kind, distance: h, range: a)
    }

    /// Semivariance at distance h; zero at h = 0, where the nugget is a discontinuity.
    @inline(__always)
    public func semivariance(_ h: Double) -> Double {
        h == 0 ? 0 : nugget + partialSill * Self.unitStructure(kind, distance: h, range: range)
    }

    /// Covariance sill − γ(h): the full sill at h = 0 (a sample with itself), no nugget elsewhere.
    @inline(__always)
    public func covariance(_ h: Double) -> Double {
        h == 0 ? sill : partialSill * CovarianceKernel.unit(kind, distance: h, range: range)
    }

    /// Covariance without the nugget's jump at zero: what a point inside a block sees, since the
    /// discontinuity has measure zero when averaged over the block (gstat nudges zero distances
    /// inside blocks to 10·DBL_EPSILON for the same reason).
    @inline(__always)
    func continuousCovariance(_ h: Double) -> Double {
        kind == .nugget ? 0 : partialSill * CovarianceKernel.unit(kind, distance: h, range: range)
    }
}
