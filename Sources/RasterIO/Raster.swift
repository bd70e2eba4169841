import CGDAL
import Foundation

/// What a band is: its type, nodata value, GDAL block shape and description.
public struct BandInfo: Hashable, Sendable {
    /// GDAL band number, 1-based (as in `gdal_translate -b 2`).
    public let number: Int
    public let pixelType: PixelType
    public let nodata: Double?
    public let blockWidth: Int
    public let blockHeight: Int
    public let description: String
    public let overviewCount: Int
    /// The unit of the values (`GDALGetRasterUnitType`), empty when none is set.
    public let unitType: String
    public let colorInterpretation: ColorInterpretation
}

/// An open GDAL raster dataset.
///
/// Not `Sendable`: a GDAL dataset handle used from two threads returns silently wrong pixels or
/// crashes (measured on ZSTD input). Threads get their own handle from a `RasterReaderPool`.
public final class Raster {
    public enum Access: Sendable { case readOnly, update }

    public let path: String
    public let width: Int
    public let height: Int
    public let bands: [BandInfo]
    public let driverName: String
    public let geoTransform: GeoTransform?
    public let spatialReference: SpatialReference?
    private var openHandle: GDALDatasetH?
    /// Datasets this one reads from and does not own (a warped VRT's source), released after it.
    private var dependencies: [GDALDatasetH] = []
    /// Rasters this one reads through their bands (a pan-sharpened view's inputs), kept open while it is.
    private var sourceRasters: [Raster] = []

    /// The GDAL handle; using a closed dataset is a programming error.
    var handle: GDALDatasetH {
        guard let openHandle else { preconditionFailure("\(path) used after it was closed") }
        return openHandle
    }

    public var bandCount: Int { bands.count }
    public var fullWindow: Window { Window(width: width, height: height) }

    /// Opens a raster, with one-line errors for a missing, unreadable, non-raster or truncated file.
    public static func open(_ path: String, mode: Access = .readOnly) throws -> Raster {
        let raster = try Raster(path: path, handle: try openDataset(path, mode: mode))
        if raster.driverName == "GTiff" || raster.driverName == "COG" {
            try raster.verifyTIFFBlocksInsideFile()
        }
        return raster
    }

