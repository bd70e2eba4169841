import Foundation
import Inversion
import RasterIO
import Testing
import TestSupport

private let gdalwarp = ChildProcess.which("gdalwarp")

/// `regolith ortho` on an L1A copy of the fixture scene (its pixels, an `.rpb`, a DEM in EPSG:4326):
/// the same pixels as gdalwarp with the same options, whatever the tiling and threads.
@Suite("regolith ortho: RPC orthorectification through GDAL's warper")
struct OrthoCommandTests {
    /// One L1A scene and DEM for all the tests of the suite (about 1 s to write).
    static let world: (folder: TemporaryDirectory, scene: String, dem: String) = {
        let folder = try! TemporaryDirectory("regolith-ortho")
        let scene = try! L1AScene.write(into: folder.path)
        let dem = try! L1AScene.writeDEM(folder.file("dem-4326.tif"), around: scene)
        return (folder, scene, dem)
    }()

    /// gdalwarp's output for the same options (`-et 0` because Regolith transforms exactly, as
    /// gdalwarp does by default with a DEM).
    static func gdalwarpReference(_ options: [String], into path: String) throws -> String {
        let result = try ChildProcess.run(gdalwarp!, ["-q", "-overwrite", "-rpc", "-tap", "-et", "0"] + options + [world.scene, path])
        guard result.status == 0 else { throw TestSupportError("gdalwarp failed: \(result.stderr)") }
        return path
    }

    /// The largest relative difference of two rasters on one grid (throws when the grids differ).
    static func largestRelativeDifference(_ path: String, _ reference: String) throws -> Double {
        let ours = try Raster.open(path), theirs = try Raster.open(reference)
        guard ours.width == theirs.width, ours.height == theirs.height, ours.bandCount == theirs.bandCount,
              ours.geoTransform == theirs.geoTransform, let crs = ours.spatialReference, let other = theirs.spatialReference,
              crs.isSame(as: other) else {
            throw TestSupportError("grids differ: \(ours.width)×\(ours.height) \(String(describing: ours.geoTransform)) vs \(theirs.width)×\(theirs.height) \(String(describing: theirs.geoTransform))")
        }
        let a = try ours.read(ours.fullWindow, as: Double.self), b = try theirs.read(theirs.fullWindow, as: Double.self)
        return zip(a, b).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
    }

    /// Measured: identical (0) for every case (UInt16 DN, exact transformation on both sides);
    /// 1e-6 is the issue's bound. Nearest neighbour must be identical.
    @Test(.enabled(if: gdalwarp != nil, "needs gdalwarp (tools/install-deps.sh installs gdal-bin)"), arguments: [
        (["--resampling", "bilinear", "--threads", "2"], ["-r", "bilinear", "-t_srs", "EPSG:32648", "-tr", "4", "4"], "dem"),
        (["--resampling", "bilinear", "--threads", "2", "--tile-size", "256"], ["-r", "bilinear", "-t_srs", "EPSG:32648", "-tr", "4", "4"], "dem"),
        (["--resampling", "bilinear", "--threads", "1", "--tile-size", "512"], ["-r", "bilinear", "-t_srs", "EPSG:32648", "-tr", "4", "4"], "dem"),
        (["--resampling", "nearest", "--threads", "2", "--tile-size", "256"], ["-r", "near", "-t_srs", "EPSG:32648", "-tr", "4", "4"], "dem"),
        (["--resampling", "cubic", "--threads", "2", "--tile-size", "256", "--t-srs", "EPSG:4545", "--res", "3"],
         ["-r", "cubic", "-t_srs", "EPSG:4545", "-tr", "3", "3"], "dem"),
        (["--resampling", "bilinear", "--threads", "2", "--tile-size", "256"], ["-r", "bilinear", "-t_srs", "EPSG:32648", "-tr", "4", "4", "-to", "RPC_HEIGHT=300"], "rpc height"),
        (["--resampling", "bilinear", "--threads", "2", "--height", "520"], ["-r", "bilinear", "-t_srs", "EPSG:32648", "-tr", "4", "4", "-to", "RPC_HEIGHT=520"], "--height"),
    ])
    func pixelsEqualGDALWarp(regolithOptions: [String], gdalwarpOptions: [String], elevation: String) throws {
        let dir = try TemporaryDirectory()
        let withDEM = elevation == "dem"
        let reference = try Self.gdalwarpReference(gdalwarpOptions + (withDEM ? ["-to", "RPC_DEM=\(Self.world.dem)"] : []),
                                                   into: dir.file("gdalwarp.tif"))
        let out = dir.file("ortho.tif")
        let result = try ChildProcess.regolith(["ortho", Self.world.scene, "--out", out, "--quiet"]
                                               + regolithOptions + (withDEM ? ["--dem", Self.world.dem] : []))
        #expect(result.status == 0, "\(result.stderr)")
        let difference = try Self.largestRelativeDifference(out, reference)
        if regolithOptions.contains("nearest") {
            #expect(difference == 0)
        } else {
            #expect(difference <= 1e-6, "largest relative difference \(difference)")
        }
        let raster = try Raster.open(out)
        // The DEM and heights change the pixels: a test of the elevation must be able to fail.
        #expect(raster.metadataItem("ORTHO_ELEVATION") == (withDEM ? "DEM \(Self.world.dem)" : elevation == "--height" ? "constant height 520 m" : "constant height 300 m (the RPC's HEIGHT_OFF)"))
        let valid = try raster.read(raster.fullWindow, bands: [1], as: UInt16.self).filter { $0 != 0 }.count
        #expect(valid > 300_000, "only \(valid) pixels with data")
    }

