import Geostatistics

/// Where a kriged map stops: pixels beyond the samples' support are nodata rather than
/// extrapolations that only repeat the estimated mean (or, with a local neighbourhood, fan out in
/// wedges as the neighbour sets switch with direction). A pixel is beyond the support when its
/// nearest sample is farther than `maxDistance`, or when its kriging variance exceeds
/// `maxVarianceFraction` of the prior variance C(x, x) (the sill, for point support).
public struct ExtrapolationMask: Sendable, Equatable, Codable {
    /// nil: the variogram's practical range, beyond which a sample's covariance with the pixel is
    /// below 5 % of the structure's sill, i.e. the sample says next to nothing about it.
    public var maxDistance: Double?
    /// 0.9 by default: above it the samples explain less than a tenth of the prior variance, so the
    /// value is essentially the estimated mean. nil: no variance criterion.
    public var maxVarianceFraction: Double?

    public static let defaultVarianceFraction = 0.9

    public init(maxDistance: Double? = nil, maxVarianceFraction: Double? = ExtrapolationMask.defaultVarianceFraction) {
        self.maxDistance = maxDistance
        self.maxVarianceFraction = maxVarianceFraction
    }

    /// The distance limit for `model`: the practical range unless given (no limit for a pure nugget,
    /// whose practical range is zero).
    public func distanceLimit(_ model: VariogramModel) -> Double {
        maxDistance ?? (model.practicalRange > 0 ? model.practicalRange : .infinity)
    }

    /// How the mask reads in messages and the report.
    public func summary(_ kriging: OrdinaryKriging) -> String {
        let limit = distanceLimit(kriging.model)
        var parts = [limit.isFinite
            ? String(format: "nearest sample within %.1f m", limit) + (maxDistance == nil ? " (the variogram's practical range)" : "")
            : "no distance limit"]
        if let maxVarianceFraction {
            parts.append(String(format: "kriging variance at most %g × %.4g (the prior variance)", maxVarianceFraction, kriging.priorVariance))
        }
        return parts.joined(separator: "; ")
    }
}
