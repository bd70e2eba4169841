import CGDAL
import Foundation

/// One pixel grid for a region of many scenes: one CRS, square pixels, the origin on a multiple of
/// the pixel size (as `gdalwarp -tap` aligns each scene's grid), covering the union of the scenes'
/// extents. Scenes orthorectified with the same CRS and resolution (`Orthorectification`) lie on it
/// at whole-pixel offsets, so a region tile reads each scene's pixels without resampling them again.
public struct RegionGrid: Sendable, Equatable, CustomStringConvertible {
    public let crs: SpatialReference
    /// Pixel size in the CRS's units.
    public let resolution: Double
    public let width: Int
    public let height: Int
    public let geoTransform: GeoTransform

    /// The smallest aligned grid holding every extent (each in `crs`).
    public init(covering extents: [MapExtent], crs: SpatialReference, resolution: Double) throws {
        guard let first = extents.first else {
            throw RasterError("region grid", .invalidArgument, "needs at least one extent to cover")
        }
        guard resolution > 0, resolution.isFinite else {
            throw RasterError("region grid", .invalidArgument, "the pixel size must be positive, not \(resolution)")
        }
        let union = extents.dropFirst().reduce(first) {
            MapExtent(minX: min($0.minX, $1.minX), minY: min($0.minY, $1.minY), maxX: max($0.maxX, $1.maxX), maxY: max($0.maxY, $1.maxY))
        }
        // Snapped outward, with a tolerance for extents that are already aligned but carry rounding.
        func snapDown(_ value: Double) -> Double { (value / resolution + 1e-9).rounded(.down) * resolution }
        func snapUp(_ value: Double) -> Double { (value / resolution - 1e-9).rounded(.up) * resolution }
        let (minX, maxY) = (snapDown(union.minX), snapUp(union.maxY))
        let columns = Int(((snapUp(union.maxX) - minX) / resolution).rounded())
        let rows = Int(((maxY - snapDown(union.minY)) / resolution).rounded())
        guard columns >= 1, rows >= 1, columns * rows <= Raster.largestPixelCount else {
            throw RasterError("region grid", .unsupported, "a region of \(columns) × \(rows) pixels is more than Regolith reads (at most \(Raster.largestPixelCount) pixels)")
        }
        self.crs = crs
        self.resolution = resolution
        width = columns
        height = rows
        geoTransform = GeoTransform(originX: minX, originY: maxY, pixelWidth: resolution, pixelHeight: -resolution)
    }

    public var extent: MapExtent { geoTransform.extent(width: width, height: height) }

    /// Where a raster on an aligned grid of the same CRS and resolution lies on this one; nil when
    /// its grid is not aligned with this one (another resolution, or an origin off the pixel lattice).
    public func window(of other: GeoTransform, width otherWidth: Int, height otherHeight: Int) -> Window? {
        guard other.isNorthUp, abs(other.pixelWidth - resolution) <= 1e-9 * resolution,
              abs(other.pixelHeight + resolution) <= 1e-9 * resolution else { return nil }
        let column = (other.originX - geoTransform.originX) / resolution
        let row = (geoTransform.originY - other.originY) / resolution
        guard abs(column - column.rounded()) <= 1e-6, abs(row - row.rounded()) <= 1e-6 else { return nil }
        return Window(x: Int(column.rounded()), y: Int(row.rounded()), width: otherWidth, height: otherHeight)
    }

    /// "1234 × 567 pixels of 4 m on WGS 84 / UTM zone 48N (EPSG:32648), top-left corner (728320, 2485540)".
    public var description: String {
        let unit = crs.unitName == "metre" ? "m" : crs.unitName
        return String(format: "%d × %d pixels of %@ %@ on %@, top-left corner (%.3f, %.3f)", width, height,
                      resolution == resolution.rounded() ? String(Int(resolution)) : "\(resolution)", unit, crs.description,
                      geoTransform.originX, geoTransform.originY)
    }

    /// The grid as a raster without pixels (an in-memory VRT with one empty band), for the engine's
    /// kernels that only need a grid to write onto. `path` names it in messages.
    public func rasterSource(path: String, derivation: String, metadata: [(key: String, value: String)],
                             auxiliaryFiles: [(role: String, path: String)]) -> RasterSource {
        let grid = self
        return RasterSource(path: path, derivation: derivation, metadata: metadata, auxiliaryFiles: auxiliaryFiles) {
            try grid.emptyRaster(path: path)
        }
    }

    private func emptyRaster(path: String) throws -> Raster {
        GDAL.ensureInitialized()
        GDALFailure.reset()
        guard let dataset = VRTCreate(Int32(width), Int32(height)) else {
            throw RasterError.gdal(path, .unsupported, "cannot make the region's grid")
        }
        var coefficients = geoTransform.coefficients
        GDALSetGeoTransform(dataset, &coefficients)
        GDALSetProjection(dataset, crs.wkt)
        guard VRTAddBand(dataset, GDT_Byte, nil) == CE_None.rawValue else {
            GDALClose(dataset)
            throw RasterError.gdal(path, .unsupported, "cannot make the region's grid")
        }
        return try Raster(path: path, handle: dataset)
    }
}
