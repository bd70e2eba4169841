/// Which samples enter each kriging system.
public enum KrigingNeighbourhood: Sendable, Equatable {
    /// All samples (gstat's default): one system, factorised once.
    case global
    /// The `count` nearest samples within `maxDistance` of the prediction location (gstat's `nmax` and
    /// `maxdist`); a location with no sample within `maxDistance` has no prediction.
    case nearest(Int, maxDistance: Double = .infinity)
}