    /// `calibrate --dem` orthorectifies on the way in: its reflectance is the calibration of the
    /// pixels `regolith ortho` writes, on the same grid, and records the orthorectification.
    /// Measured: largest relative difference 8.8e-8 (Float32 rounding); 1e-6 allowed.
    @Test func calibrateOrthorectifiesOnTheWayIn() throws {
        let dir = try TemporaryDirectory()
        let xml = L1AScene.fixture.replacingOccurrences(of: ".tiff", with: ".xml")
        let calibrated = dir.file("reflectance.tif"), ortho = dir.file("ortho.tif")
        let calibrate = try ChildProcess.regolith(["calibrate", Self.world.scene, "--xml", xml, "--dem", Self.world.dem, "--out", calibrated,
                                                   "--tile-size", "256", "--quiet"])
        #expect(calibrate.status == 0 && calibrate.stdout.contains("RPC orthorectification with DEM"), "\(calibrate.stderr)")
        let orthoRun = try ChildProcess.regolith(["ortho", Self.world.scene, "--dem", Self.world.dem, "--out", ortho, "--quiet"])
        #expect(orthoRun.status == 0, "\(orthoRun.stderr)")
        let model = try TOAReflectanceModel(metadata: try GF2Metadata.read(xml))
        let reflectance = try Raster.open(calibrated), dn = try Raster.open(ortho)
        #expect(reflectance.geoTransform == dn.geoTransform && reflectance.width == dn.width && reflectance.height == dn.height)
        #expect(reflectance.metadataItem("ORTHO_ELEVATION") == "DEM \(Self.world.dem)")
        var largest = 0.0, valid = 0
        for band in 0..<4 {
            let rho = try reflectance.read(reflectance.fullWindow, bands: [band + 1], as: Double.self)
            let values = try dn.read(dn.fullWindow, bands: [band + 1], as: Double.self)
            for (r, d) in zip(rho, values) where d != 0 {
                let expected = model.reflectance(dn: d, band: band)
                largest = max(largest, abs(r - expected) / max(abs(expected), 1e-3))
                valid += 1
            }
        }
        #expect(valid > 1_000_000)
        #expect(largest <= 1e-6, "largest relative difference \(largest)")
    }

