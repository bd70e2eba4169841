import CGDAL

/// The convex hull of a set of points, by OGR (GEOS): the simplest "sampled support" of a survey.
public struct ConvexHull: Sendable {
    /// The hull's polygon ring; fewer than three distinct points give a point or segment hull.
    public let ring: [VectorGeometry.Point]
    private let degenerate: [VectorGeometry.Point]

    public init(_ points: [VectorGeometry.Point]) {
        GDAL.ensureInitialized()
        let multi = OGR_G_CreateGeometry(wkbMultiPoint)!
        defer { OGR_G_DestroyGeometry(multi) }
        for p in points { OGR_G_AddGeometryDirectly(multi, VectorGeometry.point(p).makeOGR()) }
        guard let hull = OGR_G_ConvexHull(multi) else {
            ring = []
            degenerate = points
            return
        }
        defer { OGR_G_DestroyGeometry(hull) }
        if OGR_GT_Flatten(OGR_G_GetGeometryType(hull)) == wkbPolygon, let outer = OGR_G_GetGeometryRef(hull, 0) {
            ring = (0..<OGR_G_GetPointCount(outer)).map { VectorGeometry.Point(x: OGR_G_GetX(outer, $0), y: OGR_G_GetY(outer, $0)) }
            degenerate = []
        } else {
            ring = []
            degenerate = points
        }
    }

    /// True when `point` lies inside the hull or on its boundary.
    public func contains(_ point: VectorGeometry.Point) -> Bool {
        guard !ring.isEmpty else { return degenerate.contains(point) }
        let polygon = VectorGeometry.polygon([ring]).makeOGR()
        let candidate = VectorGeometry.point(point).makeOGR()
        defer {
            OGR_G_DestroyGeometry(polygon)
            OGR_G_DestroyGeometry(candidate)
        }
        return OGR_G_Intersects(polygon, candidate) != 0
    }
}
