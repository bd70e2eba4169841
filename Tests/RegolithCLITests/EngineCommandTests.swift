import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("Raster-wide commands as a user runs them: resume after kill -9, many scenes, bad input")
struct EngineCommandTests {
    static func pixels(_ path: String) throws -> [Float] {
        let raster = try Raster.open(path)
        return try raster.read(raster.fullWindow, as: Float.self)
    }

    /// The tiles a journal records as finished: its complete `done` lines (the last line may be torn).
    static func finishedTiles(journal: String) -> Int {
        guard let text = try? String(contentsOfFile: journal, encoding: .utf8) else { return 0 }
        let complete = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
        return Set(complete.filter { $0.hasPrefix("done ") }.flatMap { $0.dropFirst(5).split(separator: " ").compactMap { Int($0) } }).count
    }

    /// Starts `regolith` with `arguments` and tiles slowed down (`REGOLITH_TEST_TILE_DELAY`), waits
    /// until `journal` records at least `tiles` finished tiles, then kills it with SIGKILL. Driven by
    /// the journal, not by wall time: a slow or busy machine only waits longer. Throws when the run
    /// ends before that or the journal does not get there within `timeout` seconds.
    static func runAndKill(_ arguments: [String], whenJournal journal: String, records tiles: Int,
                           tileDelay: Double = 0.05, timeout: Double = 120) throws {
        let log = journal + ".test-stderr"
        defer { unlink(log) }
        let child = try SpawnedProcess([try ChildProcess.regolith] + arguments, environment: ["REGOLITH_TEST_TILE_DELAY": "\(tileDelay)"],
                                       output: "/dev/null", errors: log)
        let deadline = Date().addingTimeInterval(timeout)
        while finishedTiles(journal: journal) < tiles {
            let stderr = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
            if child.exited {
                throw TestSupportError("the run ended (wait status \(child.waitStatus ?? 0)) before its journal recorded \(tiles) tiles "
                                       + "(it has \(finishedTiles(journal: journal))): \(stderr())")
            }
            if Date() > deadline {
                kill(child.pid, SIGKILL)
                child.wait()
                throw TestSupportError("the journal \(journal) recorded \(finishedTiles(journal: journal)) of \(tiles) tiles within \(Int(timeout)) s: \(stderr())")
            }
            usleep(5_000)
        }
        kill(child.pid, SIGKILL)
        child.wait()
        guard child.terminatingSignal == SIGKILL else {
            throw TestSupportError("the run ended by itself (wait status \(child.waitStatus ?? 0)) before the kill landed")
        }
    }

    @Test func killNineAtSeveralMomentsThenResumeGivesTheSamePixels() throws {
        let dir = try TemporaryDirectory()
        // 8 × 6 tiles of 256.
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: 2048, height: 1536)
        let reference = dir.file("reference.tif")
        let whole = try ChildProcess.regolith(["focal-mean", scene, "--size", "9", "--out", reference, "--tile-size", "256", "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")

        let output = dir.file("resumed.tif"), journal = dir.file("resumed.partial.tif.journal")
        let command = ["focal-mean", scene, "--size", "9", "--out", output, "--tile-size", "256",
                       "--checkpoint-seconds", "0.05", "--threads", "2"]
        // Each run resumes the previous one's journal and is killed further on.
        for tiles in [6, 18, 34] {
            try Self.runAndKill(command, whenJournal: journal, records: tiles)
            #expect(!FileManager.default.fileExists(atPath: output), "no file at the final path before the run completes")
        }
        let finalRun = try ChildProcess.regolith(command)
        #expect(finalRun.status == 0, "\(finalRun.stderr)")
        #expect(finalRun.stderr.contains("resuming"), "the last run resumed: \(finalRun.stderr)")
        #expect(try Self.pixels(output) == Self.pixels(reference), "resumed output equals the uninterrupted one")
        #expect(dir.contents().filter { $0.contains("partial") }.isEmpty, "partial file and journal are gone: \(dir.contents())")
    }

