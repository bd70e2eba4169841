import Foundation
import RasterIO
import Testing
import TestSupport

/// Whether the user asked to skip the Slurm test knowingly.
private let skipSlurm = ProcessInfo.processInfo.environment["REGOLITH_SKIP_SLURM"] == "1"

@Suite("Slurm: a job array on a real one-node cluster, its mosaic job, a cancelled and resubmitted task", .serialized)
struct SlurmIntegrationTests {
    /// The engine command under test, with its options and any arguments before the scenes: the
    /// paper CNN of the PyTorch interop fixture over every pixel (`--everywhere`: its random weights
    /// come with no applicability domain for these test scenes).
    static let command = "invert \(repository)/fixtures/reference/cnn --everywhere"
    static let sceneWidth = 700, sceneHeight = 600, tasks = 4

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var submitScript: String { repository + "/tools/slurm/submit.sh" }

    /// Three test scenes side by side (each east of the previous), with nodata pixels, so the
    /// mosaic shows every unit.
    static func makeScenes(in folder: TemporaryDirectory) throws -> [String] {
        let origin = TestRasters.studyAreaOrigin
        return try (0..<3).map { index in
            let transform = GeoTransform(originX: origin.originX + Double(index * sceneWidth) * origin.pixelWidth,
                                         originY: origin.originY, pixelWidth: origin.pixelWidth, pixelHeight: abs(origin.pixelHeight))
            return try TestRasters.writeScene(folder.file("scene\(index + 1).tif"), width: sceneWidth, height: sceneHeight,
                                              geoTransform: transform)
        }
    }

    static func pixels(_ path: String) throws -> (width: Int, height: Int, values: [Float]) {
        let raster = try Raster.open(path)
        return (raster.width, raster.height, try raster.read(raster.fullWindow, as: Float.self))
    }

