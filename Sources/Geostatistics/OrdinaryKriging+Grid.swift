import Foundation
import Synchronization

extension OrdinaryKriging {
    /// Kriges every pixel centre of `window` into row-major buffers of `window.pixelCount` values, on
    /// at most `parallelism` threads (the caller's share: a tile engine passes its tile's), over bands
    /// of rows or far-field blocks. Pass nil for `variances` to skip the variance: for a global
    /// neighbourhood the prediction is one dot product per pixel, the variance a triangular solve
    /// (n²/2 multiply-adds, run eight pixels at a time).
    /// Pixels without a sample in their neighbourhood get `missingValue`.
    ///
    /// When the window is a tile of a larger grid, pass that grid's outer corner as `gridOrigin` for
    /// every tile (and for the whole grid): a global exponential model interpolates its far field over
    /// blocks laid out and planned from there, so the tile's values equal the whole grid's bit for bit
    /// (and no block is split between tiles whose size is a multiple of
    /// `GridLattice.blockSize`). Without it the window is its own grid, and blocks that
    /// the window holds only partly are planned for the pixels they have.
    public func predictGrid(_ window: GridWindow, values: UnsafeMutableBufferPointer<Float>,
                            variances: UnsafeMutableBufferPointer<Float>? = nil, missingValue: Float = .nan,
                            gridOrigin: (x: Double, y: Double)? = nil, parallelism: Int = 1) throws {
        try checkBuffers(window, values.count, variances?.count)
        try predictGrid(window, gridOrigin: gridOrigin, parallelism: parallelism,
                        into: GridOutput(floatValues: values.baseAddress, floatVariances: variances?.baseAddress,
                                         missingValue: Double(missingValue)))
    }

    /// Double-precision form of `predictGrid(_:values:variances:missingValue:gridOrigin:)`.
    public func predictGrid(_ window: GridWindow, values: UnsafeMutableBufferPointer<Double>,
                            variances: UnsafeMutableBufferPointer<Double>? = nil, missingValue: Double = .nan,
                            gridOrigin: (x: Double, y: Double)? = nil, parallelism: Int = 1) throws {
        try checkBuffers(window, values.count, variances?.count)
        try predictGrid(window, gridOrigin: gridOrigin, parallelism: parallelism,
                        into: GridOutput(doubleValues: values.baseAddress, doubleVariances: variances?.baseAddress,
                                         missingValue: missingValue))
    }

    /// Convenience form returning new arrays.
    public func predictGrid(_ window: GridWindow, variances wantVariances: Bool = true,
                            gridOrigin: (x: Double, y: Double)? = nil, parallelism: Int = 1) throws -> (values: [Double], variances: [Double]?) {
        var values = [Double](repeating: 0, count: window.pixelCount)
        var variances = [Double](repeating: 0, count: wantVariances ? window.pixelCount : 0)
        try values.withUnsafeMutableBufferPointer { valueBuffer in
            try variances.withUnsafeMutableBufferPointer { varianceBuffer in
                try predictGrid(window, values: valueBuffer, variances: wantVariances ? varianceBuffer : nil, gridOrigin: gridOrigin,
                                parallelism: parallelism)
            }
        }
        return (values, wantVariances ? variances : nil)
    }

    /// Fast-path predictions at arbitrary locations (e.g. validation points), in chunks on at most
    /// `parallelism` threads that each reuse one workspace; nil where the neighbourhood holds no sample.
    public func predict(x: [Double], y: [Double], variance: Bool = true, parallelism: Int = 1) throws -> [KrigingPrediction?] {
        guard x.count == y.count else { throw GeostatisticsError.lengthMismatch(x: x.count, y: y.count, z: x.count) }
        guard !x.isEmpty else { return [] }
        var result = [KrigingPrediction?](repeating: nil, count: x.count)
        let chunks = min(x.count, Self.workItems)
        let failure = FirstFailure()
        result.withUnsafeMutableBufferPointer { result in
            let output = LocationOutput(base: result.baseAddress!)
            WorkSharing.run(items: chunks, workers: parallelism, state: { KrigingWorkspace(self) }) { chunk, workspace in
                do {
                    for i in (chunk * x.count / chunks)..<((chunk + 1) * x.count / chunks) {
                        output.base[i] = try workspace.predict(x: x[i], y: y[i], variance: variance)
                    }
                } catch {
                    failure.record(error)
                }
            }
        }
        if let error = failure.error { throw error }
        return result
    }

