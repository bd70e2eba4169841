import CGDAL
import Foundation

/// What a new raster holds: its grid, georeferencing and bands.
public struct RasterSpec: Sendable {
    public var width: Int
    public var height: Int
    public var bandCount: Int
    public var pixelType: PixelType
    public var geoTransform: GeoTransform?
    public var spatialReference: SpatialReference?
    public var nodata: Double?
    /// Band descriptions, as `gdalinfo` prints them and QGIS shows them (e.g. "RE2O3 content").
    public var bandDescriptions: [String]
    /// Band unit types (`GDALSetRasterUnitType`, e.g. "ppm"), one per band; empty strings and
    /// missing entries leave a band without one.
    public var unitTypes: [String] = []
    /// Band colour interpretations (e.g. blue, green, red for reflectance, so GIS programs draw a
    /// scene in true colour); missing entries leave GDAL's default.
    public var colorInterpretations: [ColorInterpretation] = []
    /// Default-domain dataset metadata.
    public var metadata: [(key: String, value: String)]
    /// The sensor model of an image in sensor geometry (GDAL's `RPC` domain: LINE_OFF, …), kept so
    /// that a product derived from an L1A scene can still be orthorectified.
    public var rpc: [(key: String, value: String)] = []

    public init(width: Int, height: Int, bandCount: Int, pixelType: PixelType,
                geoTransform: GeoTransform? = nil, spatialReference: SpatialReference? = nil,
                nodata: Double? = nil, bandDescriptions: [String] = [], metadata: [(key: String, value: String)] = []) {
        self.width = width
        self.height = height
        self.bandCount = bandCount
        self.pixelType = pixelType
        self.geoTransform = geoTransform
        self.spatialReference = spatialReference
        self.nodata = nodata
        self.bandDescriptions = bandDescriptions
        self.metadata = metadata
    }

    /// The grid of an existing raster (size, georeferencing) with other bands.
    public init(like raster: Raster, bandCount: Int, pixelType: PixelType, nodata: Double?,
                bandDescriptions: [String] = []) {
        self.init(width: raster.width, height: raster.height, bandCount: bandCount, pixelType: pixelType,
                  geoTransform: raster.geoTransform, spatialReference: raster.spatialReference,
                  nodata: nodata, bandDescriptions: bandDescriptions)
        rpc = raster.metadata(domain: "RPC")
    }
}

/// GeoTIFF creation options; the defaults are what Regolith writes everywhere.
public struct GeoTIFFOptions: Sendable {
    /// ZSTD by default; DEFLATE and LZW for readers built without ZSTD (older GDAL, ArcGIS, some
    /// viewers). Every one takes a predictor (3 for floating point).
    public enum Compression: String, Sendable { case zstd = "ZSTD", deflate = "DEFLATE", lzw = "LZW", none = "NONE" }

    public var tileSize: Int = 512
    public var compression: Compression = .zstd
    /// ZSTD level (GDAL's default is 9); lower is faster to write.
    public var zstdLevel: Int? = nil
    /// TIFF predictor: nil picks 3 (floating point) for float types and 2 (horizontal) for integers.
    public var predictor: Int? = nil
    public var bigTIFF: String = "IF_SAFER"
    /// Threads GDAL may use to compress blocks (`NUM_THREADS`); nil leaves GDAL's default.
    public var compressionThreads: Int? = nil
    /// Strips of `tileSize` rows with the bands of a pixel side by side, as satellite ground
    /// segments deliver images (read front to back, e.g. from inside a `.tar.gz`), instead of
    /// band-separate square tiles.
    public var pixelInterleavedStrips = false

    public init() {}

    func creationOptions(for type: PixelType) -> [(String, String)] {
        var options: [(String, String)] = pixelInterleavedStrips
            ? [("TILED", "NO"), ("BLOCKYSIZE", "\(tileSize)"), ("INTERLEAVE", "PIXEL")]
            : [("TILED", "YES"), ("BLOCKXSIZE", "\(tileSize)"), ("BLOCKYSIZE", "\(tileSize)"), ("INTERLEAVE", "BAND")]
        options += [("COMPRESS", compression.rawValue), ("BIGTIFF", bigTIFF)]
        if compression != .none {
            options.append(("PREDICTOR", "\(predictor ?? (type.isFloatingPoint ? 3 : 2))"))
        }
        if compression == .zstd, let zstdLevel { options.append(("ZSTD_LEVEL", "\(zstdLevel)")) }
        if let compressionThreads { options.append(("NUM_THREADS", "\(compressionThreads)")) }
        return options
    }
}

extension GeoTIFFOptions.Compression {
    /// The compressions a user may choose (`--compress`, `compress:`), by lower-case name.
    public static let userChoices: [Self] = [.zstd, .deflate, .lzw]
    public static var choices: String { userChoices.map(\.name).joined(separator: ", ") }
    public var name: String { rawValue.lowercased() }
    public init?(name: String) {
        guard let match = Self.userChoices.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }
}

/// A GeoTIFF being written. It is built under a temporary name and appears at its final path only
/// by `commit()`; dropped without a commit, the temporary file is removed, so a failed run never
/// leaves a partial file at the final path.
public final class GeoTIFFOutput {
    public let raster: Raster
    public let location: AtomicOutputPath
    private var finished = false
    /// When true, a failed or abandoned output keeps its temporary file, so a later run can resume it.
    public var keepsPartialOnFailure = false

    public var path: String { location.finalPath }