    /// Submits the array and the mosaic job with tools/slurm/submit.sh; returns their job ids.
    static func submit(_ cluster: SlurmCluster, scenes: [String], out: String, mosaic: String, extra: [String] = [],
                       environment: [String: String] = [:]) throws -> (array: String, mosaic: String) {
        // 3 units of 200 rows per scene, 3 tiles each: 9 units, 2 or 3 per task.
        let arguments = ["--command", command, "--tasks", "\(tasks)", "--out", out, "--mosaic", mosaic, "--cpus", "1",
                         "--memory", "256MiB", "--tile-size", "256", "--unit-rows", "200"] + extra + scenes
        let result = try ChildProcess.run("/bin/bash", [submitScript] + arguments,
                                          environment: cluster.environment.merging(["REGOLITH": try ChildProcess.regolith]) { $1 }
                                              .merging(environment) { $1 })
        guard result.status == 0 else { throw TestSupportError("submit.sh failed (\(result.status)): \(result.stderr)") }
        var ids: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { ids[String(fields[0])] = String(fields[1]) }
        }
        guard let array = ids["array"], let mosaicJob = ids["mosaic"] else {
            throw TestSupportError("submit.sh printed no job ids: \(result.stdout)")
        }
        return (array, mosaicJob)
    }

    static func logs(_ out: String) -> String {
        let folder = out + "/logs"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return names.map { "\($0): " + ((try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) ?? "") }.joined(separator: "\n")
    }

    /// The parts of plan.json the test needs (decoded independently of the engine's types).
    struct StoredPlan: Decodable {
        struct Scene: Decodable { let stem: String }
        struct Unit: Decodable { let scene: Int, firstRow: Int, endRow: Int, task: Int }
        let scenes: [Scene]
        let units: [Unit]

        func path(_ unit: Unit, in out: String) -> String {
            String(format: "%@/units/%@/rows-%06d-%06d.tif", out, scenes[unit.scene].stem, unit.firstRow, unit.endRow)
        }
    }

    @Test(.enabled(if: !skipSlurm, "REGOLITH_SKIP_SLURM=1 is set: the Slurm integration test is skipped"),
          .enabled(if: SlurmCluster.missingPrograms.isEmpty,
                   "Slurm and munge are not installed: `bash tools/install-deps.sh --with-slurm` installs them (make test runs it)"),
          .enabled(if: SlurmCluster.runsAsRoot, "the test cluster's slurmd runs jobs as root: run the tests as root"))
    func arrayTasksAndTheMosaicJobEqualOneProcessAndACancelledTaskResumes() throws {
        let started = Date()
        // Where the time goes, in the test log (CI machines differ).
        func phase(_ name: String) {
            print(String(format: "slurm test: %@ at %.1f s", name, Date().timeIntervalSince(started)))
        }
        let folder = try TemporaryDirectory("regolith-slurm-data")
        let scenes = try Self.makeScenes(in: folder)
        let single = folder.file("single")
        let whole = try ChildProcess.regolith(Self.command.split(separator: " ").map(String.init) + scenes + ["--out", single, "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
        // The batch mosaic is mosaic.<the command's output suffix>.vrt.
        let mosaicName = try #require(try FileManager.default.contentsOfDirectory(atPath: single)
            .first { $0.hasPrefix("mosaic.") && $0.hasSuffix(".vrt") }, "the single-process run wrote no mosaic")
        let reference = try Self.pixels(single + "/" + mosaicName)
        #expect(reference.width == 3 * Self.sceneWidth && reference.height == Self.sceneHeight)

        phase("scenes and the single-process reference ready")
        let cluster = try SlurmCluster()
        defer { cluster.stop() }
        phase("cluster up")

        // Round 1: four array tasks and the mosaic job that waits for them.
        let first = folder.file("run1")
        let round1 = try Self.submit(cluster, scenes: scenes, out: first, mosaic: first + "/mosaic.vrt")
        let mosaic1 = try cluster.waitForEnd(round1.mosaic)
        let tasks1 = try cluster.waitForEnd(round1.array)
        phase("round 1 (array and mosaic job) done")
        #expect(mosaic1.values.allSatisfy { $0 == "COMPLETED" }, "mosaic job: \(mosaic1)\n\(Self.logs(first))")
        #expect(tasks1.count == Self.tasks && tasks1.values.allSatisfy { $0 == "COMPLETED" }, "array: \(tasks1)\n\(Self.logs(first))")
        let sharded = try Self.pixels(first + "/mosaic.vrt")
        #expect(sharded.width == reference.width && sharded.height == reference.height)
        #expect(sharded.values == reference.values, "the array's mosaic equals the single-process run pixel for pixel")

        // Round 2: slow tiles, one task cancelled once it finished a unit and checkpointed part of
        // the next; its mosaic job must be cancelled with it; the task resubmitted alone resumes.
        let second = folder.file("run2")
        let slow = ["REGOLITH_TEST_TILE_DELAY": "0.4"]
        let victim = 2
        let round2 = try Self.submit(cluster, scenes: scenes, out: second, mosaic: second + "/mosaic.tif",
                                     extra: ["--command", Self.command + " --checkpoint-seconds 0"], environment: slow)
        let deadline = Date().addingTimeInterval(45)
        var midWay = false
        while Date() < deadline && !midWay {
            usleep(100_000)
            guard let data = FileManager.default.contents(atPath: second + "/plan.json"),
                  let plan = try? JSONDecoder().decode(StoredPlan.self, from: data) else { continue }
            let units = plan.units.filter { $0.task == victim }
            guard units.count >= 2 else { Issue.record("task \(victim) has \(units.count) unit(s); the test needs 2 or more"); break }
            // The pipeline's partial file is <stem>.partial.tif, its journal beside it.
            let partial = plan.path(units[1], in: second).replacingOccurrences(of: ".tif", with: ".partial.tif")
            let journal = (try? String(contentsOfFile: partial + ".journal", encoding: .utf8)) ?? ""
            midWay = FileManager.default.fileExists(atPath: plan.path(units[0], in: second)) && journal.contains("\ndone ")
        }
        #expect(midWay, "task \(victim) was caught after one unit and part of the next\n\(Self.logs(second))")
        // A second copy of the running task (a requeue racing the old instance, or the same command in
        // another terminal) skips the finished unit and refuses the live one instead of sharing its file.
        let duplicate = try ChildProcess.regolith(Self.command.split(separator: " ").map(String.init) + ["--checkpoint-seconds", "0"] + scenes
                                                  + ["--out", second, "--shard", "\(victim)/\(Self.tasks)", "--unit-rows", "200",
                                                     "--tile-size", "256", "--memory", "256MiB", "--threads", "1", "--quiet"])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("another run is writing this output (pid "),
                "a duplicate of a running task refuses: \(duplicate.status) \(duplicate.stderr)")
        try cluster.client("scancel", ["\(round2.array)_\(victim)"])
        phase("task \(victim) cancelled mid-way")
        let mosaic2 = try cluster.waitForEnd(round2.mosaic)
        let tasks2 = try cluster.waitForEnd(round2.array)
        phase("round 2's other tasks done, its mosaic job cancelled")
        #expect(tasks2["\(round2.array)_\(victim)"] == "CANCELLED", "\(tasks2)")
        #expect(mosaic2.values.allSatisfy { $0 == "CANCELLED" }, "the mosaic job is cancelled with its dependency: \(mosaic2)")
        #expect(!FileManager.default.fileExists(atPath: second + "/mosaic.tif"))
        let early = try ChildProcess.regolith(["mosaic", second, "--out", folder.file("early.vrt")])
        #expect(early.status == 1 && early.stderr.contains("missing:") && early.stderr.contains("task \(victim)"),
                "mosaic refuses an incomplete run and names the task: \(early.stderr)")

        let resubmitted = try Self.submit(cluster, scenes: scenes, out: second, mosaic: second + "/mosaic.tif",
                                          extra: ["--indices", "\(victim)", "--after", round2.array])
        let mosaic3 = try cluster.waitForEnd(resubmitted.mosaic)
        phase("resubmitted task and the new mosaic job done")
        #expect(mosaic3.values.allSatisfy { $0 == "COMPLETED" }, "mosaic job: \(mosaic3)\n\(Self.logs(second))")
        let resumedLog = (try? String(contentsOfFile: second + "/logs/task-\(resubmitted.array)_\(victim).out", encoding: .utf8)) ?? ""
        #expect(resumedLog.contains("1 finished earlier"), "the resubmitted task skips its finished unit: \(resumedLog)")
        #expect(resumedLog.contains("resuming"), "and resumes its partial unit from the journal: \(resumedLog)")
        let recovered = try Self.pixels(second + "/mosaic.tif")
        #expect(recovered.values == reference.values, "the COG mosaic after a cancel and resubmit equals the single-process run")
    }
}
