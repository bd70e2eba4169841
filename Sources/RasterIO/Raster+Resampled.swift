import Foundation
import CGDAL

extension Raster {
    /// Reads one band of the whole raster resampled to `width × height` (GDAL's averaging, using
    /// overviews when the file has them): a quick-look without reading every pixel into memory.
    /// Nodata pixels are left out of the averages. `nearest` picks one pixel instead (for labels).
    public func readResampled(band: Int = 1, width: Int, height: Int, nearest: Bool = false) throws -> [Float] {
        guard (1...bandCount).contains(band) else {
            throw RasterError(path, .invalidArgument, "has \(bandCount) band(s), no band \(band)")
        }
        guard width > 0, height > 0 else {
            throw RasterError(path, .invalidArgument, "cannot resample to \(width)×\(height)")
        }
        var values = [Float](repeating: 0, count: width * height)
        var extra = GDALRasterIOExtraArg()
        extra.nVersion = 1
        extra.eResampleAlg = nearest ? GRIORA_NearestNeighbour : GRIORA_Average
        GDALFailure.reset()
        let status = values.withUnsafeMutableBytes { buffer in
            GDALRasterIOEx(GDALGetRasterBand(handle, Int32(band)), GF_Read, 0, 0, Int32(self.width), Int32(self.height),
                           buffer.baseAddress, Int32(width), Int32(height), GDT_Float32, 0, 0, &extra)
        }
        guard status == CE_None else { throw RasterError.gdal(path, .unreadable, "resampled read failed") }
        return values
    }
}

/// Writes 8-bit RGBA pixels as a PNG (through GDAL's PNG driver), atomically.
public enum PNGImage {
    public static func write(rgba: [UInt8], width: Int, height: Int, to path: String) throws {
        precondition(rgba.count == width * height * 4, "RGBA needs four bytes a pixel")
        GDAL.ensureInitialized()
        guard let memory = GDALGetDriverByName("MEM"), let png = GDALGetDriverByName("PNG") else {
            throw RasterError(path, .unsupported, "GDAL has no MEM or PNG driver")
        }
        guard let image = GDALCreate(memory, "", Int32(width), Int32(height), 4, GDT_Byte, nil) else {
            throw RasterError.gdal(path, .ioFailure, "cannot create the image in memory")
        }
        defer { GDALClose(image) }
        var bandMap: [Int32] = [1, 2, 3, 4]
        let status = rgba.withUnsafeBytes { bytes in
            GDALDatasetRasterIO(image, GF_Write, 0, 0, Int32(width), Int32(height), UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                Int32(width), Int32(height), GDT_Byte, 4, &bandMap, 4, Int32(4 * width), 1)
        }
        guard status == CE_None else { throw RasterError.gdal(path, .ioFailure, "cannot fill the image") }
        for (band, interpretation) in [GCI_RedBand, GCI_GreenBand, GCI_BlueBand, GCI_AlphaBand].enumerated() {
            GDALSetRasterColorInterpretation(GDALGetRasterBand(image, Int32(band + 1)), interpretation)
        }
        let location = try AtomicOutputPath(path)
        location.discard()
        GDALFailure.reset()
        guard let written = GDALCreateCopy(png, location.temporaryPath, image, 0, nil, nil, nil) else {
            location.discard()
            throw RasterError.gdal(path, .notWritable, "cannot write the PNG")
        }
        GDALClose(written)
        // GDAL's PNG driver writes a .aux.xml beside the file for metadata PNG cannot hold.
        try? FileManager.default.removeItem(atPath: location.temporaryPath + ".aux.xml")
        try location.commit()
    }
}