    /// The reference solver at every pixel centre, row-major (for tests of the grid path).
    func predictGridReference(_ window: GridWindow) throws -> [KrigingPrediction?] {
        var result: [KrigingPrediction?] = []
        for row in 0..<window.height {
            for column in 0..<window.width {
                let (x, y) = window.centre(column: column, row: row)
                result.append(try predictReference(x: x, y: y))
            }
        }
        return result
    }

    private func checkBuffers(_ window: GridWindow, _ valueCount: Int, _ varianceCount: Int?) throws {
        guard valueCount >= window.pixelCount, (varianceCount ?? window.pixelCount) >= window.pixelCount else {
            throw GeostatisticsError.invalidParameter("output buffers hold \(valueCount) and \(varianceCount ?? 0) values, the window has \(window.pixelCount) pixels")
        }
    }

    /// Bands of rows (or chunks of locations) the work is cut into: a few per thread balance uneven
    /// neighbourhoods. A constant, so that the cut never depends on the threads.
    static let workItems = 16

    private func predictGrid(_ window: GridWindow, gridOrigin: (x: Double, y: Double)?, parallelism: Int, into output: GridOutput) throws {
        guard window.pixelCount > 0 else { return }
        // Each band keeps one workspace, so consecutive pixels along its rows can share a factorisation.
        let bands = min(window.height, Self.workItems)
        let failure = FirstFailure()
        let lattice = GridLattice(window: window, gridOrigin: gridOrigin)
        // Global values: an exponential model's block by block, far fields interpolated; a Gaussian's from
        // a matrix product over bands of rows; the others' pixel by pixel.
        let farField = global.flatMap { model.kind == .exponential ? ExponentialFarFieldGrid(kriging: self, global: $0) : nil }
        let separable = global.flatMap { model.kind == .gaussian ? SeparableGaussianGrid(kriging: self, global: $0) : nil }
        let valuesStored = farField != nil || separable != nil
        // Global variances: block by block, far fields interpolated (or zero), where the model allows it;
        // otherwise eight pixels per batched solve, in the bands.
        let blockVariances = output.wantsVariance
            ? global.flatMap { system in varianceGrid.value { FarFieldVarianceGrid(kriging: self, global: system) } } : nil
        let bandVariances = output.wantsVariance && blockVariances == nil
        if let farField {
            let blocks = lattice.blocks
            WorkSharing.run(items: blocks.count, workers: parallelism) { b in
                farField.predict(blocks[b], lattice) { output.storeValue($1, at: $0) }
            }
        }
        if global == nil || farField == nil || bandVariances {
            WorkSharing.run(items: bands, workers: parallelism) { band in
                let rows = (band * window.height / bands)..<((band + 1) * window.height / bands)
                let workspace = KrigingWorkspace(self)
                do {
                    separable?.predictRows(rows, window) { output.storeValue($1, at: $0) }
                    guard global == nil else {
                        for row in rows {
                            if failure.hasFailed { return }
                            if bandVariances {
                                Self.predictGlobalRow(row, window, workspace, output, valuesStored: valuesStored)
                            } else if !valuesStored {
                                try Self.predictGlobalValuesRow(row, window, workspace, output)
                            }
                        }
                        workspace.clearCandidates()
                        return
                    }
                    // Strips of columns down the band, so the cached systems of one row serve the next.
                    for stripStart in stride(from: 0, to: window.width, by: Self.stripWidth) {
                        let strip = stripStart..<min(stripStart + Self.stripWidth, window.width)
                        workspace.beginAxisFactorStrip(strip.map { window.centre(column: $0, row: 0).x })
                        for row in rows {
                            if failure.hasFailed { return }
                            try Self.predictLocalRow(row, columns: strip, window, workspace, output)
                        }
                    }
                } catch {
                    failure.record(error)
                }
            }
        }
        if let error = failure.error { throw error }
        if let blockVariances { predictVariancesByBlock(lattice, blockVariances, output, parallelism: parallelism) }
    }
}

extension OrdinaryKriging {
    /// Columns per strip of a local-neighbourhood grid: small enough that the neighbour sets of a strip's
    /// row fit the workspace's system cache.
    fileprivate static let stripWidth = KrigingWorkspace.axisFactorStrip
    /// Pixels per neighbour-candidate search: longer segments search less but keep more candidates.
    fileprivate static let segmentLength = 16

