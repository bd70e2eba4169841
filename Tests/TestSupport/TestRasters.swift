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

    /// Writes a larger UInt16 test scene strip by strip (bounded memory), with `value(band:x:y:)`
    /// and nodata 0 on every pixel where `(x + 3y) % nodataEvery == 0`.
    @discardableResult
    public static func writeScene(_ path: String, width: Int, height: Int, bands: Int = 4, nodataEvery: Int = 97,
                                  tileSize: Int = 256, geoTransform: GeoTransform = studyAreaOrigin,
                                  spatialReference: SpatialReference = utm48N) throws -> String {
        var options = GeoTIFFOptions()
        options.tileSize = tileSize
        let spec = RasterSpec(width: width, height: height, bandCount: bands, pixelType: .uint16,
                              geoTransform: geoTransform, spatialReference: spatialReference, nodata: 0)
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: options)
        for strip in Window(width: width, height: height).tiles(width: width, height: tileSize) {
            try output.raster.write(strip, from: sceneValues(strip, bands: bands, nodataEvery: nodataEvery))
        }
        try output.commit()
        return path
    }

    /// The band-sequential UInt16 values of `writeScene` in a full-width `strip`.
    static func sceneValues(_ strip: Window, bands: Int, nodataEvery: Int) -> [UInt16] {
        var values = [UInt16](repeating: 0, count: strip.pixelCount * bands)
        values.withUnsafeMutableBufferPointer { values in
            for band in 0..<bands {
                for row in 0..<strip.height {
                    let y = strip.y + row
                    for x in 0..<strip.width where (x + 3 * y) % nodataEvery != 0 {
                        values[band * strip.pixelCount + row * strip.width + x] = UInt16(1 + (band * 7919 + x * 31 + y * 17) % 1000)
                    }
                }
            }
        }
        return values
    }
}

extension TestRasters {
    /// Writes a large UInt16 scene quickly: the first strip of `writeScene`'s values computed once
    /// and written for every strip, so a scene of hundreds of MiB decoded takes seconds to make, in
    /// bounded memory.
    @discardableResult
    public static func writeRepeatedScene(_ path: String, width: Int, height: Int, bands: Int = 4, stripHeight: Int = 256) throws -> String {
        var options = GeoTIFFOptions()
        options.tileSize = 256
        let spec = RasterSpec(width: width, height: height, bandCount: bands, pixelType: .uint16,
                              geoTransform: studyAreaOrigin, spatialReference: utm48N, nodata: 0)
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: options)
        let stripPixels = width * stripHeight
        let strip = sceneValues(Window(width: width, height: stripHeight), bands: bands, nodataEvery: 97)
        for window in Window(width: width, height: height).tiles(width: width, height: stripHeight) {
            if window.height == stripHeight {
                try output.raster.write(window, from: strip)
            } else {
                var part: [UInt16] = []
                for band in 0..<bands { part += strip[(band * stripPixels)..<(band * stripPixels + window.pixelCount)] }
                try output.raster.write(window, from: part)
            }
        }
        try output.commit()
        return path
    }

    /// Writes a one-band Float32 GeoTIFF with the given row-major values.
    @discardableResult
    public static func writeFloat(_ path: String, width: Int, height: Int, values: [Float], nodata: Double? = -9999,
                                  tileSize: Int = 256) throws -> String {
        var options = GeoTIFFOptions()
        options.tileSize = tileSize
        let spec = RasterSpec(width: width, height: height, bandCount: 1, pixelType: .float32,
                              geoTransform: studyAreaOrigin, spatialReference: utm48N, nodata: nodata, bandDescriptions: [])
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: options)
        try output.raster.write(Window(width: width, height: height), from: values)
        try output.commit()
        return path
    }
}
