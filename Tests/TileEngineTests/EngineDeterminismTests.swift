import Foundation
import RasterIO
import Testing
import TestSupport
@testable import TileEngine

@Suite("Tile engine: same pixels whatever the tiling and threads; halos equal the whole image")
struct EngineDeterminismTests {
    static func pixels(_ path: String) throws -> [Float] {
        let raster = try Raster.open(path)
        return try raster.read(raster.fullWindow, as: Float.self)
    }

    static func run(_ kernel: some TileKernel, _ input: String, _ output: String, threads: Int, tile: Int) throws {
        var options = EngineOptions()
        options.threads = threads
        options.tileSize = tile
        options.memoryBudget = 1 << 30
        _ = try TilePipeline.run(kernel, input: input, output: output, options: options)
    }

    @Test func ndviIsIdenticalForThreadsAndTileSizes() throws {
        let dir = try TemporaryDirectory()
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: 1300, height: 1100)
        let kernel = NormalizedDifferenceKernel.ndvi()
        var outputs: [[Float]] = []
        for (threads, tile) in [(1, 256), (2, 256), (2, 512), (1, 1024), (2, 1024)] {
            let path = dir.file("ndvi-\(threads)-\(tile).tif")
            try Self.run(kernel, scene, path, threads: threads, tile: tile)
            outputs.append(try Self.pixels(path))
        }
        for other in outputs.dropFirst() { #expect(other == outputs[0]) }
        // The values themselves: (b4 − b3) / (b4 + b3), nodata where the input is nodata.
        let input = try Raster.open(scene)
        let red = try input.read(input.fullWindow, bands: [3], as: Float.self)
        let nir = try input.read(input.fullWindow, bands: [4], as: Float.self)
        var nodataCount = 0
        for i in red.indices {
            if red[i] == 0 || nir[i] == 0 {
                #expect(outputs[0][i] == -9999)
                nodataCount += 1
            } else {
                #expect(outputs[0][i] == (nir[i] - red[i]) / (nir[i] + red[i]))
            }
        }
        #expect(nodataCount > 1000, "the scene has nodata pixels")
        #expect(!dir.contents().contains { $0.contains("partial") }, "no partial files or journals remain")
    }

    /// Brute-force k × k mean over the whole image with edge replication, skipping nodata.
    static func referenceMean(_ values: [Float], width: Int, height: Int, band: Int, size k: Int) -> [Float] {
        let n = width * height, h = (k - 1) / 2
        var out = [Float](repeating: 0, count: n)
        for y in 0..<height {
            for x in 0..<width {
                if values[band * n + y * width + x] == 0 { out[y * width + x] = -9999; continue }
                var sum = 0.0, count = 0
                for dy in -h...h {
                    for dx in -h...h {
                        let sx = min(max(x + dx, 0), width - 1), sy = min(max(y + dy, 0), height - 1)
                        let v = values[band * n + sy * width + sx]
                        if v != 0 { sum += Double(v); count += 1 }
                    }
                }
                out[y * width + x] = count > 0 ? Float(sum / Double(count)) : -9999
            }
        }
        return out
    }

    @Test(arguments: [3, 7])
    func focalMeanEqualsTheWholeImageReference(size: Int) throws {
        let dir = try TemporaryDirectory()
        let (width, height) = (600, 530)
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: width, height: height, nodataEvery: 13)
        let input = try Raster.open(scene)
        let values = try input.read(input.fullWindow, bands: [2, 4], as: Float.self)
        let kernel = FocalMeanKernel(bands: [2, 4], size: size)
        var results: [[Float]] = []
        for (threads, tile) in [(2, 256), (1, 512)] {
            let path = dir.file("mean-\(tile).tif")
            try Self.run(kernel, scene, path, threads: threads, tile: tile)
            results.append(try Self.pixels(path))
        }
        #expect(results[0] == results[1], "tile borders leave no trace")
        let n = width * height
        for band in 0..<2 {
            let reference = Self.referenceMean(values, width: width, height: height, band: band, size: size)
            var worst: Float = 0
            for i in 0..<n {
                let got = results[0][band * n + i], want = reference[i]
                worst = max(worst, want == -9999 || got == -9999 ? (got == want ? 0 : .infinity) : abs(got - want) / max(1, abs(want)))
            }
            #expect(worst <= 1e-6, "band \(band): worst relative difference \(worst)")
        }
    }

    /// Brute-force k × k median over the whole image with edge replication, skipping nodata (the
    /// mean of the two middle values for an even count).
    static func referenceMedian(_ values: [Float], width: Int, height: Int, band: Int, size k: Int) -> [Float] {
        let n = width * height, h = (k - 1) / 2
        var out = [Float](repeating: 0, count: n)
        for y in 0..<height {
            for x in 0..<width {
                if values[band * n + y * width + x] == 0 { out[y * width + x] = -9999; continue }
                var window: [Double] = []
                for dy in -h...h {
                    for dx in -h...h {
                        let sx = min(max(x + dx, 0), width - 1), sy = min(max(y + dy, 0), height - 1)
                        let v = values[band * n + sy * width + sx]
                        if v != 0 { window.append(Double(v)) }
                    }
                }
                guard !window.isEmpty else { out[y * width + x] = -9999; continue }
                window.sort()
                let m = window.count / 2
                let median: Double = window.count % 2 == 1 ? window[m] : (window[m - 1] + window[m]) / 2
                out[y * width + x] = Float(median)
            }
        }
        return out
    }

    @Test(arguments: [3, 5])
    func focalMedianEqualsTheWholeImageReference(size: Int) throws {
        let dir = try TemporaryDirectory()
        let (width, height) = (600, 530)
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: width, height: height, nodataEvery: 13)
        let input = try Raster.open(scene)
        let values = try input.read(input.fullWindow, bands: [2, 4], as: Float.self)
        let kernel = FocalMedianKernel(bands: [2, 4], size: size)
        var results: [[Float]] = []
        for (threads, tile) in [(2, 256), (1, 512)] {
            let path = dir.file("median-\(tile).tif")
            try Self.run(kernel, scene, path, threads: threads, tile: tile)
            results.append(try Self.pixels(path))
        }
        #expect(results[0] == results[1], "tile borders leave no trace")
        let n = width * height
        for band in 0..<2 {
            let reference = Self.referenceMedian(values, width: width, height: height, band: band, size: size)
            // Medians are pixel values, or the mean of two: equal up to Float rounding of that mean.
            var worst: Float = 0
            for i in 0..<n { worst = max(worst, abs(results[0][band * n + i] - reference[i]) / max(1, abs(reference[i]))) }
            #expect(worst <= 1e-6, "band \(band): worst relative difference \(worst)")
        }
    }
}
