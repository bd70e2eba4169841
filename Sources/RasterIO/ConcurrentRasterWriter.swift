import Synchronization

/// One output GeoTIFF written by many threads: its single GDAL handle sits behind a lock, so
/// writes and checkpoints never overlap (a GDAL dataset handle is never used by two threads at once).
public final class ConcurrentRasterWriter: Sendable {
    public let path: String
    private let output: Mutex<UncheckedOutput?>

    public init(_ output: GeoTIFFOutput) {
        path = output.path
        self.output = Mutex(UncheckedOutput(output: output))
    }

    /// Writes a window of all bands (band-sequential) from `values`.
    public func write(_ window: Window, from values: UnsafeBufferPointer<Float>) throws {
        try output.withLock { box in
            guard let box else { throw RasterError(path, .invalidArgument, "written after it was finished") }
            try box.output.raster.write(window, from: values)
        }
    }

    /// Makes everything written so far durable in the file (see `GeoTIFFOutput.flush`).
    public func checkpoint() throws {
        try output.withLock { box in try box?.output.flush() }
    }

    /// Closes the file and moves it to its final path.
    public func commit() throws {
        let finished = output.withLock { box -> UncheckedOutput? in
            defer { box = nil }
            return box
        }
        try finished?.output.commit()
    }
}

/// The output moves between threads only inside the writer's lock.
private struct UncheckedOutput: @unchecked Sendable {
    let output: GeoTIFFOutput
}
