import RasterIO

/// Reads a raster in full-width strips of rows, top to bottom, one band set at a time: the access
/// pattern of whole-scene passes that need each row's neighbours above (connected components) or
/// compare two rasters pixel by pixel, with memory bounded by the strip.
struct RowStrips {
    let raster: Raster
    let bands: [Int]
    let stripHeight: Int

    init(_ raster: Raster, bands: [Int], stripHeight: Int? = nil) {
        self.raster = raster
        self.bands = bands
        // Whole blocks per strip; about 8 Mpixel at most.
        let block = max(1, raster.blockSize.height)
        let rows = max(block, min(raster.height, (8 << 20) / max(1, raster.width) / block * block))
        self.stripHeight = stripHeight ?? rows
    }

    /// Calls `body(firstRow, rowCount, values)` with band-sequential Float values of each strip.
    func forEach(_ body: (Int, Int, UnsafeBufferPointer<Float>) throws -> Void) throws {
        var buffer = [Float](repeating: 0, count: raster.width * stripHeight * bands.count)
        var y = 0
        while y < raster.height {
            let rows = min(stripHeight, raster.height - y)
            let count = raster.width * rows * bands.count
            try buffer.withUnsafeMutableBufferPointer { all in
                let part = UnsafeMutableBufferPointer(rebasing: all[0..<count])
                try raster.read(Window(x: 0, y: y, width: raster.width, height: rows), bands: bands, into: part)
                try body(y, rows, UnsafeBufferPointer(part))
            }
            y += rows
        }
    }
}

/// Checks that rasters share one pixel grid (size, and georeferencing when both have it).
enum SameGrid {
    static func check(_ a: Raster, _ b: Raster) throws {
        guard a.width == b.width, a.height == b.height else {
            throw InversionError("\(b.path): is \(b.width)×\(b.height), but \(a.path) is \(a.width)×\(a.height); the maps must share one pixel grid")
        }
        if let ta = a.geoTransform, let tb = b.geoTransform {
            let scale = max(abs(ta.pixelWidth), abs(ta.pixelHeight))
            for (u, v) in zip(ta.coefficients, tb.coefficients) where abs(u - v) > 1e-6 * max(1, scale) {
                throw InversionError("\(b.path): its georeferencing differs from \(a.path); the maps must share one pixel grid")
            }
        }
    }
}
