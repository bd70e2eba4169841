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
        try runShard(kernels: scenes.map { _ in kernel }, scenes: scenes, outputFolder: outputFolder, shard: shard, unitRows: unitRows,
                     options: options, progress: progress)
    }

    /// `kernels[i]` maps `scenes[i]` (e.g. DN products, each with its own calibration), read through
    /// `source` (e.g. orthorectified on the way in; the plan's units are rows of that view).
    public static func runShard<Kernel: TileKernel>(kernels: [Kernel], scenes: [String], outputFolder: String, shard: Shard, unitRows: Int,
                                                    options: EngineOptions, progress: ProgressReporter?,
                                                    source: (@Sendable (String) throws -> RasterSource)? = nil) throws -> ShardRunResult {
        guard kernels.count == scenes.count, let kernel = kernels.first else {
            throw EngineError("\(outputFolder): one kernel per scene, \(kernels.count) for \(scenes.count)")
        }
        try validate(scenes, kernel: kernel, forMosaic: true, source: source ?? { .file($0) })
        for (scene, sceneKernel) in zip(scenes, kernels) where sceneKernel.inputBands != kernel.inputBands {
            try validate([scene], kernel: sceneKernel, forMosaic: true, source: source ?? { .file($0) })
        }
        // A unit starts a new tile grid at its first row, so units must keep the kernel's alignment too.
        guard unitRows % kernel.tileAlignment == 0 else {
            throw EngineError("--unit-rows \(unitRows) is not a multiple of \(kernel.tileAlignment), the tile alignment `\(kernel.signature.split(separator: " ").first ?? "")` needs for reproducible output")
        }
        var plan = try ShardPlan.make(scenes: scenes, unitRows: unitRows, tasks: shard.count, source: source)
        plan.kernel = signature(of: kernels)
        plan.contentInputs = kernels.flatMap(\.contentInputs).reduce(into: [ContentInput]()) { inputs, input in
            if !inputs.contains(input) { inputs.append(input) }
        }
        plan.nodata = kernel.outputNodata
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        } catch {
            throw RasterError(outputFolder, .notWritable, "cannot create the output folder")
        }
        try plan.storeOrCheck(in: outputFolder)
        var skipped: [WorkUnit] = []
        var processed: [ShardRunResult.ProcessedUnit] = []
        var sources: [Int: RasterSource] = [:]
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
            // One view per scene for all its units (an orthorectified view checks the RPC and DEM when made).
            let scene = scenes[unit.scene]
            let view = try sources[unit.scene] ?? source?(scene) ?? .file(scene)
            sources[unit.scene] = view
            let result = try TilePipeline.run(kernels[unit.scene], source: view, outputs: [output],
                                              region: plan.window(of: unit), options: options, progress: progress)
            processed.append(ShardRunResult.ProcessedUnit(unit: unit, result: result))
        }
        if !skipped.isEmpty {
            progress?.note("task \(shard): \(skipped.count) unit(s) were finished by an earlier run")
        }
        return ShardRunResult(shard: shard, plan: plan, skippedUnits: skipped, processed: processed)
    }

    /// The plan's record of the operation: the kernel's signature, or each scene's when they differ
    /// (e.g. each DN product with its own calibration folded in).
    static func signature<Kernel: TileKernel>(of kernels: [Kernel]) -> String {
        let signatures = kernels.map(\.signature)
        guard Set(signatures).count > 1 else { return signatures[0] }
        return signatures.enumerated().map { "scene \($0 + 1): \($1)" }.joined(separator: " | ")
    }
}
