import Foundation
import RasterIO
import Testing
import TestSupport

/// Slurm shards of products as delivered: L1A tarballs orthorectified on the way in, each DN
/// product calibrated by its own XML (a province's products span calibration years), split into
/// units of the orthorectified grids. `regolith plan` with the same orthorectification options
/// plans the units the tasks run; the units equal the unsharded run's maps; a task that finds the
/// DEM changed since the plan was stored refuses in one line.
@Suite("sharded runs of L1A products: orthorectified and calibrated per product on the way in")
struct ShardedProductTests {
    static var gdalInstalled: Bool { ChildProcess.which("gdalinfo") != nil }

    /// A 2 × 2 province of 160-pixel products (four calibration years), and the fixture's paper CNN.
    static let province = Result { () throws -> TemporaryDirectory in
        let dir = try TemporaryDirectory("regolith-sharded-products")
        let result = try ChildProcess.regolith(["synth", "--province", "2x2", "--width", "160", "--height", "160", "--seed", "5",
                                                "--samples", "30", "--out", dir.file("province"), "--quiet"])
        guard result.status == 0 else { throw TestSupportError("synth --province failed: \(result.stderr)") }
        return dir
    }

    static func products(_ dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.file("province")).filter { $0.hasSuffix(".tar.gz") }.sorted()
            .map { dir.file("province/\($0)") }
    }

    static func pixels(_ path: String, window: Window? = nil) throws -> [Float] {
        let raster = try Raster.open(path)
        return try raster.read(window ?? raster.fullWindow, as: Float.self)
    }

    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func unitsOfOrthorectifiedProductsEqualTheUnshardedMaps() throws {
        let dir = try Self.province.get()
        let products = try Self.products(dir)
        let model = try ModelCommandTests.fixtureRun.get().file("out/model")
        let dem = dir.file("province/dem.tif")
        let common = [model] + products + ["--dem", dem, "--everywhere", "--quiet"]
        let whole = try ChildProcess.regolith(["invert"] + common + ["--out", dir.file("whole")])
        #expect(whole.status == 0, "\(whole.stderr)")

        let sharded = dir.file("sharded")
        for task in 0..<3 {
            let result = try ChildProcess.regolith(["invert"] + common + ["--out", sharded, "--unit-rows", "64", "--shard", "\(task)/3"])
            #expect(result.status == 0, "task \(task): \(result.stderr)")
        }
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(sharded)/plan.json"))) as? [String: Any])
        let scenes = try #require(stored["scenes"] as? [[String: Any]])
        let units = try #require(stored["units"] as? [[String: Any]])
        // Units are rows of the orthorectified views (larger than the 160-pixel L1A images), and the
        // plan records how each product was read and the DEM it was read with.
        #expect(scenes.count == 4 && scenes.allSatisfy { ($0["height"] as? Int ?? 0) > 160 && ($0["reading"] as? String ?? "").hasPrefix("RPC orthorectification with DEM \(dem)") })
        #expect(scenes.allSatisfy { ($0["auxiliaryFiles"] as? [[String: Any]])?.contains { ($0["path"] as? String) == dem } == true })
        // Each product keeps its own calibration: the plan names one operation per scene.
        #expect((stored["kernel"] as? String)?.contains("scene 4: ") == true)

        // `regolith plan` with the same options plans the same units.
        let plan = try ChildProcess.regolith(["plan"] + products + ["--dem", dem, "--tasks", "3", "--unit-rows", "64", "--json",
                                                                    "--command", "invert \(model)", "--out", sharded])
        #expect(plan.status == 0, "\(plan.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let printedUnits = try #require((printed["plan"] as? [String: Any])?["units"] as? [[String: Any]])
        #expect(printedUnits.map { [$0["scene"] as? Int, $0["firstRow"] as? Int, $0["endRow"] as? Int, $0["task"] as? Int] }
                == units.map { [$0["scene"] as? Int, $0["firstRow"] as? Int, $0["endRow"] as? Int, $0["task"] as? Int] })
        #expect((printed["sbatch"] as? String)?.contains("--dem \(dem)") == true)

        // Every unit equals its rows of the unsharded map of its product.
        var compared = 0
        for unit in units {
            let sceneIndex = try #require(unit["scene"] as? Int)
            let scene = try #require(scenes[sceneIndex]["stem"] as? String)
            let (first, end) = (try #require(unit["firstRow"] as? Int), try #require(unit["endRow"] as? Int))
            let file = "\(sharded)/units/\(scene)/" + String(format: "rows-%06d-%06d.tif", first, end)
            let map = try Raster.open("\(dir.file("whole"))/\(scene).content.tif")
            let expected = try Self.pixels(map.path, window: Window(x: 0, y: first, width: map.width, height: end - first))
            let got = try Self.pixels(file)
            #expect(got == expected, "\(file): \(zip(got, expected).filter { $0 != $1 }.count) pixels differ")
            compared += got.filter { $0 != -9999 }.count
        }
        #expect(compared > 50_000)
        let mosaic = try ChildProcess.regolith(["mosaic", sharded, "--out", dir.file("sharded.vrt")])
        #expect(mosaic.status == 0, "\(mosaic.stderr)")
    }

    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func aTaskRefusesADEMChangedSinceThePlan() throws {
        let dir = try Self.province.get()
        let products = try Self.products(dir)
        let model = try ModelCommandTests.fixtureRun.get().file("out/model")
        let dem = dir.file("dem-copy.tif"), out = dir.file("dem-changed")
        try? FileManager.default.removeItem(atPath: dem)
        try FileManager.default.copyItem(atPath: dir.file("province/dem.tif"), toPath: dem)
        let common = ["invert", model] + products + ["--dem", dem, "--everywhere", "--quiet", "--out", out, "--unit-rows", "64"]
        let first = try ChildProcess.regolith(common + ["--shard", "0/2"])
        #expect(first.status == 0, "\(first.stderr)")
        // The DEM re-exported at the same path (a new modification time) before the next task starts.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: dem)
        let second = try ChildProcess.regolith(common + ["--shard", "1/2"])
        #expect(second.status == 1, "\(second.stdout)")
        #expect(second.stderr.contains("DEM") && second.stderr.contains(dem), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/plan.json"))) as? [String: Any])
        let lastScene = try #require((plan["scenes"] as? [[String: Any]])?.last?["stem"] as? String)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/units/\(lastScene)"), "task 1 wrote units with the changed DEM")
    }
}
