import Foundation
import RasterIO
import Testing
import TestSupport

/// Within the samples' support the geochemical map has no seams: a nearest-N neighbourhood switches
/// its sample set between adjacent pixels and the map jumps there (the wedges of issue 16); the
/// global neighbourhood, `krige`'s and the run map's default, kriges every pixel from every sample.
///
/// A seam shows as a step between adjacent pixels unlike the steps on either side: the "step
/// anomaly" |Δᵢ − (Δᵢ₋₁ + Δᵢ₊₁)/2| along rows and columns, which for a smooth surface is its
/// curvature over a pixel. Measured on the fixture world (Gaussian variogram, range 273 m, 4 m
/// pixels, block 4): global 2.3e-4 at most (9e-5 of the samples' SD); 32 nearest 2.08 (0.82 SD).
/// Stated tolerance: 1e-3 of the samples' standard deviation.
@Suite("the geochemical map has no neighbour-set seams within its support")
struct KrigeSeamTests {
    static let tolerance = 1e-3

    /// The largest step anomaly over the map's valid pixels, along rows and columns.
    static func largestStepAnomaly(_ path: String) throws -> Double {
        let map = try Raster.open(path)
        let nodata = map.bands[0].nodata.map(Float.init)
        let values = try map.read(map.fullWindow, bands: [1], as: Float.self)
        let (width, height) = (map.width, map.height)
        func value(_ column: Int, _ row: Int) -> Double? {
            let v = values[row * width + column]
            return v.isNaN || v == nodata ? nil : Double(v)
        }
        var largest = 0.0
        // Four consecutive valid pixels a, b, c, d: steps b − a, c − b, d − c.
        func check(_ a: Double?, _ b: Double?, _ c: Double?, _ d: Double?) {
            guard let a, let b, let c, let d else { return }
            largest = max(largest, abs((c - b) - ((b - a) + (d - c)) / 2))
        }
        for row in 0..<height {
            for column in 0..<max(0, width - 3) { check(value(column, row), value(column + 1, row), value(column + 2, row), value(column + 3, row)) }
        }
        for column in 0..<width {
            for row in 0..<max(0, height - 3) { check(value(column, row), value(column, row + 1), value(column, row + 2), value(column, row + 3)) }
        }
        return largest
    }

    static func samplesStandardDeviation() throws -> Double {
        let values = try Fixtures.csv("world/samples.csv").map { Double($0["re2o3"]!)! }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    /// A 240 × 240 window of the fixture world (inside the drilled area), kriged globally (the
    /// default) and with the 32 nearest samples: the first is seamless within the stated tolerance,
    /// the second is not — so the measure finds seams where they are.
    @Test func globalNeighbourhoodIsSeamlessAndNearestIsNot() throws {
        let dir = try TemporaryDirectory()
        let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
        let translate = try #require(ChildProcess.which("gdal_translate"), "gdal_translate (gdal-bin) is installed by tools/install-deps.sh")
        let cut = try ChildProcess.run(translate, ["-q", "-b", "1", "-srcwin", "180", "180", "240", "240", scene, dir.file("like.tif")])
        #expect(cut.status == 0, "\(cut.stderr)")
        let sd = try Self.samplesStandardDeviation()
        var anomalies: [String: Double] = [:]
        for (name, options) in [("global", [String]()), ("nearest", ["--nmax", "32"])] {
            let out = dir.file("\(name).tif")
            let result = try ChildProcess.regolith(["krige", Fixtures.path("world/samples.csv"), "--like", dir.file("like.tif"), "--out", out,
                                                    "--block", "4", "--quiet"] + options)
            #expect(result.status == 0, "\(result.stderr)")
            anomalies[name] = try Self.largestStepAnomaly(out) / sd
        }
        #expect(try #require(anomalies["global"]) <= Self.tolerance, "global: largest step anomaly \(anomalies) of the samples' SD")
        #expect(try #require(anomalies["nearest"]) > 100 * Self.tolerance, "32 nearest: \(anomalies) — the measure should see its seams")
    }
}
