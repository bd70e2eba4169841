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
        let pool = try RasterReaderPool(path: path)
        let (windows, bandList, nodata) = try pool.withRaster { raster in
            let bandList = bands ?? Array(1...raster.bandCount)
            return (tileWindows(of: raster), bandList, bandList.map { raster.bands[$0 - 1].nodata })
        }
        let partials = Mutex<[Int: [BandStatistics]]>([:])
        let firstError = Mutex<(any Error)?>(nil)
        let next = Atomic<Int>(0)
        let workers = max(1, min(threads, windows.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var buffer = [Double]()
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < windows.count, firstError.withLock({ $0 == nil }) else { return }
                let window = windows[index]
                do {
                    buffer.removeAll(keepingCapacity: true)
                    buffer.append(contentsOf: repeatElement(0, count: window.pixelCount * bandList.count))
                    try buffer.withUnsafeMutableBufferPointer { samples in
                        try pool.withRaster { try $0.read(window, bands: bandList, into: samples) }
                    }
                    let stats = buffer.withUnsafeBufferPointer { samples in
                        bandList.indices.map { b in
                            var s = BandStatistics()
                            s.add(UnsafeBufferPointer(rebasing: samples[(b * window.pixelCount)..<((b + 1) * window.pixelCount)]),
                                  nodata: nodata[b])
                            return s
                        }
                    }
                    partials.withLock { $0[index] = stats }
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
        return partials.withLock { parts in
            var total = [BandStatistics](repeating: BandStatistics(), count: bandList.count)
            for index in windows.indices {
                for (b, s) in parts[index, default: []].enumerated() { total[b].merge(s) }
            }
            return total
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
