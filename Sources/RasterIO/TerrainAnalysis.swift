import CGDAL

/// Terrain derivatives of a DEM window by GDAL's DEM processing (`gdaldem slope|aspect|TRI|TPI|roughness`
/// with its defaults: Horn's slope in degrees, aspect in degrees from north, TRI by Riley): the
/// window goes into an in-memory dataset with the DEM's pixel size and `GDALDEMProcessing` computes
/// it. As gdaldem does, a pixel gets nodata (NaN here) when any of its 3×3 neighbours is nodata or
/// outside the window, so a window grown by `halo` pixels gives its core exactly what one gdaldem
/// call over the whole DEM gives.
public enum TerrainAnalysis {
    /// gdaldem's processing modes this offers, by the feature names Regolith gives them.
    public static let processing: [String: String] = ["slope": "slope", "aspect": "aspect", "tri": "TRI", "tpi": "TPI", "roughness": "roughness"]

    /// Neighbours each derivative needs on each side.
    public static let halo = 1

    /// The derivatives `names` (keys of `processing`) of the `width × height` heights (row-major;
    /// NaN is nodata) on a grid of `pixelWidth × pixelHeight` (GDAL's signs: pixelHeight is negative
    /// for north-up), each `width × height` values with NaN for nodata.
    public static func derivatives(_ names: [String], heights: UnsafeBufferPointer<Float>, width: Int, height: Int,
                                   pixelWidth: Double, pixelHeight: Double) throws -> [[Float]] {
        precondition(heights.count >= width * height, "the heights cover the window")
        GDAL.ensureInitialized()
        guard let memory = GDALGetDriverByName("MEM"), let dem = GDALCreate(memory, "", Int32(width), Int32(height), 1, GDT_Float32, nil) else {
            throw RasterError("DEM window", .unsupported, "GDAL has no MEM driver")
        }
        defer { GDALClose(dem) }
        var transform = [0, pixelWidth, 0, 0, 0, pixelHeight]
        GDALSetGeoTransform(dem, &transform)
        let band = GDALGetRasterBand(dem, 1)
        // A finite stand-in for NaN: gdaldem compares heights with the nodata value.
        let nodata: Float = -3.0e38
        GDALSetRasterNoDataValue(band, Double(nodata))
        var values = (0..<(width * height)).map { heights[$0].isNaN ? nodata : heights[$0] }
        GDALFailure.reset()
        guard GDALRasterIO(band, GF_Write, 0, 0, Int32(width), Int32(height), &values, Int32(width), Int32(height), GDT_Float32, 0, 0) == CE_None else {
            throw RasterError.gdal("DEM window", .ioFailure, "cannot fill the in-memory DEM")
        }
        let argv = GDALStringList(["-of", "MEM"])
        guard let options = GDALDEMProcessingOptionsNew(argv.pointer, nil) else {
            throw RasterError.gdal("DEM window", .invalidArgument, "gdaldem refuses -of MEM")
        }
        defer { GDALDEMProcessingOptionsFree(options) }
        return try names.map { name in
            guard let mode = processing[name] else {
                throw RasterError("DEM window", .invalidArgument, "no terrain derivative '\(name)' (\(processing.keys.sorted().joined(separator: ", ")))")
            }
            var usageError: Int32 = 0
            GDALFailure.reset()
            guard let output = GDALDEMProcessing("", dem, mode, nil, options, &usageError) else {
                throw RasterError.gdal("DEM window", .unsupported, "gdaldem \(mode) failed")
            }
            defer { GDALClose(output) }
            let outBand = GDALGetRasterBand(output, 1)
            var hasNodata: Int32 = 0
            let outNodata = Float(GDALGetRasterNoDataValue(outBand, &hasNodata))
            var result = [Float](repeating: 0, count: width * height)
            guard GDALRasterIO(outBand, GF_Read, 0, 0, Int32(width), Int32(height), &result, Int32(width), Int32(height), GDT_Float32, 0, 0) == CE_None else {
                throw RasterError.gdal("DEM window", .unreadable, "cannot read gdaldem \(mode)'s result")
            }
            if hasNodata != 0 { for i in result.indices where result[i] == outNodata { result[i] = .nan } }
            return result
        }
    }
}
