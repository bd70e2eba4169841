import Foundation
import RasterIO
import Testing
import TestSupport

/// Whether the user asked to skip the Slurm tests knowingly.
private let skipSlurmRegion = ProcessInfo.processInfo.environment["REGOLITH_SKIP_SLURM"] == "1"

extension SlurmIntegrationTests {
    /// Submits `run --slurm` for the province of `RunProvinceTests` into `out`; returns the job ids it prints.
    static func submitRegion(_ cluster: SlurmCluster, _ runs: RunProvinceTests.Runs, out: String,
                             environment: [String: String] = [:]) throws -> (array: String, region: String) {
        let result = try ChildProcess.regolith(["run", "\(runs.province)/region.yml", "--out", out, "--slurm", "--memory", "256MiB", "--quiet"],
                                               environment: cluster.environment.merging(environment) { $1 })
        guard result.status == 0 else { throw TestSupportError("run --slurm failed (\(result.status)): \(result.stderr)") }
        var ids: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { ids[String(fields[0])] = String(fields[1]) }
        }
        guard let array = ids["array"], let region = ids["region"] else { throw TestSupportError("run --slurm printed no job ids: \(result.stdout)") }
        return (array, region)
    }

    @Test(.enabled(if: !skipSlurmRegion, "REGOLITH_SKIP_SLURM=1 is set: the Slurm integration test is skipped"),
          .enabled(if: SlurmCluster.missingPrograms.isEmpty,
                   "Slurm and munge are not installed: `bash tools/install-deps.sh --with-slurm` installs them (make test runs it)"),
          .enabled(if: SlurmCluster.runsAsRoot, "the test cluster's slurmd runs jobs as root: run the tests as root"))
    func regionRunOnSlurmEqualsTheInProcessRunAndACancelledProductTaskIsRedone() throws {
        let started = Date()
        func phase(_ name: String) { print(String(format: "slurm region test: %@ at %.1f s", name, Date().timeIntervalSince(started))) }
        let runs = try RunProvinceTests.runs.get()
        phase("in-process reference run ready")
        let cluster = try SlurmCluster()
        defer { cluster.stop() }
        phase("cluster up")

        // Round 1: slow tiles; product task 2 cancelled while it writes its view, which cancels the region job.
        let out = runs.folder.file("slurm-run")
        let round1 = try Self.submitRegion(cluster, runs, out: out, environment: ["REGOLITH_TEST_TILE_DELAY": "2"])
        let victim = 2
        let partial = "\(out)/mosaic.products/\(victim).partial.tif"
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline && !FileManager.default.fileExists(atPath: partial) { usleep(100_000) }
        #expect(FileManager.default.fileExists(atPath: partial), "task \(victim) was caught writing its view\n\(Self.logs(out))")
        try cluster.client("scancel", ["\(round1.array)_\(victim)"])
        let region1 = try cluster.waitForEnd(round1.region)
        let tasks1 = try cluster.waitForEnd(round1.array)
        phase("round 1 ended (task \(victim) cancelled)")
        #expect(tasks1["\(round1.array)_\(victim)"] == "CANCELLED", "\(tasks1)")
        #expect(tasks1.filter { $0.key != "\(round1.array)_\(victim)" }.values.allSatisfy { $0 == "COMPLETED" }, "\(tasks1)\n\(Self.logs(out))")
        #expect(region1.values.allSatisfy { $0 == "CANCELLED" }, "the region job is cancelled with its dependency: \(region1)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/mosaic.products/\(victim).tif") && !FileManager.default.fileExists(atPath: "\(out)/mosaic.tif"))
        let early = try ChildProcess.regolith(["run", "\(runs.province)/region.yml", "--out", out, "--stage", "region", "--quiet"])
        #expect(early.status == 1 && early.stderr.contains("mosaic.products/\(victim).tif: missing:") && early.stderr.contains("a partial view is there"),
                "the region stage refuses without the cancelled task's view: \(early.stderr)")

        // Round 2: the same command again; the finished products are skipped, the cancelled one is made.
        let round2 = try Self.submitRegion(cluster, runs, out: out)
        let region2 = try cluster.waitForEnd(round2.region, timeout: 120)
        phase("round 2 (resubmitted graph) done")
        #expect(region2.values.allSatisfy { $0 == "COMPLETED" }, "region job: \(region2)\n\(Self.logs(out))")
        for task in 0..<RunProvinceTests.products {
            let log = (try? String(contentsOfFile: "\(out)/logs/product-\(round2.array)_\(task).out", encoding: .utf8)) ?? ""
            #expect(log.contains(task == victim ? "wrote \(out)/mosaic.products/\(task).tif" : "skipped"), "task \(task): \(log)")
        }
        try RegionJobGraphTests.expectSameRun(out, as: runs.regionFolder)
    }
}