    @Test func aChangedCommandRefusesToResumeUntilRestart() throws {
        let dir = try TemporaryDirectory()
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: 1536, height: 1536)
        let output = dir.file("ndvi.tif")
        try Self.runAndKill(["focal-mean", scene, "--size", "9", "--out", output, "--tile-size", "256", "--checkpoint-seconds", "0.05"],
                            whenJournal: dir.file("ndvi.partial.tif.journal"), records: 4)
        let changed = try ChildProcess.regolith(["focal-mean", scene, "--size", "5", "--out", output, "--tile-size", "256"])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("different command") && changed.stderr.contains("--restart"), "\(changed.stderr)")
        #expect(changed.stderr.split(separator: "\n").count == 1)
        let restarted = try ChildProcess.regolith(["focal-mean", scene, "--size", "5", "--out", output, "--tile-size", "256", "--restart", "--quiet"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test func manyScenesFromAListGiveOutputsAndAMosaic() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeScene(dir.file("west.tif"), width: 400, height: 300)
        let east = GeoTransform(originX: 727_000 + 1600, originY: 2_486_000, pixelWidth: 4, pixelHeight: 4)
        try TestRasters.writeScene(dir.file("east.tif"), width: 300, height: 300, geoTransform: east)
        try "# scenes\nwest.tif\n\neast.tif\n".write(toFile: dir.file("scenes.txt"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["ndvi", "@" + dir.file("scenes.txt"), "--out", dir.file("out"), "--cog",
                                                "--log-format", "json", "--compress", "deflate"])
        #expect(result.status == 0, "\(result.stderr)")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).sorted()
        #expect(outputs == ["east.ndvi.tif", "mosaic.ndvi.cog.tif", "mosaic.ndvi.vrt", "west.ndvi.tif"])
        let mosaic = try Raster.open(dir.file("out/mosaic.ndvi.vrt"))
        #expect(mosaic.width == 700 && mosaic.height == 300)
        let westPart = try mosaic.read(Window(x: 0, y: 0, width: 400, height: 300), as: Float.self)
        #expect(westPart == (try Self.pixels(dir.file("out/west.ndvi.tif"))))
        let cog = try Raster.open(dir.file("out/mosaic.ndvi.cog.tif"))
        #expect(cog.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG" && cog.bands[0].overviewCount >= 1)
        // The scenes' band description survives the VRT and the COG; --compress reaches every file.
        let description = try Raster.open(dir.file("out/west.ndvi.tif")).bands[0].description
        #expect(description.hasPrefix("NDVI"), "\(description)")
        #expect(mosaic.bands[0].description == description && cog.bands[0].description == description,
                "mosaic: '\(mosaic.bands[0].description)', COG: '\(cog.bands[0].description)'")
        for file in ["west.ndvi.tif", "east.ndvi.tif", "mosaic.ndvi.cog.tif"] {
            #expect(try Raster.open(dir.file("out/" + file)).compression == "DEFLATE", "\(file) is not DEFLATE")
        }
        // --log-format json: every stderr line is a JSON object.
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["event"] != nil, "not a JSON event line: \(line)")
        }
    }

    @Test func badScenesAreRefusedBeforeAnyWork() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeScene(dir.file("good.tif"), width: 300, height: 200)
        try TestRasters.writeScene(dir.file("three.tif"), width: 300, height: 200, bands: 3)
        try TestRasters.writeScene(dir.file("zone49.tif"), width: 300, height: 200, spatialReference: try SpatialReference("EPSG:32649"))
        _ = FileManager.default.createFile(atPath: dir.file("broken.tif"), contents: Data("not a tiff".utf8))
        let cases: [([String], String, String)] = [
            ([dir.file("good.tif"), dir.file("broken.tif")], dir.file("broken.tif"), "not a raster"),
            ([dir.file("good.tif"), dir.file("missing.tif")], dir.file("missing.tif"), "no such file"),
            ([dir.file("good.tif"), dir.file("three.tif")], dir.file("three.tif"), "has 3 band(s), but ndvi"),
            ([dir.file("good.tif"), dir.file("zone49.tif")], dir.file("zone49.tif"), "UTM zone 49N"),
        ]
        for (scenes, culprit, problem) in cases {
            let result = try ChildProcess.regolith(["ndvi"] + scenes + ["--out", dir.file("out")])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("regolith: \(culprit): ") && result.stderr.contains(problem), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("out/good.ndvi.tif")), "nothing was processed")
        }
        let budget = try ChildProcess.regolith(["ndvi", dir.file("good.tif"), "--out", dir.file("n.tif"), "--memory", "40MiB"])
        #expect(budget.status == 1 && budget.stderr.contains("--memory 40 MiB is too small"), "\(budget.stderr)")
        let usage = try ChildProcess.regolith(["ndvi", dir.file("good.tif"), "--out", dir.file("n.tif"), "--memory", "lots"])
        #expect(usage.status == 2)
    }

    @Test func unwritableOutputFolder() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeScene(dir.file("good.tif"), width: 300, height: 200)
        _ = FileManager.default.createFile(atPath: dir.file("file"), contents: Data())
        let result = try ChildProcess.regolith(["ndvi", dir.file("good.tif"), "--out", dir.file("file/ndvi.tif")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("output folder") && result.stderr.contains("does not exist"), "\(result.stderr)")
    }

    /// Whether this process may mount a tmpfs (root, and a container that grants mounts): tried once.
    static let canMountTmpfs: Bool = {
        guard getuid() == 0, let folder = try? TemporaryDirectory("regolith-mount-probe"),
              let mount = try? ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.path]),
              mount.status == 0 else { return false }
        _ = try? ChildProcess.run("/bin/umount", [folder.path])
        return true
    }()

    /// A full disk mid-write: a clear error, nothing at the final path, and the partial run resumes
    /// once there is room. Needs to mount a tiny tmpfs.
    @Test(.enabled(if: canMountTmpfs, "needs to mount a small tmpfs (root with mount rights); this process cannot"))
    func diskFullDuringAWriteIsResumable() throws {
        let dir = try TemporaryDirectory()
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: 1024, height: 1024)
        let small = dir.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mount = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small])
        try #require(mount.status == 0, "cannot mount a tmpfs to fill: \(mount.stderr)")
        defer { _ = try? ChildProcess.run("/bin/umount", [small]) }
        let output = small + "/mean.tif"
        let full = try ChildProcess.regolith(["focal-mean", scene, "--size", "3", "--out", output, "--tile-size", "256"])
        #expect(full.status == 1)
        let errorLine = full.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(errorLine.hasPrefix("regolith: \(small)/mean") && errorLine.contains("no space left on the device"), "\(full.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "no file at the final path")
        // More room: the same command completes.
        _ = try ChildProcess.run("/bin/mount", ["-o", "remount,size=64m", small])
        let resumed = try ChildProcess.regolith(["focal-mean", scene, "--size", "3", "--out", output, "--tile-size", "256", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let reference = dir.file("reference.tif")
        _ = try ChildProcess.regolith(["focal-mean", scene, "--size", "3", "--out", reference, "--tile-size", "256", "--quiet"])
        #expect(try Self.pixels(output) == Self.pixels(reference))
    }
}
