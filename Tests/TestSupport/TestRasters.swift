import Foundation
import RasterIO

/// Small real GeoTIFFs with known contents, written through RasterIO.
public enum TestRasters {
    /// A UTM 48N grid at 4 m near the paper's study area (107.22°E, 22.46°N).
    public static let utm48N = try! SpatialReference("EPSG:32648")
    public static let studyAreaOrigin = GeoTransform(originX: 727_000, originY: 2_486_000, pixelWidth: 4, pixelHeight: 4)

    /// A value that identifies band, column and row, so misplaced pixels show up.
    public static func value(band: Int, x: Int, y: Int) -> Double {
        Double((band * 7919 + x * 31 + y * 17) % 1000)
    }

    /// Writes a `width` × `height` raster of `type` filled with `value(band:x:y:)`.
    @discardableResult
    public static func write(
        _ path: String, width: Int, height: Int, bands: Int, type: PixelType = .uint16,
        nodata: Double? = nil, tileSize: Int = 256, compression: GeoTIFFOptions.Compression = .zstd,
        spatialReference: SpatialReference? = utm48N, geoTransform: GeoTransform? = studyAreaOrigin,
        descriptions: [String] = []
    ) throws -> String {
        var options = GeoTIFFOptions()
        options.tileSize = tileSize
        options.compression = compression
        let spec = RasterSpec(width: width, height: height, bandCount: bands, pixelType: type,
                              geoTransform: geoTransform, spatialReference: spatialReference,
                              nodata: nodata, bandDescriptions: descriptions)
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: options)
        let values = expected(width: width, height: height, bands: Array(1...bands), window: Window(width: width, height: height))
        try output.raster.write(Window(width: width, height: height), from: values)
        try output.commit()
        return path
    }

    /// The band-sequential values `write` put into `window` of `bands`.
    public static func expected(width: Int, height: Int, bands: [Int], window: Window) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(window.pixelCount * bands.count)
        for band in bands {
            for y in window.y..<window.maxY {
                for x in window.x..<window.maxX { values.append(value(band: band, x: x, y: y)) }
            }
        }
        return values
    }
}
