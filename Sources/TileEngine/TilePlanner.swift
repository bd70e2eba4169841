import RasterIO

/// How a kernel's run fits a memory budget: the tile size, how many tiles are in flight, and how
/// much of the budget GDAL's block cache gets.
///
/// `--memory` is a contract on the whole process: peak RSS stays under the budget plus a fixed
/// overhead of at most 64 MiB (codec work buffers, allocator slack). The planner measures what the
/// process already holds (the Swift runtime, GDAL and its libraries: about 60–70 MiB) and splits
/// the rest between tile buffers (input with halo, state, output, kernel scratch, for each tile in
/// flight), the source blocks each reading thread decodes, and GDAL's cache.
public struct TilePlan: Sendable, Equatable, CustomStringConvertible {
    /// Core tile edge in pixels; a multiple of the output block size.
    public let tileSize: Int
    /// The output GeoTIFF's block edge (512, or 256 for tiles that are not multiples of 512).
    public let blockSize: Int
    /// Tiles being worked on at once: one per worker thread.
    public let tilesInFlight: Int
    public let cacheBytes: Int
    public let bytesPerTile: Int
    /// What each reading thread holds decoded of its sources' blocks (`RasterSource.decodedBlocks`).
    public let sourceBlockBytesPerThread: Int
    public let budget: Int
    public let baseline: Int

    public var description: String {
        "tiles \(tileSize)×\(tileSize) (blocks \(blockSize)), \(tilesInFlight) in flight × \(ByteSize.format(bytesPerTile)), source blocks \(ByteSize.format(sourceBlockBytesPerThread)) per thread, GDAL cache \(ByteSize.format(cacheBytes)), budget \(ByteSize.format(budget)) of which \(ByteSize.format(baseline)) already resident"
    }
}

public struct PlanningError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public enum TilePlanner {
    public static let tileSizeQuantum = 256
    public static let largestTile = 2048
    /// The largest tile a user may ask for: 1 GiB of float32 per band, and far from overflowing
    /// the planner's byte counts.
    public static let largestRequestedTile = 16384

    /// Why a requested tile edge cannot be used, or nil.
    public static func tileSizeProblem(_ size: Int) -> String? {
        guard size > 0, size % tileSizeQuantum == 0 else { return "\(size) is not a positive multiple of \(tileSizeQuantum)" }
        guard size <= largestRequestedTile else { return "\(size) is larger than the largest tile, \(largestRequestedTile)" }
        return nil
    }
    public static let smallestCache = 16 << 20
    /// A compressing thread's codec state (ZSTD context and buffers).
    public static let codecBytesPerThread = 8 << 20

    /// Bytes one tile in flight holds: input (with halo) as Float32 plus its state byte, the
    /// output as Float32, kernel scratch, and GDAL's work copies of the output blocks it writes.
    public static func bytesPerTile(tileSize t: Int, halo: Int, inputBands: Int, outputBands: Int, scratchBytesPerPixel: Int) -> Int {
        let inputPixels = (t + 2 * halo) * (t + 2 * halo)
        return inputPixels * (4 * inputBands + 1) + t * t * (4 * outputBands * 2 + scratchBytesPerPixel)
    }

    /// The largest tile edge that still gives each of `threads` two tiles of a `width` × `height`
    /// area (at least the quantum), for work done in the reads, which run only as parallel as the tiles.
    public static func largestTile(sharing width: Int, _ height: Int, among threads: Int) -> Int {
        var edge = largestTile
        func tiles(_ t: Int) -> Int { ((width + t - 1) / t) * ((height + t - 1) / t) }
        while edge > tileSizeQuantum && tiles(edge) < 2 * threads { edge /= 2 }
        return edge
    }