    /// Part of one row with a local neighbourhood: one tree search per segment finds the candidates,
    /// each pixel selects its neighbours among them.
    fileprivate static func predictLocalRow(_ row: Int, columns: Range<Int>, _ window: GridWindow,
                                            _ workspace: KrigingWorkspace, _ output: GridOutput) throws {
        if workspace.usesAxisFactors && !output.wantsVariance {
            workspace.beginAxisFactorRow(window.centre(column: columns.lowerBound, row: row).y)
        }
        defer { workspace.endRowSegment() }
        try predictSegments(row, columns: columns, window, workspace, output, variance: output.wantsVariance) {
            workspace.restrictCandidates(x: $0, y: $1, reach: $2)
        }
    }

    /// One row with a global neighbourhood, values only: per segment, a spherical model narrows the sum
    /// to the samples within its range.
    fileprivate static func predictGlobalValuesRow(_ row: Int, _ window: GridWindow, _ workspace: KrigingWorkspace,
                                                   _ output: GridOutput) throws {
        try predictSegments(row, columns: 0..<window.width, window, workspace, output, variance: false) {
            workspace.restrictGlobalSamples(x: $0, y: $1, reach: $2)
        }
    }

    /// Predicts `columns` of a row in segments of `segmentLength` pixels, calling `restrict` with each
    /// segment's centre and half-length first, so the workspace narrows its samples once per segment.
    private static func predictSegments(_ row: Int, columns: Range<Int>, _ window: GridWindow, _ workspace: KrigingWorkspace,
                                        _ output: GridOutput, variance: Bool,
                                        restrict: (Double, Double, Double) -> Void) throws {
        for segmentStart in stride(from: columns.lowerBound, to: columns.upperBound, by: segmentLength) {
            let segment = segmentStart..<min(segmentStart + segmentLength, columns.upperBound)
            let first = window.centre(column: segment.lowerBound, row: row)
            let last = window.centre(column: segment.upperBound - 1, row: row)
            restrict((first.x + last.x) / 2, first.y, abs(last.x - first.x) / 2)
            if !variance { workspace.beginRowSegment(x0: first.x, x1: last.x, y: first.y) }
            var selectionFree = false
            // Local Gaussian values come from the strip's axis factors (column relative to the strip).
            let factored = !variance && workspace.usesAxisFactors
            for column in segment {
                let (x, y) = window.centre(column: column, row: row)
                if selectionFree {
                    output.store(factored ? workspace.currentValueWithAxisFactors(column: column - columns.lowerBound, x: x, y: y)
                                          : workspace.predictWithCurrentSystem(x: x, y: y, variance: variance),
                                 at: row * window.width + column)
                    continue
                }
                output.store(factored ? try workspace.predictValueWithAxisFactors(column: column - columns.lowerBound, x: x, y: y)
                                      : try workspace.predict(x: x, y: y, variance: variance),
                             at: row * window.width + column)
                // Once the first pixel has selected its set, one check may show it is every pixel's set.
                if column == segment.lowerBound && segment.count > 2 {
                    selectionFree = workspace.currentSystemHoldsAlong(x0: first.x, x1: last.x, y: first.y)
                }
            }
        }
    }

    /// One row with a global neighbourhood and variances, eight pixels per batched solve; with
    /// `valuesStored` only the variances are written (the values came from the separable product or
    /// the far-field interpolation).
    fileprivate static func predictGlobalRow(_ row: Int, _ window: GridWindow, _ workspace: KrigingWorkspace, _ output: GridOutput,
                                             valuesStored: Bool) {
        var column = 0
        var values = SIMD8<Double>(), variances = SIMD8<Double>()
        while column < window.width {
            // The same segments as without variances (a multiple of eight long), so the values agree bit for bit.
            if column % segmentLength == 0 {
                let end = min(column + segmentLength, window.width)
                let first = window.centre(column: column, row: row), last = window.centre(column: end - 1, row: row)
                workspace.restrictGlobalSamples(x: (first.x + last.x) / 2, y: first.y, reach: abs(last.x - first.x) / 2)
            }
            let lanes = min(8, window.width - column)
            var xs = SIMD8<Double>(), ys = SIMD8<Double>()
            for lane in 0..<lanes {
                (xs[lane], ys[lane]) = window.centre(column: column + lane, row: row)
            }
            workspace.predictGlobalBatch(x: xs, y: ys, lanes: lanes, withValues: !valuesStored, values: &values, variances: &variances)
            for lane in 0..<lanes {
                let index = row * window.width + column + lane
                if valuesStored {
                    output.storeVariance(variances[lane], at: index)
                } else {
                    output.store(KrigingPrediction(value: values[lane], variance: variances[lane]), at: index)
                }
            }
            column += lanes
        }
    }
}

