import RasterIO

/// What each value of a source band (a region mosaic's `mosaic.source.tif`: which product each
/// pixel came from) covers: its pixels, the mean of a value raster on the same grid over them (the
/// content map; its nodata left out) and the points that fall on them (the samples). One pass of
/// row strips over both rasters, memory bounded by a strip.
public struct SourceAreaStatistics: Sendable, Equatable {
    public var pixels = 0
    /// The pixels with a value in the value raster, and the values' sum.
    public var valuedPixels = 0
    public var valueSum = 0.0
    public var points = 0

    public init(pixels: Int = 0, valuedPixels: Int = 0, valueSum: Double = 0, points: Int = 0) {
        (self.pixels, self.valuedPixels, self.valueSum, self.points) = (pixels, valuedPixels, valueSum, points)
    }

    public var meanValue: Double? { valuedPixels > 0 ? valueSum / Double(valuedPixels) : nil }

    /// By source value (0: no source), for every value that covers a pixel or a point; points off
    /// the grid are not counted. Both rasters must share one grid.
    public static func count(source sourcePath: String, values valuePath: String, points: [(x: Double, y: Double)]) throws -> [Int: SourceAreaStatistics] {
        let source = try Raster.open(sourcePath), values = try Raster.open(valuePath)
        try SameGrid.check(source, values)
        let nodata = values.bands[0].nodata.map(Float.init)
        // The points' pixels, by row.
        var pointsByRow: [Int: [Int]] = [:]
        if let transform = source.geoTransform {
            for point in points {
                guard let pixel = transform.pixel(x: point.x, y: point.y), pixel.column >= 0, pixel.row >= 0,
                      pixel.column < Double(source.width), pixel.row < Double(source.height) else { continue }
                pointsByRow[Int(pixel.row.rounded(.down)), default: []].append(Int(pixel.column.rounded(.down)))
            }
        }
        // Indexed by source value (a source band is UInt16): no hashing per pixel.
        var pixels = [Int](repeating: 0, count: 1 << 16), valued = pixels, pointCounts = pixels
        var sums = [Double](repeating: 0, count: 1 << 16)
        let strips = RowStrips(source, bands: [1])
        var valueStrip = [Float](repeating: 0, count: source.width * strips.stripHeight)
        try strips.forEach { firstRow, rows, sources in
            let window = Window(x: 0, y: firstRow, width: source.width, height: rows)
            try valueStrip.withUnsafeMutableBufferPointer { try values.read(window, bands: [1], into: UnsafeMutableBufferPointer(rebasing: $0[0..<window.pixelCount])) }
            for i in 0..<window.pixelCount {
                let key = Int(min(max(sources[i], 0), 65535))
                pixels[key] += 1
                let value = valueStrip[i]
                if value.isFinite, value != nodata {
                    valued[key] += 1
                    sums[key] += Double(value)
                }
            }
            for row in firstRow..<(firstRow + rows) {
                for column in pointsByRow[row] ?? [] { pointCounts[Int(min(max(sources[(row - firstRow) * source.width + column], 0), 65535))] += 1 }
            }
        }
        var statistics: [Int: SourceAreaStatistics] = [:]
        for key in pixels.indices where pixels[key] > 0 || pointCounts[key] > 0 {
            statistics[key] = SourceAreaStatistics(pixels: pixels[key], valuedPixels: valued[key], valueSum: sums[key], points: pointCounts[key])
        }
        return statistics
    }
}
