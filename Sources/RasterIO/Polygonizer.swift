import CGDAL

/// Vector outlines of raster regions, by `GDALPolygonize`, which streams the raster line by line
/// (bounded memory on any scene size).
public enum Polygonizer {
    /// The polygons of each connected region of equal non-zero value in `band` (pixels touching at
    /// corners connect, as 8-connected labelling does), grouped by that value. A region whose
    /// pixels touch only diagonally may come as several polygons of one value.
    public static func regions(of path: String, band: Int = 1) throws -> [Int: [[[VectorGeometry.Point]]]] {
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
        var regions: [Int: [[[VectorGeometry.Point]]]] = [:]
        OGR_L_ResetReading(layer)
        while let feature = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(feature) }
            let value = Int(OGR_F_GetFieldAsInteger(feature, 0))
            guard value != 0, let geometry = OGR_F_GetGeometryRef(feature) else { continue }
            var rings: [[VectorGeometry.Point]] = []
            for r in 0..<OGR_G_GetGeometryCount(geometry) {
                let ring = OGR_G_GetGeometryRef(geometry, r)
                rings.append((0..<OGR_G_GetPointCount(ring)).map { i in
                    VectorGeometry.Point(x: OGR_G_GetX(ring, i), y: OGR_G_GetY(ring, i))
                })
            }
            regions[value, default: []].append(rings)
        }
        return regions
    }
}
