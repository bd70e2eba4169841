import Foundation
import RasterIO
import Testing
import TestSupport
@testable import TileEngine

@Suite("Sharded runs: shards, the plan of work units, per-unit outputs equal to the whole run")
struct ShardPlanTests {
    @Test func shardsParseAndComeFromTheSlurmArrayVariables() throws {
        #expect(Shard.parse("3/4") == Shard(index: 3, count: 4))
        #expect(Shard.parse("0/1") == Shard(index: 0, count: 1))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] { #expect(Shard.parse(bad) == nil, "\(bad)") }

        #expect(try Shard.fromSlurm([:]) == nil)
        let task = try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "4"])
        #expect(task == Shard(index: 2, count: 4))
        #expect(task?.origin.contains("SLURM_ARRAY_TASK_ID=5") == true)
        #expect(throws: EngineError.self) { try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "2"]) }
        // --array=1,5: task 5 of a count of 2 is no task of 0..<2.
        #expect(throws: EngineError.self) {
            try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        }
    }

    /// The smallest possible largest load of a contiguous split of `sizes` into at most `tasks` runs.
    static func optimalLargestLoad(_ sizes: [Int], tasks: Int) -> Int {
        let n = sizes.count
        var prefix = [0]
        for size in sizes { prefix.append(prefix.last! + size) }
        // best[k][i]: the best largest load of the first i units over k tasks.
        var best = [[Int]](repeating: [Int](repeating: .max, count: n + 1), count: tasks + 1)
        best[0][0] = 0
        for k in 1...tasks {
            for i in 0...n {
                for j in 0...i where best[k - 1][j] != .max {
                    best[k][i] = min(best[k][i], max(best[k - 1][j], prefix[i] - prefix[j]))
                }
            }
        }
        return best[tasks][n]
    }

    @Test func unitsSplitIntoContiguousRunsWithTheSmallestLargestLoadAndNoIdleTask() {
        var random = SeededGenerator(seed: 8)
        for _ in 0..<300 {
            let count = Int.random(in: 1...12, using: &random)
            let tasks = Int.random(in: 1...6, using: &random)
            let sizes = (0..<count).map { _ in Int.random(in: 1...1000, using: &random) }
            var units = sizes.enumerated().map { WorkUnit(index: $0, scene: 0, firstRow: 0, endRow: 1, pixels: $1, task: -1) }
            ShardPlan.assign(&units, tasks: tasks)
            let assigned = units.map(\.task)
            #expect(assigned.first == 0)
            #expect(zip(assigned, assigned.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 + 1 }, "contiguous: \(assigned)")
            #expect(assigned.allSatisfy { (0..<tasks).contains($0) })
            var loads = [Int](repeating: 0, count: tasks)
            for unit in units { loads[unit.task] += unit.pixels }
            #expect(loads.max() == Self.optimalLargestLoad(sizes, tasks: tasks), "sizes \(sizes) over \(tasks): \(assigned)")
            if count >= tasks { #expect(Set(assigned).count == tasks, "every task works: \(assigned)") }
        }
    }

    /// A batch of scenes at the largest size a raster may have, over a million tasks: the even
    /// shares' (2·start + pixels)·tasks is about 2⁶⁸ and overflowed (a trap in `regolith plan`).
    @Test func evenSharesOfAHugeBatchDoNotOverflow() {
        let unit = 1 << 36 / 64
        var units = (0..<4096).map { WorkUnit(index: $0, scene: $0 / 64, firstRow: 0, endRow: 1, pixels: unit, task: -1) }
        ShardPlan.assign(&units, tasks: ShardPlan.largestTaskCount)
        // More tasks than units: one unit each, in order.
        #expect(units.map(\.task) == Array(0..<4096))
        var two = (0..<4096).map { WorkUnit(index: $0, scene: $0 / 64, firstRow: 0, endRow: 1, pixels: unit, task: -1) }
        ShardPlan.assign(&two, tasks: 2)
        #expect(two.filter { $0.task == 0 }.count == 2048 && two.filter { $0.task == 1 }.count == 2048)
    }

    static func writeScenes(_ dir: TemporaryDirectory) throws -> [String] {
        let origin = TestRasters.studyAreaOrigin
        return try [(600, 530), (400, 700)].enumerated().map { index, size in
            let transform = GeoTransform(originX: origin.originX + Double(index * 700) * 4, originY: origin.originY,
                                         pixelWidth: 4, pixelHeight: 4)
            return try TestRasters.writeScene(dir.file("scene\(index).tif"), width: size.0, height: size.1, geoTransform: transform)
        }
    }

    @Test func thePlanIsDeterministicAndCoversEveryRowOnce() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.writeScenes(dir)
        let plan = try ShardPlan.make(scenes: scenes, unitRows: 256, tasks: 3)
        #expect(try ShardPlan.make(scenes: scenes, unitRows: 256, tasks: 3) == plan)
        #expect(plan.units.map(\.index) == Array(plan.units.indices))
        for (index, scene) in plan.scenes.enumerated() {
            let rows = plan.units.filter { $0.scene == index }.map { $0.firstRow..<$0.endRow }
            #expect(rows.first?.lowerBound == 0 && rows.last?.upperBound == scene.height)
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(rows.allSatisfy { $0.count <= 256 })
        }
        #expect(plan.totalPixels == 600 * 530 + 400 * 700)
        #expect(Set(plan.units.map { plan.outputPath(of: $0, in: "out") }).count == plan.units.count, "one file per unit")
    }

    @Test func aStoredPlanRefusesAnotherRunAndNamesTheDifference() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.writeScenes(dir)
        var plan = try ShardPlan.make(scenes: scenes, unitRows: 256, tasks: 4)
        plan.kernel = "ndvi"
        try plan.storeOrCheck(in: dir.path)
        try plan.storeOrCheck(in: dir.path)
        #expect(try ShardPlan.load(from: dir.path) == plan)
        #expect(!dir.contents().contains { $0.hasSuffix(".tmp") }, "no temporary plan file remains")

        var alone = try ShardPlan.make(scenes: scenes, unitRows: 256, tasks: 1)
        alone.kernel = "ndvi"
        #expect {
            try alone.storeOrCheck(in: dir.path)
        } throws: { error in
            String(describing: error).contains("splits over 4 task(s)") && String(describing: error).contains("--shard I/4")
        }
        var other = plan
        other.kernel = "focal mean 5"
        #expect {
            try other.storeOrCheck(in: dir.path)
        } throws: { error in
            String(describing: error).contains("the operation differs")
        }
    }

    static func pixels(_ path: String) throws -> (width: Int, values: [Float]) {
        let raster = try Raster.open(path)
        return (raster.width, try raster.read(raster.fullWindow, as: Float.self))
    }

    /// A halo kernel across unit borders: every task's units, stacked, equal the whole scene's run.
    @Test func shardedUnitsEqualTheWholeRunAndAFinishedTaskSkipsItsUnits() throws {
        let dir = try TemporaryDirectory()
        let scenes = try Self.writeScenes(dir)
        let kernel = FocalMeanKernel(bands: [2, 4], size: 5)
        var options = EngineOptions()
        options.tileSize = 256
        options.memoryBudget = 1 << 30
        options.threads = 2
        let out = dir.file("sharded")
        let tasks = 3
        var plan: ShardPlan? = nil
        for index in 0..<tasks {
            let result = try SceneBatch.runShard(kernel, scenes: scenes, outputFolder: out, shard: Shard(index: index, count: tasks),
                                                 unitRows: 200, options: options, progress: nil)
            #expect(result.skippedUnits.isEmpty && result.processed.count == result.plan.units(for: index).count)
            plan = result.plan
        }
        let again = try SceneBatch.runShard(kernel, scenes: scenes, outputFolder: out, shard: Shard(index: 1, count: tasks),
                                            unitRows: 200, options: options, progress: nil)
        #expect(again.processed.isEmpty && again.skippedUnits == again.plan.units(for: 1), "a finished task only skips")
        let units = try #require(plan).units
        #expect(try #require(plan).unfinishedUnits(in: out).isEmpty)

        for (index, scene) in scenes.enumerated() {
            let whole = dir.file("whole\(index).tif")
            _ = try TilePipeline.run(kernel, input: scene, output: whole, options: options)
            let expected = try Self.pixels(whole)
            let sceneUnits = units.filter { $0.scene == index }
            // Each unit file holds band 1 then band 2 of its rows; stack them back per band.
            var stacked = [Float]()
            for band in 0..<2 {
                for unit in sceneUnits {
                    let part = try Self.pixels(try #require(plan).outputPath(of: unit, in: out))
                    let n = part.width * (unit.endRow - unit.firstRow)
                    stacked += part.values[(band * n)..<((band + 1) * n)]
                }
            }
            #expect(stacked == expected.values, "scene \(index): the units equal the whole-scene run")
            let first = try Raster.open(try #require(plan).outputPath(of: sceneUnits[1], in: out))
            let reference = try Raster.open(whole)
            #expect(first.geoTransform?.originY == reference.geoTransform.map { $0.originY + Double(sceneUnits[1].firstRow) * $0.pixelHeight },
                    "a unit is georeferenced at its rows")
        }
    }
}
