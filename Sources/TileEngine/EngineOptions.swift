import Foundation
import RasterIO

/// How the engine runs: the memory contract, threads, tiling, resume policy.
public struct EngineOptions: Sendable {
    /// Peak RSS stays under this plus a fixed overhead of at most 64 MiB.
    public var memoryBudget: Int = EngineOptions.defaultMemoryBudget
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Core tile edge; nil lets the planner choose the largest that fits.
    public var tileSize: Int? = nil
    /// Discard a previous partial run instead of resuming it.
    public var restart = false
    /// Keep a finished output made by the same operation from the same inputs (its identity, which
    /// it records, `TilePipeline.identityKey`) instead of making it again: a rerun of a chain of
    /// steps (`run`) picks up after its last finished raster, and the next step's partial output
    /// finds its input unchanged. Off for single commands, which remake what they are asked to.
    public var keepsFinishedOutputs = false
    /// Seconds between checkpoints (flush + journal): at most this much work is redone after a kill.
    public var checkpointInterval: Double = 2
    /// Seconds to pause after each tile: zero, except where a test must catch a run mid-way
    /// (the Slurm test cancels an array task while it works; set by REGOLITH_TEST_TILE_DELAY).
    public var tileDelay: Double = 0
    /// GeoTIFF compression of the outputs (and their COGs); ZSTD unless a reader needs another.
    public var compression: GeoTIFFOptions.Compression = .zstd
    /// ZSTD level of the tile outputs. Level 1, not GDAL's 9: on a full-scene content map (Float32,
    /// predictor 3) it writes 2.2 × faster for a file 2.2 % larger (`gdal_translate -co ZSTD_LEVEL=…`
    /// of the same map: 2.1 s against 4.6 s of CPU, 127.2 MB against 124.4 MB), and compressing is
    /// most of a map's I/O cost.
    public var zstdLevel: Int = EngineOptions.defaultZstdLevel
    public static let defaultZstdLevel = 1

    public init() {}

    /// A quarter of physical memory, at most 2 GiB.
    public static var defaultMemoryBudget: Int {
        min(2 << 30, Int(ProcessInfo.processInfo.physicalMemory / 4))
    }
}

/// A failure of an engine run that is not one file's problem (budget, journal, options).
public struct EngineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
