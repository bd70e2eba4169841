import ArgumentParser
import Foundation
import Pipeline
import RasterIO
import TileEngine

/// Options every raster-wide command shares: the memory contract, threads, tiling, resume, logs.
struct EngineCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Peak memory budget, e.g. 256MiB, 2GiB (default: a quarter of RAM, at most 2 GiB). Peak RSS stays under it plus 64 MiB.", valueName: "size"))
    var memory: String?

    // Optional, so the help shows the hand-written default rather than this machine's core count.
    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).")
    var threadCount: Int?
    var threads: Int { threadCount ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Tile edge in pixels, a multiple of 256 up to 16384 (default: the largest that fits --memory).")
    var tileSize: Int?

    @Flag(help: "Discard a previous interrupted run of this output instead of resuming it.")
    var restart = false

    @Option(help: "GeoTIFF compression of the outputs: zstd, or deflate or lzw for readers built without ZSTD (older GDAL, ArcGIS). Floating-point outputs get predictor 3 with each.")
    var compress: GeoTIFFOptions.Compression = .zstd

    @Option(help: "ZSTD level of the outputs, 1 (fastest) to 22 (smallest). GDAL's own default is 9; level 1 writes a content map about twice as fast for a file about 2 % larger.")
    var zstdLevel: Int = EngineOptions.defaultZstdLevel

    @Option(help: "Progress and log lines on stderr: text or json.")
    var logFormat: ProgressReporter.Format = .text

    @Option(help: "Seconds between resume checkpoints: at most this much work is redone after a kill.")
    var checkpointSeconds: Double = 2

    @Option(help: ArgumentHelp("Run only task I of N (0-based) of the plan `regolith plan` prints, into per-unit files under --out (a folder). Default inside a Slurm array job: from SLURM_ARRAY_TASK_ID/_MIN/_COUNT.", valueName: "I/N"))
    var shard: String?

    @Option(help: "With sharding: scene rows per work unit (all tasks and `regolith plan` must agree).")
    var unitRows: Int = ShardPlan.defaultUnitRows

    func validate() throws {
        if let problem = SettingRules.threads(threads) { throw ValidationError("--threads: \(problem)") }
        if let problem = memory.flatMap(SettingRules.memory) { throw ValidationError("--memory: \(problem)") }
        if let problem = SettingRules.nonNegative(checkpointSeconds) { throw ValidationError("--checkpoint-seconds: \(problem)") }
        if let shard, Shard.parse(shard) == nil {
            throw ValidationError("--shard '\(shard)' is not I/N with 0 ≤ I < N, e.g. 3/4")
        }
        guard unitRows >= 1 else { throw ValidationError("--unit-rows must be positive") }
        if let problem = SettingRules.count(zstdLevel, in: 1...22) { throw ValidationError("--zstd-level: \(problem)") }
        if let problem = tileSize.flatMap(SettingRules.tileSize) { throw ValidationError("--tile-size: \(problem)") }
    }

    var engineOptions: EngineOptions {
        var options = EngineOptions()
        if let memory, let bytes = ByteSize.parse(memory) { options.memoryBudget = bytes }
        options.threads = threads
        options.tileSize = tileSize
        options.restart = restart
        options.checkpointInterval = checkpointSeconds
        options.compression = compress
        options.zstdLevel = zstdLevel
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
        try Self.refuse(try resolvedShard(), command: command)
    }

    static func refuse(_ shard: Shard?, command: String) throws {
        if let shard {
            throw CommandFailure(message: "`regolith \(command)` runs whole scenes and cannot be sharded (\(shard.origin) \(shard)); run it outside a job array, or shard `invert`/`ndvi`")
        }
    }

    func progress(task: String, quiet: Bool) -> ProgressReporter {
        ProgressReporter(task: task, format: logFormat, quiet: quiet)
    }
}

extension ProgressReporter.Format: ExpressibleByArgument {}

extension GeoTIFFOptions.Compression: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { userChoices.map(\.name) }
    public var defaultValueDescription: String { name }
}