    public init(creating path: String, spec: RasterSpec, options: GeoTIFFOptions = GeoTIFFOptions()) throws {
        GDAL.ensureInitialized()
        guard spec.width > 0, spec.height > 0, spec.bandCount > 0 else {
            throw RasterError(path, .invalidArgument,
                              "cannot create a \(spec.width)×\(spec.height) raster with \(spec.bandCount) bands")
        }
        location = try AtomicOutputPath(path)
        location.discard()
        guard let driver = GDALGetDriverByName("GTiff") else {
            throw RasterError(path, .unsupported, "GDAL has no GTiff driver")
        }
        let options = GDALStringList(options: options.creationOptions(for: spec.pixelType))
        GDALFailure.reset()
        guard let handle = GDALCreate(driver, location.temporaryPath, Int32(spec.width), Int32(spec.height),
                                      Int32(spec.bandCount), spec.pixelType.gdal, options.pointer) else {
            throw RasterError.gdal(path, .notWritable, "cannot create the GeoTIFF")
        }
        do {
            try Self.describe(handle, spec: spec, path: path)
        } catch {
            GDALClose(handle)
            location.discard()
            throw error
        }
        do {
            raster = try Raster(path: location.temporaryPath, handle: handle)
        } catch {
            location.discard()
            throw error
        }
    }

    /// Reopens the temporary file a previous, interrupted run left for `path`, for update.
    /// Throws when there is none, or when it does not match `spec` (size, bands, type).
    public init(resuming path: String, spec: RasterSpec) throws {
        location = try AtomicOutputPath(path)
        guard FileManager.default.fileExists(atPath: location.temporaryPath) else {
            throw RasterError(path, .notFound, "no partial output \(location.temporaryPath) to resume")
        }
        let reopened = try Raster.open(location.temporaryPath, mode: .update)
        guard reopened.width == spec.width, reopened.height == spec.height, reopened.bandCount == spec.bandCount,
              reopened.bands.allSatisfy({ $0.pixelType == spec.pixelType }) else {
            throw RasterError(location.temporaryPath, .mismatch,
                              "partial output is \(reopened.width)×\(reopened.height)×\(reopened.bandCount) \(reopened.bands[0].pixelType.name), not the \(spec.width)×\(spec.height)×\(spec.bandCount) \(spec.pixelType.name) this run writes")
        }
        raster = reopened
        keepsPartialOnFailure = true
    }

    /// Writes every dirty block and the file's directory, so what was written so far survives a
    /// kill: the resume checkpoint.
    ///
    /// Twice, because GDAL 3.6's GTiff flush writes the directory before the block it still holds
    /// in its own buffer: after one flush, that block's byte count on disk is 0 (measured: the last
    /// tile before a kill -9 came back as nodata). The second flush rewrites the directory with it.
    public func flush() throws {
        GDALFailure.reset()
        GDALFlushCache(raster.handle)
        GDALFlushCache(raster.handle)
        if let message = GDALFailure.lastMessage {
            throw RasterError.writeFailure(path, message)
        }
    }

    private static func describe(_ handle: GDALDatasetH, spec: RasterSpec, path: String) throws {
        GDALFailure.reset()
        if var coefficients = spec.geoTransform?.coefficients, GDALSetGeoTransform(handle, &coefficients) != CE_None {
            throw RasterError.gdal(path, .ioFailure, "cannot set the geotransform")
        }
        if let srs = spec.spatialReference {
            let owned = try SRSHandle(definition: srs.wkt)
            guard GDALSetSpatialRef(handle, owned.handle) == CE_None else {
                throw RasterError.gdal(path, .ioFailure, "cannot set the CRS")
            }
        }
        for (key, value) in spec.metadata { GDALSetMetadataItem(handle, key, value, nil) }
        if !spec.rpc.isEmpty {
            let rpc = GDALStringList(options: spec.rpc)
            guard GDALSetMetadata(handle, rpc.pointer, "RPC") == CE_None else {
                throw RasterError.gdal(path, .ioFailure, "cannot set the RPC metadata")
            }
        }
        for number in 1...spec.bandCount {
            let band = GDALGetRasterBand(handle, Int32(number))
            if let nodata = spec.nodata, GDALSetRasterNoDataValue(band, nodata) != CE_None {
                throw RasterError.gdal(path, .ioFailure, "cannot set nodata \(nodata) on band \(number)")
            }
            if number <= spec.bandDescriptions.count {
                GDALSetDescription(band, spec.bandDescriptions[number - 1])
            }
            if number <= spec.unitTypes.count, !spec.unitTypes[number - 1].isEmpty,
               GDALSetRasterUnitType(band, spec.unitTypes[number - 1]) != CE_None {
                throw RasterError.gdal(path, .ioFailure, "cannot set unit type '\(spec.unitTypes[number - 1])' on band \(number)")
            }
            if number <= spec.colorInterpretations.count,
               GDALSetRasterColorInterpretation(band, spec.colorInterpretations[number - 1].gdal) != CE_None {
                throw RasterError.gdal(path, .ioFailure, "cannot set the colour interpretation of band \(number)")
            }
        }
    }

    /// Flushes and closes the file, then moves it to the final path. Reports write failures
    /// (a full disk, say) met while flushing, and then leaves nothing at the final path.
    public func commit() throws {
        precondition(!finished, "GeoTIFFOutput committed twice")
        finished = true
        do {
            try raster.close()
        } catch {
            if !keepsPartialOnFailure { location.discard() }
            throw RasterError(path, .ioFailure, (error as? RasterError)?.message ?? "\(error)")
        }
        try location.commit()
    }

    /// Abandons the output: nothing appears at the final path.
    public func discard() {
        finished = true
        location.discard()
    }

    deinit {
        if !finished && !keepsPartialOnFailure { location.discard() }
    }
}
