import RasterIO

/// Which values of a second raster each anomaly area's pixels carry: the label raster (ranks, 0
/// outside areas) against, e.g., a region mosaic's source band (which product each pixel came
/// from). One pass of row strips over both, memory bounded by a strip.
public enum AreaSources {
    /// For every rank with pixels, the source values its pixels hold and how many pixels hold each,
    /// most pixels first (ties by value). Both rasters must share one grid.
    public static func count(labels labelPath: String, source sourcePath: String) throws -> [Int: [(source: Int, pixels: Int)]] {
        let labels = try Raster.open(labelPath), source = try Raster.open(sourcePath)
        try SameGrid.check(labels, source)
        var counts: [Int: [Int: Int]] = [:]
        let strips = RowStrips(labels, bands: [1])
        var sourceValues = [UInt32](repeating: 0, count: labels.width * strips.stripHeight)
        var rankValues = [UInt32](repeating: 0, count: labels.width * strips.stripHeight)
        var y = 0
        while y < labels.height {
            let window = Window(x: 0, y: y, width: labels.width, height: min(strips.stripHeight, labels.height - y))
            try rankValues.withUnsafeMutableBufferPointer { try labels.read(window, bands: [1], into: UnsafeMutableBufferPointer(rebasing: $0[0..<window.pixelCount])) }
            try sourceValues.withUnsafeMutableBufferPointer { try source.read(window, bands: [1], into: UnsafeMutableBufferPointer(rebasing: $0[0..<window.pixelCount])) }
            for i in 0..<window.pixelCount where rankValues[i] != 0 {
                counts[Int(rankValues[i]), default: [:]][Int(sourceValues[i]), default: 0] += 1
            }
            y += window.height
        }
        return counts.mapValues { bySource in
            bySource.map { (source: $0.key, pixels: $0.value) }.sorted { $0.pixels != $1.pixels ? $0.pixels > $1.pixels : $0.source < $1.source }
        }
    }
}
