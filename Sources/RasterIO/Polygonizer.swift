import CGDAL

/// Vector outlines of raster regions, by `GDALPolygonize`, which streams the raster line by line
/// (bounded memory on any scene size), made valid by GEOS through OGR; and GDAL's sieve, which
/// removes regions below a size before they are outlined.
public enum Polygonizer {
    /// The outline of all pixels of one value: a valid multipolygon with its area and centroid,
    /// both in the raster's CRS.
    public struct Outline: Sendable {
        public let polygons: [[[VectorGeometry.Point]]]
        public let area: Double
        public let centroid: VectorGeometry.Point
        public var geometry: VectorGeometry { .multiPolygon(polygons) }
        /// The areas of the interior rings (holes), in map units squared.
        public let holeAreas: [Double]
    }

    /// The outline of each non-zero value in `band`. The polygonizer's 8-connected pixel outlines
    /// touch themselves at pixel corners (invalid "ring self-intersections"); each value's
    /// polygons are made valid by `OGR_G_MakeValid` (GEOS) and, when `simplify` is given, simplified
    /// to that tolerance (map units) without changing their topology (`OGR_G_SimplifyPreserveTopology`).
    public static func outlines(of path: String, band: Int = 1, simplify: Double? = nil) throws -> [Int: Outline] {
        let raster = try Raster.open(path)
        guard (1...raster.bandCount).contains(band) else {
            throw RasterError(path, .invalidArgument, "has \(raster.bandCount) band(s), no band \(band)")
        }
        guard let memory = GDALGetDriverByName("Memory") ?? GDALGetDriverByName("MEM"),
              let dataset = GDALCreate(memory, "regions", 0, 0, 0, GDT_Unknown, nil) else {
            throw RasterError(path, .unsupported, "GDAL has no in-memory vector driver")
        }
        defer { GDALClose(dataset) }
        guard let layer = GDALDatasetCreateLayer(dataset, "regions", nil, wkbPolygon, nil) else {
            throw RasterError.gdal(path, .ioFailure, "cannot create an in-memory layer")
        }
        let field = OGR_Fld_Create("value", OFTInteger)
        OGR_L_CreateField(layer, field, 1)
        OGR_Fld_Destroy(field)
        let sourceBand = GDALGetRasterBand(raster.handle, Int32(band))
        let options = GDALStringList(options: [("8CONNECTED", "8")])
        GDALFailure.reset()
        guard GDALPolygonize(sourceBand, sourceBand, layer, 0, options.pointer, nil, nil) == CE_None else {
            throw RasterError.gdal(path, .ioFailure, "polygonizing failed")
        }
        var collected: [Int: OGRGeometryH] = [:]
        defer { for geometry in collected.values { OGR_G_DestroyGeometry(geometry) } }
        OGR_L_ResetReading(layer)
        while let feature = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(feature) }
            let value = Int(OGR_F_GetFieldAsInteger(feature, 0))
            guard value != 0, let polygon = OGR_F_GetGeometryRef(feature) else { continue }
            if collected[value] == nil { collected[value] = OGR_G_CreateGeometry(wkbMultiPolygon) }
            OGR_G_AddGeometry(collected[value], polygon)
        }
        var outlines: [Int: Outline] = [:]
        for (value, pixels) in collected {
            GDALFailure.reset()
            guard var shape = OGR_G_MakeValid(pixels) else {
                throw RasterError.gdal(path, .ioFailure, "cannot make the outline of value \(value) valid (GDAL built without GEOS?)")
            }
            if let simplify, simplify > 0 {
                guard let simplified = OGR_G_SimplifyPreserveTopology(shape, simplify) else {
                    OGR_G_DestroyGeometry(shape)
                    throw RasterError.gdal(path, .ioFailure, "cannot simplify the outline of value \(value)")
                }
                OGR_G_DestroyGeometry(shape)
                shape = simplified
            }
            defer { OGR_G_DestroyGeometry(shape) }
            let polygons = polygonParts(of: shape)
            var holes: [Double] = []
            for polygon in polygons {
                for ring in polygon.dropFirst() { holes.append(ringArea(ring)) }
            }
            let point = OGR_G_CreateGeometry(wkbPoint)
            defer { OGR_G_DestroyGeometry(point) }
            _ = OGR_G_Centroid(shape, point)
            outlines[value] = Outline(polygons: polygons, area: OGR_G_Area(shape),
                                      centroid: VectorGeometry.Point(x: OGR_G_GetX(point, 0), y: OGR_G_GetY(point, 0)),
                                      holeAreas: holes)
        }
        return outlines
    }

    /// The polygons of a geometry (MakeValid may return a collection with lines or points where
    /// pixels touched at a corner; those have no area and are left out), as rings of points.
    private static func polygonParts(of geometry: OGRGeometryH) -> [[[VectorGeometry.Point]]] {
        switch OGR_GT_Flatten(OGR_G_GetGeometryType(geometry)) {
        case wkbPolygon:
            return [(0..<OGR_G_GetGeometryCount(geometry)).map { r in
                let ring = OGR_G_GetGeometryRef(geometry, r)
                return (0..<OGR_G_GetPointCount(ring)).map { i in VectorGeometry.Point(x: OGR_G_GetX(ring, i), y: OGR_G_GetY(ring, i)) }
            }]
        case wkbMultiPolygon, wkbGeometryCollection:
            return (0..<OGR_G_GetGeometryCount(geometry)).flatMap { polygonParts(of: OGR_G_GetGeometryRef(geometry, $0)) }
        default:
            return []
        }
    }

    /// A ring's area by OGR (as a one-ring polygon).
    private static func ringArea(_ ring: [VectorGeometry.Point]) -> Double {
        let polygon = VectorGeometry.polygon([ring]).makeOGR()
        defer { OGR_G_DestroyGeometry(polygon) }
        return OGR_G_Area(polygon)
    }

    /// GDAL's sieve in place on `band` of `path`: every region (`connectedness` 4 or 8) of fewer than
    /// `minimumPixels` pixels takes the value of its largest neighbouring region. On a 0/1 raster
    /// this fills holes and removes specks of that size alike.
    public static func sieve(_ path: String, band: Int = 1, minimumPixels: Int, connectedness: Int = 4) throws {
        guard minimumPixels > 1 else { return }
        let raster = try Raster.open(path, mode: .update)
        let target = GDALGetRasterBand(raster.handle, Int32(band))
        GDALFailure.reset()
        guard GDALSieveFilter(target, nil, target, Int32(minimumPixels), Int32(connectedness), nil, nil, nil) == CE_None else {
            throw RasterError.gdal(path, .ioFailure, "sieving failed")
        }
        GDALFlushCache(raster.handle)
    }
}