    /// `invert --dem` on a reflectance scene in sensor geometry (its RPC beside it) maps the same
    /// pixels as `invert` on that scene warped by gdalwarp with the same options. Measured: identical.
    @Test(.enabled(if: gdalwarp != nil, "needs gdalwarp (tools/install-deps.sh installs gdal-bin)"))
    func invertOrthorectifiesOnTheWayIn() throws {
        let dir = try TemporaryDirectory()
        let train = try ChildProcess.regolith(["train", ModelCommandTests.sampleSet, "--out", dir.file("model"), "--iterations", "100",
                                               "--folds", "2", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let xml = L1AScene.fixture.replacingOccurrences(of: ".tiff", with: ".xml")
        let calibrate = try ChildProcess.regolith(["calibrate", Self.world.scene, "--xml", xml, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        try FileManager.default.copyItem(atPath: Self.world.scene.replacingOccurrences(of: ".tiff", with: ".rpb"), toPath: dir.file("refl.rpb"))
        let warp = try ChildProcess.run(gdalwarp!, ["-q", "-rpc", "-to", "RPC_DEM=\(Self.world.dem)", "-t_srs", "EPSG:32648", "-tr", "4", "4",
                                                    "-tap", "-et", "0", "-r", "bilinear", dir.file("refl.tif"), dir.file("warped.tif")])
        #expect(warp.status == 0, "\(warp.stderr)")
        let onTheWay = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--dem", Self.world.dem,
                                                  "--out", dir.file("map.tif"), "--tile-size", "256", "--everywhere", "--quiet"])
        #expect(onTheWay.status == 0, "\(onTheWay.stderr)")
        let warped = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("warped.tif"), "--out", dir.file("map-of-warped.tif"), "--everywhere", "--quiet"])
        #expect(warped.status == 0, "\(warped.stderr)")
        #expect(try Self.largestRelativeDifference(dir.file("map.tif"), dir.file("map-of-warped.tif")) <= 1e-6)
        let map = try Raster.open(dir.file("map.tif"))
        #expect(map.metadataItem("ORTHO_ELEVATION") == "DEM \(Self.world.dem)")
        // --everywhere: the model (trained on reflectance with haze removed) predicts every scene pixel.
        #expect(try map.read(map.fullWindow, as: Float.self).filter { $0 != -9999 }.count > 300_000)
    }

