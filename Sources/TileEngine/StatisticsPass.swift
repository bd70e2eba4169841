import Dispatch
import Foundation
import RasterIO
import Synchronization

/// A streamed reduction over a whole raster: per-band statistics of valid pixels, read tile by
/// tile on several threads, each with its own GDAL handle. Tiles are whole file blocks, so each
/// block is decoded once and GDAL's cache can stay small.
///
/// The result does not depend on the thread count: partial results are merged in tile order.
public enum StatisticsPass {
    /// Tiles of about this many pixels (rounded to whole blocks) keep a thread's buffer near 8 MiB
    /// for four Float64 bands.
    public static let targetTilePixels = 256 * 1024

    public static func run(path: String, bands: [Int]? = nil, threads: Int = defaultThreadCount) throws -> [BandStatistics] {
        try run(paths: [path], bands: bands, threads: threads)
    }

    /// Statistics over a set of scenes together (e.g. every scene of a mosaic).
    public static func run(paths: [String], bands: [Int]? = nil, threads: Int = defaultThreadCount) throws -> [BandStatistics] {
        let parts = try reduce(paths: paths, bands: bands, threads: threads, initial: BandStatistics()) { stats, values, nodata in
            stats.add(values, nodata: nodata)
        }
        return parts.map { $0.reduce(into: BandStatistics()) { $0.merge($1) } }
    }

    /// Per-band statistics plus a `bins`-bin histogram over each band's [min, max]: two streamed
    /// passes (extremes first, then counts), for percentiles of whole scenes.
    public static func histograms(paths: [String], bands: [Int]? = nil, bins: Int = 4096,
                                  threads: Int = defaultThreadCount) throws -> [(statistics: BandStatistics, histogram: Histogram)] {
        let statistics = try run(paths: paths, bands: bands, threads: threads)
        let parts = try reduce(paths: paths, bands: bands, threads: threads,
                               initial: { b in Histogram(lower: statistics[b].count > 0 ? statistics[b].minimum : 0,
                                                         upper: statistics[b].count > 0 ? statistics[b].maximum : 0, bins: bins) }) { histogram, values, nodata in
            histogram.add(values, nodata: nodata)
        }
        return statistics.indices.map { b in
            (statistics[b], parts[b].dropFirst().reduce(into: parts[b][0]) { $0.merge($1) })
        }
    }

    /// Runs `accumulate` over every tile of every scene on `threads` workers, each with its own
    /// GDAL handle; returns, per band, the per-tile partial results in a fixed (scene, tile) order.
    static func reduce<Partial: Sendable>(paths: [String], bands: [Int]?, threads: Int, initial: Partial,
                                          accumulate: @escaping @Sendable (inout Partial, UnsafeBufferPointer<Double>, Double?) -> Void) throws -> [[Partial]] {
        try reduce(paths: paths, bands: bands, threads: threads, initial: { _ in initial }, accumulate: accumulate)
    }

    static func reduce<Partial: Sendable>(paths: [String], bands: [Int]?, threads: Int, initial: @escaping @Sendable (Int) -> Partial,
                                          accumulate: @escaping @Sendable (inout Partial, UnsafeBufferPointer<Double>, Double?) -> Void) throws -> [[Partial]] {
        guard !paths.isEmpty else { throw RasterError("", .invalidArgument, "no rasters to compute statistics over") }
        var jobs: [StatisticsJob] = []
        var bandList: [Int] = []
        for path in paths {
            let pool = try RasterReaderPool(path: path)
            let (windows, list, nodata) = try pool.withRaster { raster -> ([Window], [Int], [Double?]) in
                let list = bands ?? Array(1...raster.bandCount)
                for band in list where !(1...raster.bandCount).contains(band) {
                    throw RasterError(path, .mismatch, "has \(raster.bandCount) band(s), no band \(band)")
                }
                return (tileWindows(of: raster), list, list.map { raster.bands[$0 - 1].nodata })
            }
            if bandList.isEmpty { bandList = list }
            guard list.count == bandList.count else {
                throw RasterError(path, .mismatch, "has \(list.count) band(s) where \(paths[0]) has \(bandList.count)")
            }
            jobs += windows.map { StatisticsJob(pool: pool, window: $0, nodata: nodata) }
        }
        let bandCount = bandList.count
        let partials = Mutex<[Int: [Partial]]>([:])
        let firstError = Mutex<(any Error)?>(nil)
        let next = Atomic<Int>(0)
        let workers = max(1, min(threads, jobs.count))
        let sharedJobs = jobs
        let sharedBands = bandList
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var buffer = [Double]()
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < sharedJobs.count, firstError.withLock({ $0 == nil }) else { return }
                let job = sharedJobs[index]
                let n = job.window.pixelCount
                do {
                    buffer.removeAll(keepingCapacity: true)
                    buffer.append(contentsOf: repeatElement(0, count: n * bandCount))
                    try buffer.withUnsafeMutableBufferPointer { samples in
                        try job.pool.withRaster { try $0.read(job.window, bands: sharedBands, into: samples) }
                    }
                    let result = buffer.withUnsafeBufferPointer { samples in
                        (0..<bandCount).map { b in
                            var partial = initial(b)
                            accumulate(&partial, UnsafeBufferPointer(rebasing: samples[(b * n)..<((b + 1) * n)]), job.nodata[b])
                            return partial
                        }
                    }
                    partials.withLock { $0[index] = result }
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
        return partials.withLock { parts in
            (0..<bandCount).map { b in sharedJobs.indices.map { parts[$0]![b] } }
        }
    }

    /// Block-aligned tiles of about `targetTilePixels`, row-major.
    static func tileWindows(of raster: Raster) -> [Window] {
        let (bw, bh) = (max(1, raster.blockSize.width), max(1, raster.blockSize.height))
        let tileWidth = bw >= raster.width ? raster.width : bw * max(1, Int(Double(targetTilePixels).squareRoot()) / bw)
        let tileHeight = bh * max(1, targetTilePixels / max(1, tileWidth) / bh)
        return raster.fullWindow.tiles(width: tileWidth, height: tileHeight)
    }

    public static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// One tile of one scene in a statistics pass.
struct StatisticsJob: Sendable {
    let pool: RasterReaderPool
    let window: Window
    let nodata: [Double?]
}
