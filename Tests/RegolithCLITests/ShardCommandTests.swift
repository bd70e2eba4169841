import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("plan, --shard and mosaic as a user runs them, without Slurm")
struct ShardCommandTests {
    static func scenes(_ dir: TemporaryDirectory) throws -> [String] {
        let origin = TestRasters.studyAreaOrigin
        return try (0..<2).map { index in
            let transform = GeoTransform(originX: origin.originX + Double(index * 520) * 4, originY: origin.originY,
                                         pixelWidth: 4, pixelHeight: 4)
            return try TestRasters.writeScene(dir.file("s\(index).tif"), width: 520, height: 300, geoTransform: transform)
        }
    }

    static func pixels(_ path: String) throws -> [Float] {
        let raster = try Raster.open(path)
        return try raster.read(raster.fullWindow, as: Float.self)
    }

    @Test func planPrintsUnitsTasksAndTheSbatchLine() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.scenes(dir)
        let text = try ChildProcess.regolith(["plan"] + scenes + ["--tasks", "3", "--unit-rows", "100", "--memory", "1GiB", "--command", "ndvi"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2 scene(s), 6 unit(s) of up to 100 rows"))
        #expect(text.stdout.contains("task 2: 2 unit(s)"))
        #expect(text.stdout.contains("sbatch --array=0-2 --cpus-per-task=1 --mem=1197M tools/slurm/regolith-array.sbatch 3 ndvi"))
        let json = try ChildProcess.regolith(["plan"] + scenes + ["--tasks", "3", "--unit-rows", "100", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let tasks = report?["tasks"] as? [[String: Any]]
        #expect(tasks?.map { $0["pixels"] as? Int } == [104_000, 104_000, 104_000])
    }

    @Test func tasksFromSlurmVariablesAndShardThenMosaicEqualOneRun() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.scenes(dir)
        let out = dir.file("sharded")
        let options = ["--out", out, "--unit-rows", "100", "--tile-size", "256", "--quiet"]
        // Before any task ran, mosaic says there is no plan.
        let none = try ChildProcess.regolith(["mosaic", out, "--out", dir.file("m.vrt")])
        #expect(none.status == 1 && none.stderr.contains("plan.json"), "\(none.stderr)")

        let first = try ChildProcess.regolith(["ndvi"] + scenes + options,
                                              environment: ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("task 1/2 (SLURM_ARRAY_TASK_ID=11"), "\(first.stdout)")
        let incomplete = try ChildProcess.regolith(["mosaic", out, "--out", dir.file("m.vrt")])
        #expect(incomplete.status == 1 && incomplete.stderr.contains("missing: ") && incomplete.stderr.contains("task 0"),
                "\(incomplete.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.vrt")))

        // A task resubmitted alone sees a count of 1; the stored plan refuses it and says what to pass.
        let alone = try ChildProcess.regolith(["ndvi"] + scenes + options,
                                              environment: ["SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "1"])
        #expect(alone.status == 1 && alone.stderr.contains("--shard I/2"), "\(alone.stderr)")
        let explicit = try ChildProcess.regolith(["ndvi"] + scenes + options + ["--shard", "0/2"],
                                                 environment: ["SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "1"])
        #expect(explicit.status == 0 && explicit.stdout.contains("task 0/2 (--shard)"), "\(explicit.stderr)")

        let mosaic = try ChildProcess.regolith(["mosaic", out, "--out", dir.file("m.vrt"), "--cog", "--compress", "lzw"])
        #expect(mosaic.status == 0, "\(mosaic.stderr)")
        // `regolith mosaic` keeps the units' band description through the VRT and its COG.
        for file in ["m.vrt", "m.tif"] {
            #expect(try Raster.open(dir.file(file)).bands[0].description.hasPrefix("NDVI"), "\(file) lost the band description")
        }
        #expect(try Raster.open(dir.file("m.tif")).compression == "LZW")
        let whole = try ChildProcess.regolith(["ndvi"] + scenes + ["--out", dir.file("whole"), "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(try Self.pixels(dir.file("m.vrt")) == Self.pixels(dir.file("whole/mosaic.ndvi.vrt")))
    }

    @Test func shardMisuseIsOneClearLine() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.scenes(dir)
        let badShard = try ChildProcess.regolith(["ndvi", scenes[0], "--out", dir.file("o"), "--shard", "2/2"])
        #expect(badShard.status == 2 && badShard.stderr.contains("--shard '2/2'"), "\(badShard.stderr)")
        let file = try ChildProcess.regolith(["ndvi", scenes[0], "--out", dir.file("o.tif"), "--shard", "0/2"])
        #expect(file.status == 1 && file.stderr.contains("writes a folder of units"), "\(file.stderr)")
        let badOut = try ChildProcess.regolith(["mosaic", dir.path, "--out", dir.file("m.png")])
        #expect(badOut.status == 2, "\(badOut.stderr)")
    }
}