    /// GDAL's handle for `path`, with one-line errors for a missing, unreadable or non-raster file.
    static func openDataset(_ path: String, mode: Access) throws -> GDALDatasetH {
        GDAL.ensureInitialized()
        var isDirectory: ObjCBool = false
        let isVSI = path.hasPrefix("/vsi")
        if !isVSI {
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RasterError(path, .notFound, "no such file")
            }
            guard !isDirectory.boolValue || path.hasSuffix(".gdb") else {
                throw RasterError(path, .notRaster, "is a directory, not a raster file")
            }
            guard access(path, R_OK) == 0 else {
                throw RasterError(path, .unreadable, "not readable (permission denied)")
            }
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
                throw RasterError(path, .notRaster, "empty file (0 bytes), not a raster")
            }
        }
        let flags = UInt32(GDAL_OF_RASTER) | UInt32(mode == .update ? GDAL_OF_UPDATE : GDAL_OF_READONLY)
            | UInt32(GDAL_OF_VERBOSE_ERROR)
        // Drivers that probe a file and reject it warn on the way ("no X column" from XYZ for a
        // CSV); those warnings are noise next to the one-line error, so opening is quiet.
        GDALFailure.reset()
        CPLPushErrorHandler(CPLQuietErrorHandler)
        let opened = GDALOpenEx(path, flags, nil, nil, nil)
        CPLPopErrorHandler()
        guard let handle = opened else {
            let detail = GDALFailure.lastMessage ?? ""
            if detail.isEmpty || detail.contains("not recognized as a supported file format") {
                throw RasterError(path, .notRaster, "not a raster format GDAL can read")
            }
            throw RasterError(path, .notRaster, "not a raster GDAL can read: \(detail)")
        }
        // A header may claim any size up to 2³¹ × 2³¹ (a VRT costs nothing); tile lists, histograms
        // and pixel counts of such a raster overflow or exhaust memory.
        let (width, height) = (Int(GDALGetRasterXSize(handle)), Int(GDALGetRasterYSize(handle)))
        guard width >= 1, height >= 1, width * height <= largestPixelCount else {
            GDALClose(handle)
            throw RasterError(path, .unsupported, "is \(width) × \(height) pixels; Regolith reads rasters of at most \(largestPixelCount) pixels (\(largestPixelCount >> 30) Gpixel), split it into scenes")
        }
        return handle
    }

    /// The most pixels a raster Regolith reads may have: 2³⁶, e.g. 262,144 × 262,144 (a GF-2 scene
    /// has 5·10⁷, a province mosaic of 4 m pixels about 10¹⁰).
    public static let largestPixelCount = 1 << 36

    init(path: String, handle: GDALDatasetH) throws {
        self.path = path
        self.openHandle = handle
        width = Int(GDALGetRasterXSize(handle))
        height = Int(GDALGetRasterYSize(handle))
        driverName = GDALGetDriverShortName(GDALGetDatasetDriver(handle)).map { String(cString: $0) } ?? "?"
        var coefficients = [Double](repeating: 0, count: 6)
        geoTransform = GDALGetGeoTransform(handle, &coefficients) == CE_None ? GeoTransform(coefficients) : nil
        if let srs = GDALGetSpatialRef(handle) {
            let owned = SRSHandle(cloning: srs)
            spatialReference = (try? owned.exportWKT(path)).map { SpatialReference(trustedWKT: $0) }
        } else {
            spatialReference = nil
        }
        let count = Int(GDALGetRasterCount(handle))
        guard count > 0 else {
            GDALClose(handle)
            throw RasterError(path, .notRaster, "has no raster bands")
        }
        var bands: [BandInfo] = []
        for number in 1...count {
            let band = GDALGetRasterBand(handle, Int32(number))!
            let gdalType = GDALGetRasterDataType(band)
            guard let type = PixelType(gdal: gdalType) else {
                GDALClose(handle)
                let name = GDALGetDataTypeName(gdalType).map { String(cString: $0) } ?? "unknown"
                throw RasterError(path, .unsupported, "band \(number) has data type \(name), which Regolith does not handle")
            }
            var hasNodata: Int32 = 0
            let nodata = GDALGetRasterNoDataValue(band, &hasNodata)
            var blockWidth: Int32 = 0, blockHeight: Int32 = 0
            GDALGetBlockSize(band, &blockWidth, &blockHeight)
            bands.append(BandInfo(
                number: number, pixelType: type, nodata: hasNodata != 0 ? nodata : nil,
                blockWidth: Int(blockWidth), blockHeight: Int(blockHeight),
                description: GDALGetDescription(band).map { String(cString: $0) } ?? "",
                overviewCount: Int(GDALGetOverviewCount(band)),
                unitType: GDALGetRasterUnitType(band).map { String(cString: $0) } ?? "",
                colorInterpretation: ColorInterpretation(GDALGetRasterColorInterpretation(band))))
        }
        self.bands = bands
    }

    /// A dataset GDAL computes from `dependencies` (a warped VRT over its source), which are
    /// released when it closes.
    convenience init(path: String, handle: GDALDatasetH, dependencies: [GDALDatasetH]) throws {
        do {
            try self.init(path: path, handle: handle)
        } catch {
            dependencies.forEach { _ = GDALReleaseDataset($0) }
            throw error
        }
        self.dependencies = dependencies
    }

    /// A dataset GDAL computes from the bands of `sources` (a pan-sharpened VRT), which stay open
    /// until it closes.
    convenience init(path: String, handle: GDALDatasetH, sources: [Raster]) throws {
        try self.init(path: path, handle: handle)
        sourceRasters = sources
    }

    deinit {
        if let openHandle { GDALClose(openHandle) }
        dependencies.forEach { _ = GDALReleaseDataset($0) }
    }

    /// Closes the dataset now, flushing pending writes; reports a write failure GDAL met while
    /// flushing (GDAL 3.6's `GDALClose` returns nothing, so its last error is the only signal).
    func close() throws {
        guard let openHandle else { return }
        self.openHandle = nil
        GDALFailure.reset()
        GDALClose(openHandle)
        if let message = GDALFailure.lastMessage {
            throw RasterError.writeFailure(path, message)
        }
    }

    /// The block shape of band 1; windows that are multiples of it read whole blocks.
    public var blockSize: (width: Int, height: Int) { (bands[0].blockWidth, bands[0].blockHeight) }

    /// The names of the metadata domains ("" is the default domain), e.g. `IMAGE_STRUCTURE`.
    public var metadataDomains: [String] {
        guard let list = GDALGetMetadataDomainList(handle) else { return [] }
        defer { CSLDestroy(list) }
        return stringList(list)
    }

    /// Key/value metadata of a domain, in file order.
    public func metadata(domain: String = "") -> [(key: String, value: String)] {
        guard let list = GDALGetMetadata(handle, domain) else { return [] }
        return stringList(list).map { item in
            guard let eq = item.firstIndex(of: "=") else { return (key: item, value: "") }
            return (key: String(item[..<eq]), value: String(item[item.index(after: eq)...]))
        }
    }

    public func metadataItem(_ key: String, domain: String = "") -> String? {
        GDALGetMetadataItem(handle, key, domain).map { String(cString: $0) }
    }

    /// The compression named in the `IMAGE_STRUCTURE` domain (e.g. "ZSTD"), if any.
    public var compression: String? { metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") }

    /// Extent in the raster's CRS, when it is georeferenced.
    public var extent: MapExtent? { geoTransform?.extent(width: width, height: height) }

    /// A truncated GeoTIFF often opens (its directory is intact) and fails on the first missing
    /// block. Compare the block table with the file size so the failure comes at open, naming it.
    private func verifyTIFFBlocksInsideFile() throws {
        // stat follows a symbolic link (a scene list of links is common); the link's own size is not the file's.
        var status = stat()
        guard !path.hasPrefix("/vsi"), stat(path, &status) == 0 else { return }
        let size = Int(status.st_size)
        let (bw, bh) = blockSize
        guard bw > 0, bh > 0 else { return }
        let columns = (width + bw - 1) / bw, rows = (height + bh - 1) / bh
        // Pixel-interleaved files keep all bands in band 1's blocks.
        let interleave = metadataItem("INTERLEAVE", domain: "IMAGE_STRUCTURE")
        let checkedBands = interleave == "BAND" ? bands.count : 1
        for number in 1...checkedBands {
            let band = GDALGetRasterBand(handle, Int32(number))
            for row in 0..<rows {
                for column in 0..<columns {
                    guard let offsetText = GDALGetMetadataItem(band, "BLOCK_OFFSET_\(column)_\(row)", "TIFF"),
                          let countText = GDALGetMetadataItem(band, "BLOCK_SIZE_\(column)_\(row)", "TIFF"),
                          let offset = Int(String(cString: offsetText)), let count = Int(String(cString: countText))
                    else { continue }
                    if offset > 0 && offset + count > size {
                        throw RasterError(path, .truncated,
                                          "truncated: block \(column),\(row) of band \(number) needs bytes up to \(offset + count) but the file has \(size)")
                    }
                }
            }
        }
    }
}

func stringList(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> [String] {
    var result: [String] = []
    var index = 0
    while let item = list[index] {
        result.append(String(cString: item))
        index += 1
    }
    return result
}

/// A GDAL string list (`char **`) built from Swift strings, freed on deinit.
final class GDALStringList {
    private(set) var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    init(_ items: [String] = []) {
        for item in items { pointer = CSLAddString(pointer, item) }
    }

    init(options: [(String, String)]) {
        for (key, value) in options { pointer = CSLSetNameValue(pointer, key, value) }
    }

    deinit { CSLDestroy(pointer) }
}
