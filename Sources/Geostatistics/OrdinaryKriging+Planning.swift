extension OrdinaryKriging {
    /// A grid window whose corners lie on multiples of this many pixels from the grid's origin gets
    /// exactly the whole grid's values: the far-field blocks (`GridLattice.blockSize`), the local
    /// neighbourhood's row segments (`SegmentFarField.plannedPixels`) and its column strips
    /// (`KrigingWorkspace.axisFactorStrip`) all start on these multiples. A tile engine must keep it.
    public static var gridAlignment: Int {
        [GridLattice.blockSize, SegmentFarField.plannedPixels, KrigingWorkspace.axisFactorStrip].reduce(1, leastCommonMultiple)
    }

    /// Bytes one thread's workspace holds while it kriges (neighbour candidates, the system cache,
    /// copies of the samples, per-axis factors): what `predictGrid` adds per thread, for a planner.
    public var workspaceBytes: Int {
        let n = samples.count, c = max(maximumNeighbours, 1), m = supportPoints.count
        let slots = global != nil ? 1 : FactorizedSystemCache.slotCount(capacity: c)
        let local = global == nil
        var doubles = 10 * n + 3 * m + 16 * c + slots * (c * c + 10 * c)
        if local { doubles += c * c }
        if local && model.kind == .gaussian { doubles += n * (KrigingWorkspace.axisFactorStrip + 4) }
        return doubles * MemoryLayout<Double>.stride
    }

    /// Bytes built once per kriging on first use and shared by every tile: the global variances'
    /// far-field plans hold a few covariance matrices of the samples.
    public func sharedGridBytes(variances: Bool) -> Int {
        guard variances, global != nil else { return 0 }
        return 3 * samples.count * samples.count * MemoryLayout<Double>.stride
    }
}

private func leastCommonMultiple(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return a / x * b
}