    public static func plan(budget: Int, baseline: Int, threads: Int, halo: Int, inputBands: Int, outputBands: Int,
                            scratchBytesPerPixel: Int = 0, scratchBytesPerThread: Int = 0, sharedScratchBytes: Int = 0,
                            sourceBlocks: [DecodedBlock] = [], tileAlignment: Int = 1, sceneWidth: Int, sceneHeight: Int,
                            requestedTileSize: Int? = nil, largestChosenTile: Int = largestTile) throws -> TilePlan {
        // Every tile size the planner may choose is a multiple of the quantum; a kernel whose output
        // depends on an alignment the quantum does not keep cannot be tiled reproducibly.
        guard tileAlignment >= 1, tileSizeQuantum % tileAlignment == 0 else {
            throw PlanningError(description: "the kernel needs tiles aligned to \(tileAlignment) pixels, which \(tileSizeQuantum)-pixel tiles do not keep")
        }
        // Each reading thread holds a decoded block of every file it reads while it reads it, outside
        // the cache's count: an L1A image's strips span the whole image width.
        let sourceBlockBytes = sourceBlocks.reduce(0) { $0 + $1.bytes }
        let available = budget - baseline - threads * (scratchBytesPerThread + sourceBlockBytes) - sharedScratchBytes
        func cost(_ t: Int) -> Int {
            bytesPerTile(tileSize: t, halo: halo, inputBands: inputBands, outputBands: outputBands, scratchBytesPerPixel: scratchBytesPerPixel)
        }
        // The cache must hold the output blocks of every tile in flight while they are written,
        // plus the input blocks a tile's halo shares with its neighbours. It is counted twice:
        // GDAL's multi-threaded compression copies every dirty block it flushes (measured: with a
        // generous cache, peak RSS grew by about the cache size again). Each compressing thread
        // also holds a ZSTD context (a few MiB).
        func cacheNeed(_ t: Int) -> Int {
            max(smallestCache, threads * t * t * 4 * (outputBands + inputBands))
        }
        func overhead(_ t: Int) -> Int { 2 * cacheNeed(t) + threads * codecBytesPerThread }
        func fits(_ t: Int) -> Bool { threads * cost(t) + overhead(t) <= available }

        let minimum = threads * cost(tileSizeQuantum) + overhead(tileSizeQuantum) + threads * (scratchBytesPerThread + sourceBlockBytes) + sharedScratchBytes
        func rounded(_ bytes: Int) -> String { ByteSize.format(((bytes + (1 << 20) - 1) >> 20) << 20) }
        let refused = available <= 0 || !fits(tileSizeQuantum) && requestedTileSize == nil
        let fitsWithoutSourceBlocks = threads * cost(tileSizeQuantum) + overhead(tileSizeQuantum) <= available + threads * sourceBlockBytes
        if refused, fitsWithoutSourceBlocks, let largest = sourceBlocks.max(by: { $0.bytes < $1.bytes }) {
            // Name the file whose blocks do not fit: the remedy may be re-tiling it, not more memory.
            throw PlanningError(description: "--memory \(ByteSize.format(budget)) is too small for the blocks its sources decode: each of \(threads) reading thread(s) holds \(ByteSize.format(sourceBlockBytes)) of them, the largest \(largest); give at least \(rounded(baseline + minimum)) (rounded up), fewer --threads, or re-tile the file (gdal_translate -co TILED=YES)")
        }
        guard available > 0, fits(tileSizeQuantum) || requestedTileSize != nil else {
            throw PlanningError(description: "--memory \(ByteSize.format(budget)) is too small: the process already holds \(ByteSize.format(baseline)) and \(threads) tile(s) of \(tileSizeQuantum) px need \(ByteSize.format(minimum)) more; give at least \(rounded(baseline + minimum)) (rounded up) or fewer --threads")
        }
        let tileSize: Int
        if let requested = requestedTileSize {
            if let problem = tileSizeProblem(requested) { throw PlanningError(description: "--tile-size: \(problem)") }
            guard fits(requested) else {
                throw PlanningError(description: "--tile-size \(requested) does not fit --memory \(ByteSize.format(budget)): \(threads) tile(s) need \(ByteSize.format(threads * cost(requested) + overhead(requested))) besides the \(ByteSize.format(baseline)) the process holds; use a smaller tile, fewer --threads or more --memory")
            }
            tileSize = requested
        } else {
            // The largest tile that fits, but no larger than the scene needs.
            let sceneEdge = max(sceneWidth, sceneHeight)
            var t = tileSizeQuantum
            while t * 2 <= min(largestTile, largestChosenTile) && fits(t * 2) && t < sceneEdge { t *= 2 }
            tileSize = t
        }
        let cache = cacheNeed(tileSize)
        return TilePlan(tileSize: tileSize, blockSize: tileSize % 512 == 0 ? 512 : 256, tilesInFlight: threads,
                        cacheBytes: cache, bytesPerTile: cost(tileSize), sourceBlockBytesPerThread: sourceBlockBytes,
                        budget: budget, baseline: baseline)
    }
}