extension OrdinaryKriging {
    /// Global variances block by block: a block with a far-field plan is one work item; a block without
    /// one (or whose reordered factorisation fails) takes the direct batched solve, in items of a few
    /// rows so that a tile of few blocks still keeps every core busy. Each worker keeps one workspace.
    fileprivate func predictVariancesByBlock(_ lattice: GridLattice, _ grid: FarFieldVarianceGrid, _ output: GridOutput, parallelism: Int) {
        enum Item { case planned(LatticeSquare, FarFieldVarianceGrid.Plan), direct(LatticeSquare, Range<Int>) }
        var items: [Item] = []
        for block in lattice.blocks {
            let pixels = lattice.isAnchored ? block.size * block.size : block.columns.count * block.rows.count
            if let plan = grid.plan(block, pixels: pixels) {
                items.append(.planned(block, plan))
            } else {
                for first in stride(from: block.rows.lowerBound, to: block.rows.upperBound, by: 16) {
                    items.append(.direct(block, first..<min(first + 16, block.rows.upperBound)))
                }
            }
        }
        let work = items
        WorkSharing.run(items: work.count, workers: parallelism, state: { KrigingWorkspace?.none }) { index, workspace in
            func direct(_ block: LatticeSquare, _ rows: Range<Int>) {
                if workspace == nil { workspace = KrigingWorkspace(self) }
                Self.predictGlobalVariances(block, rows: rows, lattice, workspace!, output)
            }
            switch work[index] {
            case let .planned(block, plan):
                if grid.predict(block, plan, lattice, store: { output.storeVariance($1, at: $0) }) == nil {
                    direct(block, block.rows)
                }
            case let .direct(block, rows):
                direct(block, rows)
            }
        }
    }

    /// The variances of `rows` of a block's window pixels by the direct batched solve, at the lattice's
    /// pixel centres.
    fileprivate static func predictGlobalVariances(_ block: LatticeSquare, rows: Range<Int>, _ lattice: GridLattice,
                                                   _ workspace: KrigingWorkspace, _ output: GridOutput) {
        var values = SIMD8<Double>(), variances = SIMD8<Double>()
        for row in rows {
            for column in stride(from: block.columns.lowerBound, to: block.columns.upperBound, by: 8) {
                let lanes = min(8, block.columns.upperBound - column)
                var xs = SIMD8<Double>(), ys = SIMD8<Double>(repeating: lattice.y(row))
                for lane in 0..<8 { xs[lane] = lattice.x(column + lane) }
                workspace.predictGlobalBatch(x: xs, y: ys, lanes: lanes, withValues: false, values: &values, variances: &variances)
                for lane in 0..<lanes { output.storeVariance(variances[lane], at: row * lattice.window.width + column + lane) }
            }
        }
    }
}

/// Raw output pointers shared by the band workers; each pixel index is written by exactly one band.
private struct GridOutput: @unchecked Sendable {
    var floatValues: UnsafeMutablePointer<Float>? = nil
    var floatVariances: UnsafeMutablePointer<Float>? = nil
    var doubleValues: UnsafeMutablePointer<Double>? = nil
    var doubleVariances: UnsafeMutablePointer<Double>? = nil
    let missingValue: Double

    var wantsVariance: Bool { floatVariances != nil || doubleVariances != nil }

    @inline(__always)
    func store(_ prediction: KrigingPrediction?, at index: Int) {
        storeValue(prediction?.value ?? missingValue, at: index)
        storeVariance(prediction?.variance ?? missingValue, at: index)
    }

    @inline(__always)
    func storeValue(_ value: Double, at index: Int) {
        if let floatValues { floatValues[index] = Float(value) }
        if let doubleValues { doubleValues[index] = value }
    }

    @inline(__always)
    func storeVariance(_ variance: Double, at index: Int) {
        if let floatVariances { floatVariances[index] = Float(variance) }
        if let doubleVariances { doubleVariances[index] = variance }
    }
}

/// The result array shared by the location workers; each index is written by exactly one chunk.
private struct LocationOutput: @unchecked Sendable {
    let base: UnsafeMutablePointer<KrigingPrediction?>
}

/// The first error thrown by any band worker.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    var error: Error? { lock.withLock { stored } }
    var hasFailed: Bool { error != nil }

    func record(_ error: Error) {
        lock.withLock { if stored == nil { stored = error } }
    }
}
