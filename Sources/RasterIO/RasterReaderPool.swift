import Synchronization

/// Reads one raster from many threads safely: each caller borrows a GDAL handle of its own.
///
/// A GDAL dataset handle must never be used by two threads at once (a shared handle returns
/// silently wrong pixels, or crashes on ZSTD input). The pool opens a handle per concurrent
/// borrower, at most one per thread in flight, and keeps them for reuse.
public final class RasterReaderPool: Sendable {
    public let path: String
    public let source: RasterSource
    private let idle = Mutex<[UncheckedRaster]>([])
    private let opened = Atomic<Int>(0)

    /// A pool of handles on a raster file.
    public convenience init(path: String) throws {
        try self.init(source: .file(path))
    }

    /// Opens the source once to check it, and keeps that handle as the first in the pool.
    public init(source: RasterSource) throws {
        self.source = source
        self.path = source.path
        let first = try source.open()
        idle.withLock { $0.append(UncheckedRaster(raster: first)) }
        opened.store(1, ordering: .relaxed)
    }

    /// How many handles the pool has opened so far (one per concurrent borrower at most).
    public var handleCount: Int { opened.load(ordering: .relaxed) }

    /// Runs `body` with a handle no other thread uses meanwhile.
    public func withRaster<R>(_ body: (Raster) throws -> R) throws -> R {
        let borrowed: UncheckedRaster
        if let free = idle.withLock({ $0.popLast() }) {
            borrowed = free
        } else {
            borrowed = UncheckedRaster(raster: try source.open())
            opened.add(1, ordering: .relaxed)
        }
        defer { idle.withLock { $0.append(borrowed) } }
        return try body(borrowed.raster)
    }
}

/// A handle that moves between threads only through the pool's lock, never in use by two at once.
private struct UncheckedRaster: @unchecked Sendable {
    let raster: Raster
}
