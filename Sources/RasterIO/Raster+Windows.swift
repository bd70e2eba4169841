import CGDAL

extension Raster {
    /// Reads `window` of the given bands (1-based; all bands when nil) into `buffer`, converting to `T`.
    ///
    /// `buffer` holds `window.pixelCount × bands.count` values in `layout` order.
    public func read<T: RasterScalar>(
        _ window: Window, bands: [Int]? = nil, layout: SampleLayout = .bandSequential,
        into buffer: UnsafeMutableBufferPointer<T>
    ) throws {
        try transfer(GF_Read, window, bands: bands, layout: layout,
                     buffer: UnsafeMutableRawPointer(buffer.baseAddress), capacity: buffer.count, type: T.self)
    }

    /// Reads `window` of the given bands into a new array (see `read(_:bands:layout:into:)`).
    public func read<T: RasterScalar>(
        _ window: Window, bands: [Int]? = nil, layout: SampleLayout = .bandSequential, as type: T.Type
    ) throws -> [T] {
        let count = window.pixelCount * (bands?.count ?? bandCount)
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(window, bands: bands, layout: layout, into: buffer)
            initialized = count
        }
    }

    /// Writes `window` of the given bands from `buffer` (dataset opened for update or created).
    public func write<T: RasterScalar>(
        _ window: Window, bands: [Int]? = nil, layout: SampleLayout = .bandSequential,
        from buffer: UnsafeBufferPointer<T>
    ) throws {
        try transfer(GF_Write, window, bands: bands, layout: layout,
                     buffer: UnsafeMutableRawPointer(mutating: buffer.baseAddress), capacity: buffer.count, type: T.self)
    }

    public func write<T: RasterScalar>(
        _ window: Window, bands: [Int]? = nil, layout: SampleLayout = .bandSequential, from values: [T]
    ) throws {
        try values.withUnsafeBufferPointer { try write(window, bands: bands, layout: layout, from: $0) }
    }

    private func transfer<T: RasterScalar>(
        _ direction: GDALRWFlag, _ window: Window, bands: [Int]?, layout: SampleLayout,
        buffer: UnsafeMutableRawPointer?, capacity: Int, type: T.Type
    ) throws {
        let bandList = bands ?? Array(1...bandCount)
        let verb = direction == GF_Read ? "read" : "write"
        guard !bandList.isEmpty, bandList.allSatisfy({ (1...bandCount).contains($0) }) else {
            throw RasterError(path, .invalidArgument,
                              "cannot \(verb) bands \(bandList): the raster has \(bandCount) band(s)")
        }
        guard !window.isEmpty, fullWindow.contains(window) else {
            throw RasterError(path, .invalidArgument,
                              "cannot \(verb) window \(window): outside the \(width)×\(height) raster")
        }
        let needed = window.pixelCount * bandList.count
        guard capacity >= needed, let buffer else {
            throw RasterError(path, .invalidArgument, "buffer of \(capacity) values is smaller than the \(needed) needed")
        }
        let size = MemoryLayout<T>.stride
        let (pixelSpace, lineSpace, bandSpace): (Int, Int, Int) = switch layout {
        case .bandSequential: (size, size * window.width, size * window.pixelCount)
        case .pixelInterleaved: (size * bandList.count, size * bandList.count * window.width, size)
        }
        var bandMap = bandList.map { Int32($0) }
        GDALFailure.reset()
        let status = GDALDatasetRasterIOEx(
            handle, direction, Int32(window.x), Int32(window.y), Int32(window.width), Int32(window.height),
            buffer, Int32(window.width), Int32(window.height), T.pixelType.gdal,
            Int32(bandList.count), &bandMap, GSpacing(pixelSpace), GSpacing(lineSpace), GSpacing(bandSpace), nil)
        if status != CE_None {
            guard direction == GF_Read else {
                throw RasterError.writeFailure(path, "write of window \(window): \(GDALFailure.lastMessage ?? "GDAL reported an error")")
            }
            throw RasterError.gdal(path, .unreadable, "read of window \(window) failed")
        }
    }
}
