import Foundation
import Geostatistics
import RasterIO
import Testing
import TestSupport

@Suite("regolith krige onto a scene grid")
struct KrigeCommandTests {
    /// `count` samples in lon/lat over the first `width` × `height` metres of the study area's UTM
    /// scenes, values from a smooth trend plus a wiggle (or from `value`).
    static func writeSamples(_ path: String, duplicate: Bool = false, count: Int = 40, width: UInt64 = 300, height: UInt64 = 220,
                             value: (Double, Double) -> Double = { x, y in 3 + 0.01 * (x - 727_000) + sin(y / 40) }) throws -> [(x: Double, y: Double, z: Double)] {
        let toLonLat = try CoordinateTransformer(from: TestRasters.utm48N, to: .wgs84)
        var rng = SeededGenerator(seed: 3)
        var points: [(x: Double, y: Double, z: Double)] = []
        for _ in 0..<count {
            let x = 727_000 + Double(rng.next() % width), y = 2_486_000 - Double(rng.next() % height)
            points.append((x, y, value(x, y)))
        }
        if duplicate { points.append((points[3].x, points[3].y, 9)) }
        var text = "id,lon,lat,re2o3\n"
        for (i, p) in points.enumerated() {
            let ll = try toLonLat.transform(x: p.x, y: p.y)
            text += "S\(i + 1),\(String(format: "%.10f", ll.x)),\(String(format: "%.10f", ll.y)),\(p.z)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return points
    }

    @Test func mapAndVarianceMatchTheReferenceSolver() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("like.tif"), width: 64, height: 48, bands: 1)
        _ = try Self.writeSamples(dir.file("samples.csv"))
        let result = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", dir.file("like.tif"),
                                                "--out", dir.file("map.tif"), "--variance", dir.file("var.tif"),
                                                "--model", "sph", "--nmax", "12", "--no-support-mask", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("variogram    Sph(") && result.stdout.contains("leave-one-out"), "\(result.stdout)")
        let map = try Raster.open(dir.file("map.tif")), variance = try Raster.open(dir.file("var.tif"))
        #expect(map.width == 64 && map.height == 48 && map.spatialReference?.epsg == 32648)
        #expect(map.bands[0].description == "kriged re2o3" && variance.bands[0].description.hasPrefix("kriging variance"))
        let values = try map.read(map.fullWindow, as: Float.self), variances = try variance.read(variance.fullWindow, as: Float.self)
        // The same samples (read back the way the command reads them) through the plain solver.
        let rows = try Fixtures.csvFile(dir.file("samples.csv"))
        let toUTM = try CoordinateTransformer(from: .wgs84, to: TestRasters.utm48N)
        let utm = try toUTM.transform(rows.map { (Double($0["lon"]!)!, Double($0["lat"]!)!) })
        let samples = try SpatialSamples(x: utm.map(\.x), y: utm.map(\.y), z: rows.map { Double($0["re2o3"]!)! })
        let fit = try VariogramModel.fit(.spherical, to: ExperimentalVariogram(samples: samples))
        let kriging = try OrdinaryKriging(samples: samples, model: fit.model, neighbourhood: .nearest(12))
        for (column, row) in [(0, 0), (63, 47), (20, 30), (41, 5)] {
            let centre = TestRasters.studyAreaOrigin.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
            let reference = try #require(try kriging.predictReference(x: centre.x, y: centre.y))
            #expect(abs(Double(values[row * 64 + column]) - reference.value) <= 1e-5 * max(1, abs(reference.value)))
            #expect(abs(Double(variances[row * 64 + column]) - reference.variance) <= 1e-5 * max(1, reference.variance))
        }
    }

    /// An exponential map interpolates far samples — over 128-pixel blocks of the whole scene (global), or
    /// along 16-pixel row segments (nmax with a block support) — so the tile size cannot change a pixel:
    /// 256- and 512-pixel tiles give identical pixels, and a few pixels match the reference solver.
    @Test(arguments: [[], ["--block", "4"], ["--nmax", "12", "--block", "4"]])
    func tilingDoesNotChangeAnExponentialMap(support: [String]) throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("like.tif"), width: 640, height: 520, bands: 1)
        _ = try Self.writeSamples(dir.file("samples.csv"), count: 60, width: 2560, height: 2080)
        var maps: [[Float]] = []
        for tileSize in ["256", "512"] {
            let out = dir.file("map-\(tileSize).tif")
            let result = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", dir.file("like.tif"), "--out", out,
                                                    "--model", "exp", "--tile-size", tileSize, "--no-support-mask", "--quiet"] + support)
            #expect(result.status == 0, "\(result.stderr)")
            let map = try Raster.open(out)
            maps.append(try map.read(map.fullWindow, as: Float.self))
        }
        #expect(maps[0] == maps[1], "\(zip(maps[0], maps[1]).filter { $0 != $1 }.count) pixels differ between tile sizes")
        let rows = try Fixtures.csvFile(dir.file("samples.csv"))
        let toUTM = try CoordinateTransformer(from: .wgs84, to: TestRasters.utm48N)
        let utm = try toUTM.transform(rows.map { (Double($0["lon"]!)!, Double($0["lat"]!)!) })
        let samples = try SpatialSamples(x: utm.map(\.x), y: utm.map(\.y), z: rows.map { Double($0["re2o3"]!)! })
        let fit = try VariogramModel.fit(.exponential, to: ExperimentalVariogram(samples: samples))
        let kriging = try OrdinaryKriging(samples: samples, model: fit.model, neighbourhood: support.contains("--nmax") ? .nearest(12) : .global,
                                          support: support.contains("--block") ? .square(4) : .point)
        for (column, row) in [(0, 0), (639, 519), (300, 200), (130, 480)] {
            let centre = TestRasters.studyAreaOrigin.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
            let reference = try #require(try kriging.predictReference(x: centre.x, y: centre.y))
            #expect(abs(Double(maps[0][row * 640 + column]) - reference.value) <= 1e-5 * max(1, abs(reference.value)))
        }
    }

    @Test func duplicateLocationsNameTheLine() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("like.tif"), width: 16, height: 16, bands: 1)
        _ = try Self.writeSamples(dir.file("samples.csv"), duplicate: true)
        let refused = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", dir.file("like.tif"), "--out", dir.file("m.tif")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("samples.csv:42: sample S41 is at the same place as S4"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.tif")))
        let merged = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", dir.file("like.tif"), "--out", dir.file("m.tif"),
                                                "--merge-duplicates", "--nmax", "8", "--quiet"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains("averaged 1 duplicate"))
    }
}
