import CGDAL
import Foundation

/// Options for a Cloud Optimized GeoTIFF (GDAL's COG driver).
public struct COGOptions: Sendable {
    public var blockSize: Int = 512
    public var compression: GeoTIFFOptions.Compression = .zstd
    /// Resampling for overviews: AVERAGE suits continuous maps such as content rasters.
    public var overviewResampling: String = "AVERAGE"
    public var threads: Int? = nil

    public init() {}
}

/// Whole-raster copies made by GDAL's utilities: COG conversion and VRT mosaics.
public enum RasterCopies {
    /// Copies `source` to a COG at `path` (tiled, ZSTD, predictor, overviews), atomically.
    public static func writeCOG(from source: String, to path: String, options: COGOptions = COGOptions()) throws {
        let input = try Raster.open(source)
        let floating = input.bands.contains { $0.pixelType.isFloatingPoint }
        var arguments = [
            "-of", "COG", "-co", "BLOCKSIZE=\(options.blockSize)", "-co", "COMPRESS=\(options.compression.rawValue)",
            "-co", "BIGTIFF=IF_SAFER", "-co", "OVERVIEWS=IGNORE_EXISTING",
            "-co", "RESAMPLING=\(options.overviewResampling)",
        ]
        if options.compression != .none {
            arguments += ["-co", "PREDICTOR=\(floating ? "FLOATING_POINT" : "STANDARD")"]
        }
        if let threads = options.threads { arguments += ["-co", "NUM_THREADS=\(threads)"] }
        let parsed = GDALStringList(arguments)
        guard let translateOptions = GDALTranslateOptionsNew(parsed.pointer, nil) else {
            throw RasterError.gdal(path, .invalidArgument, "invalid COG options")
        }
        defer { GDALTranslateOptionsFree(translateOptions) }
        try produce(path, failure: "cannot write the COG from \(source)") { temporaryPath, usageError in
            GDALTranslate(temporaryPath, input.handle, translateOptions, &usageError)
        }
    }

    /// Builds a VRT mosaic of `sources` at `path`. All sources must share band count, data type and
    /// CRS (GDAL's own builder would silently skip mismatched ones); `nodata` becomes both the
    /// sources' and the mosaic's nodata, so overlaps show the first valid pixel.
    public static func buildVRT(from sources: [String], to path: String, nodata: Double? = nil) throws {
        guard let first = sources.first else {
            throw RasterError(path, .invalidArgument, "a mosaic needs at least one raster")
        }
        let reference = try Raster.open(first)
        for source in sources.dropFirst() {
            let raster = try Raster.open(source)
            if raster.bandCount != reference.bandCount {
                throw RasterError(source, .mismatch,
                                  "has \(raster.bandCount) band(s) but \(first) has \(reference.bandCount); a mosaic needs the same bands")
            }
            if raster.bands[0].pixelType != reference.bands[0].pixelType {
                throw RasterError(source, .mismatch,
                                  "is \(raster.bands[0].pixelType.name) but \(first) is \(reference.bands[0].pixelType.name)")
            }
            switch (raster.spatialReference, reference.spatialReference) {
            case let (a?, b?) where a.isSame(as: b): break
            case (nil, nil): break
            case let (a, b):
                throw RasterError(source, .mismatch,
                                  "CRS \(a?.description ?? "none") differs from \(first)'s \(b?.description ?? "none")")
            }
        }
        var arguments: [String] = []
        let value = nodata ?? reference.bands[0].nodata
        if let value {
            arguments += ["-srcnodata", "\(value)", "-vrtnodata", "\(value)"]
        }
        let parsed = GDALStringList(arguments)
        guard let vrtOptions = GDALBuildVRTOptionsNew(parsed.pointer, nil) else {
            throw RasterError.gdal(path, .invalidArgument, "invalid VRT options")
        }
        defer { GDALBuildVRTOptionsFree(vrtOptions) }
        let names = GDALStringList(sources)
        let constNames = names.pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
        // GDAL's builder drops band descriptions and unit types: the mosaic takes the first source's.
        try produce(path, failure: "cannot build the VRT mosaic", finish: { copyBandLabels(from: reference, to: $0) }) { temporaryPath, usageError in
            GDALBuildVRT(temporaryPath, Int32(sources.count), nil, constNames, vrtOptions, &usageError)
        }
    }

    /// Gives `handle`'s bands the description, unit type and colour interpretation of `source`'s.
    private static func copyBandLabels(from source: Raster, to handle: GDALDatasetH) {
        for band in source.bands where Int(band.number) <= Int(GDALGetRasterCount(handle)) {
            let target = GDALGetRasterBand(handle, Int32(band.number))
            if !band.description.isEmpty { GDALSetDescription(target, band.description) }
            if !band.unitType.isEmpty { GDALSetRasterUnitType(target, band.unitType) }
            GDALSetRasterColorInterpretation(target, band.colorInterpretation.gdal)
        }
    }

    /// Runs a GDAL utility that writes `path`'s temporary sibling, then closes the result (reporting
    /// write failures) and moves it into place; on any failure nothing is left at either path.
    /// `finish` amends the result before it is closed.
    /// A VRT view of `source` on `grid`'s pixel grid (its extent and pixel size; the same CRS), nearest
    /// neighbour, `nodata` outside `source` — e.g. a synthetic world's truth on the larger grid of its
    /// orthorectified L1A product. On the same lattice the pixels are the source's, unresampled.
    public static func buildVRT(of source: String, onGridOf grid: Raster, to path: String, nodata: Double) throws {
        let raster = try Raster.open(source)
        guard let transform = grid.geoTransform, transform.isNorthUp else {
            throw RasterError(grid.path, .invalidArgument, "has no north-up georeferencing to put \(source) on")
        }
        switch (raster.spatialReference, grid.spatialReference) {
        case let (a?, b?) where a.isSame(as: b): break
        case let (a, b):
            throw RasterError(source, .mismatch, "CRS \(a?.description ?? "none") differs from \(grid.path)'s \(b?.description ?? "none")")
        }
        let extent = transform.extent(width: grid.width, height: grid.height)
        let arguments = ["-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
                         "-tr", "\(abs(transform.pixelWidth))", "\(abs(transform.pixelHeight))", "-r", "nearest", "-vrtnodata", "\(nodata)"]
        let parsed = GDALStringList(arguments)
        guard let vrtOptions = GDALBuildVRTOptionsNew(parsed.pointer, nil) else {
            throw RasterError.gdal(path, .invalidArgument, "invalid VRT options")
        }
        defer { GDALBuildVRTOptionsFree(vrtOptions) }
        let names = GDALStringList([source])
        let constNames = names.pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
        try produce(path, failure: "cannot put \(source) on the grid of \(grid.path)", finish: { copyBandLabels(from: raster, to: $0) }) { temporaryPath, usageError in
            GDALBuildVRT(temporaryPath, 1, nil, constNames, vrtOptions, &usageError)
        }
    }

    private static func produce(_ path: String, failure: String, finish: (GDALDatasetH) -> Void = { _ in },
                                _ utility: (String, inout Int32) -> GDALDatasetH?) throws {
        let location = try AtomicOutputPath(path)
        location.discard()
        GDALFailure.reset()
        var usageError: Int32 = 0
        guard let handle = utility(location.temporaryPath, &usageError) else {
            location.discard()
            throw RasterError.gdal(path, .ioFailure, failure)
        }
        finish(handle)
        GDALFailure.reset()
        GDALClose(handle)
        if let message = GDALFailure.lastMessage {
            location.discard()
            throw RasterError.writeFailure(location.finalPath, message)
        }
        try location.commit()
    }
}
