import RasterIO

/// Where a survey's samples support a map, in the simplest defensible form: inside the samples'
/// convex hull, or within the variogram's practical range of a sample (beyond both, a map value is
/// extrapolation). Coordinates in the map's CRS.
public struct SampleSupport: Sendable {
    public let samples: [VectorGeometry.Point]
    /// The variogram's practical range, in map units.
    public let range: Double
    private let hull: ConvexHull

    public init(samples: [VectorGeometry.Point], range: Double) {
        self.samples = samples
        self.range = range
        hull = ConvexHull(samples)
    }

    public func contains(_ point: VectorGeometry.Point) -> Bool {
        if hull.contains(point) { return true }
        let squaredRange = range * range
        return samples.contains { ($0.x - point.x) * ($0.x - point.x) + ($0.y - point.y) * ($0.y - point.y) <= squaredRange }
    }
}
