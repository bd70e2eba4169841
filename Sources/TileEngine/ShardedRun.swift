import Foundation
import RasterIO

/// What one task of a sharded run did.
public struct ShardRunResult: Sendable {
    public let shard: Shard
    public let plan: ShardPlan
    /// Units of this task finished by an earlier (killed, requeued or resubmitted) run of it.
    public let skippedUnits: [WorkUnit]
    /// Units this run processed, with their results.
    public let processed: [ProcessedUnit]

    public struct ProcessedUnit: Sendable {
        public let unit: WorkUnit
        public let result: SceneRunResult
    }
}

extension SceneBatch {
    /// Runs one task of a sharded run: stores (or checks) the plan in `outputFolder`, then runs
    /// each of the task's units not finished yet into `units/<scene>/<rows>.tif`. Units go
    /// through the pipeline's temporary file, journal and atomic rename, so a killed task
    /// started again redoes at most one checkpoint interval of one unit.
    public static func runShard(_ kernel: some TileKernel, scenes: [String], outputFolder: String, shard: Shard, unitRows: Int,
                                options: EngineOptions, progress: ProgressReporter?) throws -> ShardRunResult {
        try validate(scenes, kernel: kernel, forMosaic: true)
        // A unit starts a new tile grid at its first row, so units must keep the kernel's alignment too.
        guard unitRows % kernel.tileAlignment == 0 else {
            throw EngineError("--unit-rows \(unitRows) is not a multiple of \(kernel.tileAlignment), the tile alignment `\(kernel.signature.split(separator: " ").first ?? "")` needs for reproducible output")
        }
        var plan = try ShardPlan.make(scenes: scenes, unitRows: unitRows, tasks: shard.count)
        plan.kernel = kernel.signature
        plan.contentInputs = kernel.contentInputs
        plan.nodata = kernel.outputNodata
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        } catch {
            throw RasterError(outputFolder, .notWritable, "cannot create the output folder")
        }
        try plan.storeOrCheck(in: outputFolder)
        var skipped: [WorkUnit] = []
        var processed: [ShardRunResult.ProcessedUnit] = []
        for unit in plan.units(for: shard.index) {
            let output = plan.outputPath(of: unit, in: outputFolder)
            if FileManager.default.fileExists(atPath: output) {
                skipped.append(unit)
                continue
            }
            let folder = (output as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw RasterError(folder, .notWritable, "cannot create the unit folder")
            }
            let result = try TilePipeline.run(kernel, input: scenes[unit.scene], output: output, region: plan.window(of: unit),
                                              options: options, progress: progress)
            processed.append(ShardRunResult.ProcessedUnit(unit: unit, result: result))
        }
        if !skipped.isEmpty {
            progress?.note("task \(shard): \(skipped.count) unit(s) were finished by an earlier run")
        }
        return ShardRunResult(shard: shard, plan: plan, skippedUnits: skipped, processed: processed)
    }
}
