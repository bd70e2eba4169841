import CGDAL

/// A raster's size as its header gives it, without what `Raster.open` also does (georeferencing,
/// band metadata, the truncation check that walks every block): for planning over hundreds of
/// scenes in well under a second. The scenes are opened fully when they are processed.
public struct RasterHeader: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bandCount: Int

    /// Reads the header of `path`; the same one-line errors as `Raster.open` for a missing,
    /// unreadable or non-raster file.
    public init(path: String) throws {
        let handle = try Raster.openDataset(path, mode: .readOnly)
        defer { GDALClose(handle) }
        width = Int(GDALGetRasterXSize(handle))
        height = Int(GDALGetRasterYSize(handle))
        bandCount = Int(GDALGetRasterCount(handle))
        guard bandCount > 0 else { throw RasterError(path, .notRaster, "has no raster bands") }
    }
}
