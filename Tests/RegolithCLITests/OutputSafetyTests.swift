import Foundation
import Synchronization
import RasterIO
import Testing
import TestSupport

/// Outputs never destroy inputs, and one run owns an output (issue 14, groups 1, 3 and 8).
@Suite("Outputs never overwrite inputs; one run owns an output")
struct OutputSafetyTests {
    static let world = Fixtures.path("world")
    static let sceneName = "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1"

    /// Copies of the fixture scene, its XML and samples in a temporary folder (never the fixtures themselves).
    static func inputs(_ dir: TemporaryDirectory) throws -> (scene: String, samples: String) {
        for name in ["\(sceneName).tiff", "\(sceneName).xml", "samples.csv"] {
            try FileManager.default.copyItem(atPath: (world as NSString).appendingPathComponent(name), toPath: dir.file(name))
        }
        return (dir.file("\(sceneName).tiff"), dir.file("samples.csv"))
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Each command refuses, before any work and with exit 2, an output that is one of its inputs
    /// — the same path, another spelling of it, or a link to it — and leaves the input as it was.
    @Test func anOutputThatIsAnInputIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (scene, samples) = try Self.inputs(dir)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.tiff"), withDestinationPath: scene)
        let calibrate = try ChildProcess.regolith(["calibrate", scene, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        let reflectance = dir.file("refl.tif")
        _ = try ChildProcess.regolith(["krige", samples, "--like", reflectance, "--out", dir.file("map.tif"), "--quiet"])
        let cases: [(arguments: [String], input: String)] = [
            (["calibrate", scene, "--out", scene], scene),
            (["calibrate", scene, "--out", dir.file("link.tiff")], scene),
            (["calibrate", scene, "--out", dir.path + "/./" + Self.sceneName + ".tiff"], scene),
            (["samples", reflectance, samples, "--out", samples], samples),
            (["ndvi", scene, "--out", scene], scene),
            (["krige", samples, "--like", reflectance, "--out", reflectance], reflectance),
            (["krige", samples, "--like", reflectance, "--out", dir.file("v.tif"), "--variance", dir.file("v.tif")], reflectance),
            (["render", dir.file("map.tif"), "--out", dir.file("map.tif")], dir.file("map.tif")),
            (["anomalies", dir.file("map.tif"), "--percentile", "90", "--out", dir.file("a.gpkg"), "--labels", dir.file("map.tif")], dir.file("map.tif")),
            (["compare", dir.file("map.tif"), reflectance, "--json", reflectance], reflectance),
        ]
        for (arguments, input) in cases {
            let before = try Self.bytes(input)
            let result = try ChildProcess.regolith(arguments + ["--quiet"])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("regolith: ") && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(try Self.bytes(input) == before, "\(arguments) changed its input")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("v.tif")), "krige --variance X --out X leaves nothing at X")
        #expect(!dir.contents().contains { $0.contains("partial") || $0.contains("journal") || $0.contains(".lock") })
    }

    /// An output path that is a folder is found before the job, and no journal is left behind.
    @Test func anOutputThatIsAFolderIsRefusedBeforeWork() throws {
        let dir = try TemporaryDirectory()
        let (scene, _) = try Self.inputs(dir)
        try FileManager.default.createDirectory(atPath: dir.file("taken.tif"), withIntermediateDirectories: false)
        let result = try ChildProcess.regolith(["ndvi", scene, "--out", dir.file("taken.tif"), "--quiet"])
        #expect(result.status == 2 && result.stderr.contains("taken.tif: is a folder"), "\(result.stderr)")
        #expect(!dir.contents().contains { $0.contains("partial") || $0.contains("journal") })
    }

    /// A second `invert` on the output of a running one refuses at once, naming the holder; the first
    /// finishes with the same pixels as an undisturbed run.
    @Test func aSecondRunOnALiveOutputRefusesAndTheFirstIsIntact() throws {
        let dir = try TemporaryDirectory()
        let (model, reflectance) = try ModelCommandTests.trained(dir)
        let reference = try ChildProcess.regolith(["invert", model, reflectance, "--out", dir.file("reference.tif"), "--tile-size", "256", "--quiet"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let output = dir.file("content.tif"), lockFile = dir.file("content.partial.tif.lock")
        let first = Mutex<ChildProcessResult?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let result = try? ChildProcess.regolith(["invert", model, reflectance, "--out", output, "--tile-size", "256", "--threads", "1", "--quiet"],
                                                    environment: ["REGOLITH_TEST_TILE_DELAY": "0.5"])
            first.withLock { $0 = result }
            finished.signal()
        }
        // The first run holds the lock once its lock file names it.
        let deadline = Date().addingTimeInterval(60)
        while !((try? String(contentsOfFile: lockFile, encoding: .utf8))?.hasPrefix("pid ") ?? false) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let second = try ChildProcess.regolith(["invert", model, reflectance, "--out", output, "--tile-size", "256", "--quiet"])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("content.tif: another run is writing this output (pid "), "\(second.stderr)")
        #expect(finished.wait(timeout: .now() + 120) == .success)
        let firstResult = first.withLock { $0 }
        #expect(firstResult?.status == 0, "\(firstResult?.stderr ?? "no result")")
        let pixels = try Raster.open(output).read(Raster.open(output).fullWindow, as: Float.self)
        let expected = try Raster.open(dir.file("reference.tif")).read(Raster.open(dir.file("reference.tif")).fullWindow, as: Float.self)
        #expect(pixels == expected)
        #expect(!FileManager.default.fileExists(atPath: lockFile))
    }
}
