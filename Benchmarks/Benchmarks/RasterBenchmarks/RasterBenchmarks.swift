import Benchmark
import Foundation
import RasterIO
import TileEngine

/// Foundation benchmarks: the vector ISA the build flags give, and the streamed read floor.
///
/// `simd16-fma` reports multiply-adds as throughput; compare a build with `REGOLITH_MARCH=none`
/// against the default (`native`) side by side: without the flag each SIMD16 FMA becomes a libm
/// call per lane.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident],
                                           maxDuration: .seconds(3), maxIterations: 50)

    // Six independent SIMD16 accumulators: enough chains to hide the FMA latency, few enough to
    // stay in registers with AVX2 (two ymm each) as with AVX-512 (one zmm each).
    Benchmark("simd16-fma (1 Gi multiply-adds per iteration = 2 GFLOP)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        benchmark.startMeasurement()
        blackHole(simd16MultiplyAdds(steps: (1 << 30) / (16 * 6)))
        benchmark.stopMeasurement()
    }

    // The streamed statistics pass over a 4-band UInt16 ZSTD scene (read + decode floor).
    let scene = NSTemporaryDirectory() + "regolith-bench-stats.tif"
    Benchmark("statistics-pass 4000×4000×4 UInt16 ZSTD",
              configuration: .init(scalingFactor: .one, setup: { try makeScene(scene, width: 4000, height: 4000) })) { _ in
        blackHole(try StatisticsPass.run(path: scene))
    }
}

/// A scene with texture (a smooth field plus hashed noise), so the codec does real work.
func makeScene(_ path: String, width: Int, height: Int) throws {
    if FileManager.default.fileExists(atPath: path) { return }
    let spec = RasterSpec(width: width, height: height, bandCount: 4, pixelType: .uint16,
                          geoTransform: GeoTransform(originX: 700_000, originY: 2_500_000, pixelWidth: 4, pixelHeight: 4),
                          spatialReference: try SpatialReference("EPSG:32648"), nodata: 0)
    let output = try GeoTIFFOutput(creating: path, spec: spec)
    for window in Window(width: width, height: height).tiles(width: width, height: 512) {
        var values = [UInt16](repeating: 0, count: window.pixelCount * 4)
        for band in 0..<4 {
            for row in 0..<window.height {
                for column in 0..<window.width {
                    let x = column + window.x, y = row + window.y
                    var h = UInt64(truncatingIfNeeded: x &* 73_856_093 ^ y &* 19_349_663 ^ band &* 83_492_791)
                    h = (h ^ (h >> 13)) &* 0x5bd1e995
                    let smooth = 300 + 100 * sin(Double(x) / 300) * cos(Double(y) / 250)
                    values[band * window.pixelCount + row * window.width + column] = UInt16(smooth) + UInt16(h % 40)
                }
            }
        }
        try output.raster.write(window, from: values)
    }
    try output.commit()
}

/// `steps` × 6 SIMD16 fused multiply-adds in registers.
@inline(never)
func simd16MultiplyAdds(steps: Int) -> Float {
    let a = SIMD16<Float>(repeating: 0.999_999), b = SIMD16<Float>(repeating: 1e-7)
    var s0 = SIMD16<Float>(repeating: 0), s1 = s0 + 1, s2 = s0 + 2, s3 = s0 + 3, s4 = s0 + 4, s5 = s0 + 5
    for _ in 0..<steps {
        s0 = s0.addingProduct(a, b); s1 = s1.addingProduct(a, b); s2 = s2.addingProduct(a, b)
        s3 = s3.addingProduct(a, b); s4 = s4.addingProduct(a, b); s5 = s5.addingProduct(a, b)
    }
    return (s0 + s1 + s2 + s3 + s4 + s5).sum()
}
