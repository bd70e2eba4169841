import ArgumentParser
import Foundation
import RasterIO
import TileEngine

/// Options every raster-wide command shares: the memory contract, threads, tiling, resume, logs.
struct EngineCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Peak memory budget, e.g. 256MiB, 2GiB (default: a quarter of RAM, at most 2 GiB). Peak RSS stays under it plus 64 MiB.", valueName: "size"))
    var memory: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Tile edge in pixels, a multiple of 256 (default: the largest that fits --memory).")
    var tileSize: Int?

    @Flag(help: "Discard a previous interrupted run of this output instead of resuming it.")
    var restart = false

    @Option(help: "Progress and log lines on stderr: text or json.")
    var logFormat: ProgressReporter.Format = .text

    @Option(help: "Seconds between resume checkpoints: at most this much work is redone after a kill.")
    var checkpointSeconds: Double = 2

    @Option(help: ArgumentHelp("Run only task I of N (0-based) of the plan `regolith plan` prints, into per-unit files under --out (a folder). Default inside a Slurm array job: from SLURM_ARRAY_TASK_ID/_MIN/_COUNT.", valueName: "I/N"))
    var shard: String?

    @Option(help: "With sharding: scene rows per work unit (all tasks and `regolith plan` must agree).")
    var unitRows: Int = ShardPlan.defaultUnitRows

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let memory, ByteSize.parse(memory) == nil {
            throw ValidationError("--memory '\(memory)' is not a size such as 256MiB or 2GiB")
        }
        guard checkpointSeconds >= 0 else { throw ValidationError("--checkpoint-seconds must not be negative") }
        if let shard, Shard.parse(shard) == nil {
            throw ValidationError("--shard '\(shard)' is not I/N with 0 ≤ I < N, e.g. 3/4")
        }
        guard unitRows >= 1 else { throw ValidationError("--unit-rows must be positive") }
        if let tileSize, tileSize <= 0 || tileSize % TilePlanner.tileSizeQuantum != 0 {
            throw ValidationError("--tile-size must be a positive multiple of \(TilePlanner.tileSizeQuantum)")
        }
    }

    var engineOptions: EngineOptions {
        var options = EngineOptions()
        if let memory, let bytes = ByteSize.parse(memory) { options.memoryBudget = bytes }
        options.threads = threads
        options.tileSize = tileSize
        options.restart = restart
        options.checkpointInterval = checkpointSeconds
        if let delay = ProcessInfo.processInfo.environment[Self.tileDelayVariable].flatMap(Double.init), delay > 0 {
            options.tileDelay = delay
        }
        return options
    }

    /// Slows every tile down by this many seconds, so a test can cancel a task mid-way.
    static let tileDelayVariable = "REGOLITH_TEST_TILE_DELAY"

    /// The task this process runs: `--shard` when given (a task resubmitted alone needs it),
    /// else the Slurm array variables, else nil (an ordinary, whole run).
    func resolvedShard() throws -> Shard? {
        if let shard { return Shard.parse(shard) }
        return try Shard.fromSlurm(ProcessInfo.processInfo.environment)
    }

    /// For commands that write one file and cannot split into work units: refuses a shard (given
    /// or from a Slurm array), since every task would write the same file.
    func refuseSharding(_ command: String) throws {
        if let shard = try resolvedShard() {
            throw CommandFailure(message: "`regolith \(command)` runs whole scenes and cannot be sharded (\(shard.origin) \(shard)); run it outside a job array, or shard `invert`/`ndvi`")
        }
    }

    func progress(task: String, quiet: Bool) -> ProgressReporter {
        ProgressReporter(task: task, format: logFormat, quiet: quiet)
    }
}

extension ProgressReporter.Format: ExpressibleByArgument {}

/// Runs a kernel over the scenes the user named, into one file or a folder with a mosaic.
struct KernelRun {
    let scenes: [String]
    let out: String
    let suffix: String
    let cog: Bool
    let engine: EngineCommandOptions
    let global: GlobalOptions

    func run(_ kernel: some TileKernel) throws {
        global.apply()
        let scenes = try SceneBatch.expand(self.scenes)
        let progress = engine.progress(task: suffix, quiet: global.quiet)
        if let shard = try engine.resolvedShard() {
            try runShard(kernel, scenes: scenes, shard: shard, progress: progress)
            return
        }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        if scenes.count == 1 && (ext == "tif" || ext == "tiff") {
            try SceneBatch.validate(scenes, kernel: kernel)
            let result = try TilePipeline.run(kernel, input: scenes[0], output: out, options: engine.engineOptions, progress: progress)
            report(result)
            if cog {
                let path = URL(fileURLWithPath: out).deletingPathExtension().path + ".cog.tif"
                try RasterCopies.writeCOG(from: out, to: path)
                print("wrote \(path)")
            }
        } else {
            let result = try SceneBatch.run(kernel, scenes: scenes, outputFolder: out, suffix: suffix,
                                            options: engine.engineOptions, cog: cog, progress: progress)
            result.scenes.forEach(report)
            if let mosaic = result.mosaic { print("wrote \(mosaic)") }
            if let cog = result.cog { print("wrote \(cog)") }
        }
    }

    /// One task of a sharded run: per-unit files in the --out folder, no mosaic (`regolith mosaic`
    /// builds it once every task has finished).
    private func runShard(_ kernel: some TileKernel, scenes: [String], shard: Shard, progress: ProgressReporter) throws {
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext != "tif" && ext != "tiff" else {
            throw CommandFailure(message: "\(out): a sharded run (\(shard.origin) \(shard)) writes a folder of units; give --out a folder and build the result with `regolith mosaic`")
        }
        guard !cog else {
            throw CommandFailure(message: "\(out): --cog does not apply to one task of a sharded run (\(shard.origin) \(shard)); pass it to `regolith mosaic`")
        }
        let result = try SceneBatch.runShard(kernel, scenes: scenes, outputFolder: out, shard: shard, unitRows: engine.unitRows,
                                             options: engine.engineOptions, progress: progress)
        let mine = result.plan.units(for: shard.index)
        print("task \(shard) (\(shard.origin)): \(mine.count) unit(s), \(result.skippedUnits.count) finished earlier, \(result.processed.count) run now")
        for processed in result.processed { report(processed.result) }
    }

    private func report(_ result: SceneRunResult) {
        let rate = Double(result.pixels) / max(result.seconds, 1e-9) / 1e6
        let resumed = result.resumedTiles > 0 ? ", \(result.resumedTiles) resumed" : ""
        print(String(format: "wrote %@ (%d tiles%@, %.1f Mpixel/s, %@)", result.output, result.tiles, resumed, rate, result.plan.description))
    }
}
