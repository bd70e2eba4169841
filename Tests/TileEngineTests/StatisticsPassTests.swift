import Foundation
import RasterIO
import Testing
import TestSupport
@testable import TileEngine

@Suite("Streamed statistics")
struct StatisticsPassTests {
    /// Plain two-pass statistics over the valid values.
    static func reference(_ values: [Double], nodata: Double?) -> (count: Int, min: Double, max: Double, mean: Double, sd: Double) {
        let valid = values.filter { !$0.isNaN && $0 != nodata }
        let mean = valid.reduce(0, +) / Double(valid.count)
        let variance = valid.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(valid.count)
        return (valid.count, valid.min()!, valid.max()!, mean, variance.squareRoot())
    }

    @Test func mergedPartsEqualOnePass() {
        var rng = SeededGenerator(seed: 31)
        let values = (0..<10_000).map { _ in Double.random(in: -50...1000, using: &rng) } + [.nan, -9999, -9999]
        var whole = BandStatistics()
        values.withUnsafeBufferPointer { whole.add($0, nodata: -9999) }
        var merged = BandStatistics()
        for chunk in stride(from: 0, to: values.count, by: 777) {
            var part = BandStatistics()
            values[chunk..<min(chunk + 777, values.count)].withUnsafeBufferPointer { part.add($0, nodata: -9999) }
            merged.merge(part)
        }
        let ref = Self.reference(values, nodata: -9999)
        for s in [whole, merged] {
            #expect(s.count == ref.count && s.minimum == ref.min && s.maximum == ref.max)
            #expect(abs(s.mean - ref.mean) < 1e-9 * abs(ref.mean))
            #expect(abs(s.standardDeviation! - ref.sd) < 1e-9 * ref.sd)
        }
    }

    @Test func emptyBandHasNoStatistics() {
        var s = BandStatistics()
        [Double.nan, 0, 0].withUnsafeBufferPointer { s.add($0, nodata: 0) }
        #expect(s.count == 0 && s.variance == nil)
    }

    @Test func wholeRasterPassHonoursNodataAndIgnoresThreadCount() throws {
        let dir = try TemporaryDirectory()
        let (width, height) = (530, 410)
        try TestRasters.write(dir.file("s.tif"), width: width, height: height, bands: 3, type: .float32, nodata: 0, tileSize: 128)
        let values = TestRasters.expected(width: width, height: height, bands: [1, 2, 3], window: Window(width: width, height: height))
        let one = try StatisticsPass.run(path: dir.file("s.tif"), threads: 1)
        let two = try StatisticsPass.run(path: dir.file("s.tif"), threads: 2)
        let four = try StatisticsPass.run(path: dir.file("s.tif"), bands: [1, 2, 3], threads: 4)
        #expect(one == two && two == four, "identical whatever the thread count")
        for band in 0..<3 {
            let ref = Self.reference(Array(values[(band * width * height)..<((band + 1) * width * height)]), nodata: 0)
            let s = one[band]
            #expect(s.count == ref.count && s.count < width * height, "nodata pixels excluded")
            #expect(s.minimum == ref.min && s.maximum == ref.max)
            #expect(abs(s.mean - ref.mean) < 1e-9 * ref.mean)
            #expect(abs(s.standardDeviation! - ref.sd) < 1e-9 * ref.sd)
        }
    }

    @Test func tilesAreWholeBlocks() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("b.tif"), width: 1300, height: 900, bands: 1, tileSize: 256)
        let raster = try Raster.open(dir.file("b.tif"))
        let tiles = StatisticsPass.tileWindows(of: raster)
        #expect(tiles.allSatisfy { $0.x % 256 == 0 && $0.y % 256 == 0 })
        #expect(tiles.map(\.pixelCount).reduce(0, +) == 1300 * 900)
    }
}