    /// `regolith run` on the L1A copy, orthorectified at the RPC's height while calibrating, maps the
    /// fixture world as the run on the map-projected scene does. Measured (debug build): map-vs-truth
    /// R² 0.6744 against 0.6747, the two maps correlate at 0.994 on their common pixels.
    @Test func runOnTheL1ASceneMapsLikeTheOrthoWorld() throws {
        let dir = try TemporaryDirectory()
        let world = Fixtures.path("world")
        try """
            scene: \(Self.world.scene)
            xml: \(L1AScene.fixture.replacingOccurrences(of: ".tiff", with: ".xml"))
            height: \(L1AScene.heightOffset)
            samples: \(world)/samples.csv
            unit: "%"
            model: {iterations: 400}
            validation: {folds: 3}
            anomalies: {percentile: 95, min_area: 2000, mask_vegetation: 0.45}
            """.write(toFile: dir.file("run.yml"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", dir.file("run.yml"), "--out", dir.file("out"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let reference = try ModelCommandTests.fixtureRun.get()
        let truth = try Raster.open(Fixtures.path("world/truth/re2o3.tif"))
        let ortho = try Self.valuesOnGrid(of: truth, from: dir.file("out/content.tif"))
        let mapped = try Self.valuesOnGrid(of: truth, from: reference.file("out/content.tif"))
        let truthValues = try truth.read(truth.fullWindow, as: Double.self)
        let rSquared = { (map: [Double]) -> Double in
            let pairs = zip(map, truthValues).filter { $0.0 != -9999 && $0.1.isFinite }
            let r = Self.pearson(pairs.map(\.0), pairs.map(\.1))
            return r * r
        }
        #expect(abs(rSquared(ortho) - rSquared(mapped)) <= 0.02, "R² \(rSquared(ortho)) against \(rSquared(mapped))")
        let common = zip(ortho, mapped).filter { $0.0 != -9999 && $0.1 != -9999 }
        #expect(common.count > 200_000 && Self.pearson(common.map(\.0), common.map(\.1)) > 0.98)
        #expect(try Raster.open(dir.file("out/scene-ortho.tif")).metadataItem("ORTHO_ELEVATION") == "constant height 300 m")
    }

    /// The pixels of `path` on `grid`'s pixels (same CRS and pixel size, origin on the same lattice); -9999 outside.
    static func valuesOnGrid(of grid: Raster, from path: String) throws -> [Double] {
        let map = try Raster.open(path)
        let (target, source) = (grid.geoTransform!, map.geoTransform!)
        let dx = Int(((target.originX - source.originX) / source.pixelWidth).rounded())
        let dy = Int(((target.originY - source.originY) / source.pixelHeight).rounded())
        let values = try map.read(map.fullWindow, bands: [1], as: Double.self)
        return (0..<grid.height).flatMap { row in
            (0..<grid.width).map { column in
                let (x, y) = (column + dx, row + dy)
                return x >= 0 && y >= 0 && x < map.width && y < map.height ? values[y * map.width + x] : -9999
            }
        }
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
        let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }, vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
        return cov / (va * vb).squareRoot()
    }

    /// The default grid: the scene centre's UTM zone (48N), 4 m, corners on multiples of 4 m (-tap).
    @Test func defaultGridIsPixelAlignedUTM() throws {
        let ortho = try Orthorectification(source: Self.world.scene, dem: Self.world.dem)
        #expect(ortho.targetCRS.epsg == 32648)
        #expect(ortho.resolution == 4)
        let grid = ortho.geoTransform
        #expect(grid.pixelWidth == 4 && grid.pixelHeight == -4 && grid.isNorthUp)
        #expect(grid.originX.truncatingRemainder(dividingBy: 4) == 0 && grid.originY.truncatingRemainder(dividingBy: 4) == 0, "\(grid)")
        // The fixture's own grid (the RPC's origin) lies inside, 600 × 600 pixels of 4 m plus terrain displacement.
        #expect((600...640).contains(ortho.width) && (600...640).contains(ortho.height), "\(ortho.width) × \(ortho.height)")
    }

    /// A scene of 0.8 m pixels (a panchromatic one) gets the 1 m grid by default.
    @Test func aPanchromaticSceneGetsTheOneMetreGrid() throws {
        let dir = try TemporaryDirectory()
        let fine = try TestRasters.write(dir.file("pan-grid.tif"), width: 600, height: 600, bands: 1, nodata: 0,
                                         geoTransform: GeoTransform(originX: 727_244, originY: 2_486_636, pixelWidth: 0.8, pixelHeight: 0.8))
        let scene = try L1AScene.write(into: dir.path, name: "L1A-PAN1", from: fine)
        let ortho = try Orthorectification(source: scene)
        #expect(ortho.resolution == 1 && ortho.geoTransform.pixelWidth == 1)
        #expect((470...490).contains(ortho.width), "\(ortho.width)")
    }

    /// With the DEM the hills move pixels by up to 2 samples against the constant RPC height.
    @Test func theDEMMovesPixels() throws {
        let withDEM = try Orthorectification(source: Self.world.scene, dem: Self.world.dem).open()
        let flat = try Orthorectification(source: Self.world.scene).open()
        let window = Window(x: 100, y: 100, width: 400, height: 400)
        let a = try withDEM.read(window, bands: [1], as: Double.self), b = try flat.read(window, bands: [1], as: Double.self)
        let differing = zip(a, b).filter { $0 != $1 }.count
        #expect(differing > a.count / 2, "only \(differing) of \(a.count) pixels differ")
    }

    /// The memory contract with the warper as the reader: a 2400 × 2400 L1A scene through a 160 MiB
    /// budget. Measured (debug build, 2 threads): peak 157 MiB at --memory 160MiB against 224 MiB
    /// allowed; 474 MiB with the default budget (one large tile), so ignoring the budget fails here.
    @Test func peakResidentMemoryStaysUnderTheBudget() throws {
        let dir = try TemporaryDirectory()
        let scene = try L1AScene.write(into: dir.path, name: "large-MSS1", tile: 4)
        let dem = try L1AScene.writeDEM(dir.file("dem.tif"), around: scene)
        let budget = 160
        let (result, peak) = try ChildProcess.runMeasuringMemory(try ChildProcess.regolith, [
            "ortho", scene, "--dem", dem, "--out", dir.file("ortho.tif"), "--memory", "\(budget)MiB", "--threads", "2", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(peak <= (budget + 64) << 20, "peak RSS \(peak >> 20) MiB with --memory \(budget)MiB")
        let ortho = try Raster.open(dir.file("ortho.tif"))
        #expect(ortho.width > 2400 && ortho.height > 2400)
    }

    /// A resume never mixes pixels warped over two DEMs: a DEM replaced after a kill is named, and
    /// nothing is resumed until --restart.
    @Test func aDEMChangedSinceTheInterruptedRunIsNotResumed() throws {
        let dir = try TemporaryDirectory()
        let dem = try L1AScene.writeDEM(dir.file("dem.tif"), around: Self.world.scene)
        let ortho = ["ortho", Self.world.scene, "--dem", dem, "--out", dir.file("ortho.tif"), "--tile-size", "256", "--threads", "1",
                     "--checkpoint-seconds", "0"]
        try #require(try ModelIntegrityTests.killOnceATileIsJournalled(ortho, journal: dir.file("ortho.partial.tif.journal")),
                     "the run ended before it could be killed")
        // Other heights under the same name (a corrected DEM copied over the old one).
        let warp = try ChildProcess.run("/usr/bin/gdal_calc.py", ["--quiet", "-A", dem, "--calc", "A+50", "--outfile", dir.file("raised.tif")])
        #expect(warp.status == 0, "\(warp.stderr)")
        try FileManager.default.removeItem(atPath: dem)
        try FileManager.default.moveItem(atPath: dir.file("raised.tif"), toPath: dem)
        let refused = try ChildProcess.regolith(ortho)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the DEM (\(dem)) changed since the interrupted run"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("ortho.tif")))
        let restarted = try ChildProcess.regolith(ortho + ["--restart", "--quiet"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
    }

    /// A product tarball is read in place through /vsitar/ (the .rpb inside it too): the same pixels.
    @Test func sceneInsideATarballGivesTheSamePixels() throws {
        let dir = try TemporaryDirectory()
        let name = (Self.world.scene as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let tar = try ChildProcess.run("/usr/bin/tar", ["czf", dir.file("product.tar.gz"), "-C", Self.world.folder.path, name, stem + ".rpb"])
        #expect(tar.status == 0, "\(tar.stderr)")
        for (input, out) in [(Self.world.scene, "direct.tif"), ("/vsitar/" + dir.file("product.tar.gz") + "/" + name, "tarball.tif")] {
            let result = try ChildProcess.regolith(["ortho", input, "--dem", Self.world.dem, "--out", dir.file(out), "--quiet", "--tile-size", "256"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try Self.largestRelativeDifference(dir.file("tarball.tif"), dir.file("direct.tif")) == 0)
    }

    @Test func demNotCoveringTheSceneNamesTheUncoveredExtent() throws {
        let dir = try TemporaryDirectory()
        let dem = try L1AScene.writeDEM(dir.file("small-dem.tif"), longitude: 107.24, latitude: 22.46, span: 0.02)
        let out = dir.file("ortho.tif")
        let result = try ChildProcess.regolith(["ortho", Self.world.scene, "--dem", dem, "--out", out])
        #expect(result.status == 1)
        let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n") && line.contains("small-dem.tif") && line.contains("does not cover") && line.contains("(west)")
                && !line.contains("(east)"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(dir.contents().sorted() == ["small-dem.tif"])
    }

    @Test(arguments: [false, true])
    func sceneWithoutRPCFailsInOneLine(georeferenced: Bool) throws {
        let dir = try TemporaryDirectory()
        let scene = georeferenced ? L1AScene.fixture : try L1AScene.write(into: dir.path, name: "L1A-MSS1", rpc: false)
        let out = dir.file("ortho.tif")
        let result = try ChildProcess.regolith(["ortho", scene, "--out", out])
        #expect(result.status == 1)
        let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        // In sensor geometry the product check names the missing .rpb; georeferenced, the warper's says so.
        #expect(!line.contains("\n") && line.contains(scene) && line.contains(georeferenced ? "has no RPC model" : "has no RPC")
                && line.contains("already map-projected") == georeferenced, "\(line)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func demAndHeightTogetherIsAUsageError() throws {
        let result = try ChildProcess.regolith(["ortho", Self.world.scene, "--dem", Self.world.dem, "--height", "100", "--out", "/tmp/never.tif"])
        #expect(result.status == 2, "\(result.stderr)")
    }
}
