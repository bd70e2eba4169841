import Foundation

extension OrdinaryKriging {
    /// Kriges every pixel centre of `window` into row-major buffers of `window.pixelCount` values, in
    /// parallel over bands of rows. Pass nil for `variances` to skip the variance: for a global
    /// neighbourhood the prediction is one dot product per pixel, the variance a triangular solve
    /// (n²/2 multiply-adds, run eight pixels at a time).
    /// Pixels without a sample in their neighbourhood get `missingValue`.
    public func predictGrid(_ window: GridWindow, values: UnsafeMutableBufferPointer<Float>,
                            variances: UnsafeMutableBufferPointer<Float>? = nil, missingValue: Float = .nan) throws {
        try checkBuffers(window, values.count, variances?.count)
        try predictGrid(window, into: GridOutput(floatValues: values.baseAddress, floatVariances: variances?.baseAddress,
                                                 missingValue: Double(missingValue)))
    }

    /// Double-precision form of `predictGrid(_:values:variances:missingValue:)`.
    public func predictGrid(_ window: GridWindow, values: UnsafeMutableBufferPointer<Double>,
                            variances: UnsafeMutableBufferPointer<Double>? = nil, missingValue: Double = .nan) throws {
        try checkBuffers(window, values.count, variances?.count)
        try predictGrid(window, into: GridOutput(doubleValues: values.baseAddress, doubleVariances: variances?.baseAddress,
                                                 missingValue: missingValue))
    }

    /// Convenience form returning new arrays.
    public func predictGrid(_ window: GridWindow, variances wantVariances: Bool = true) throws -> (values: [Double], variances: [Double]?) {
        var values = [Double](repeating: 0, count: window.pixelCount)
        var variances = [Double](repeating: 0, count: wantVariances ? window.pixelCount : 0)
        try values.withUnsafeMutableBufferPointer { valueBuffer in
            try variances.withUnsafeMutableBufferPointer { varianceBuffer in
                try predictGrid(window, values: valueBuffer, variances: wantVariances ? varianceBuffer : nil)
            }
        }
        return (values, wantVariances ? variances : nil)
    }

    /// Fast-path predictions at arbitrary locations (e.g. validation points), in parallel chunks that
    /// each reuse one workspace; nil where the neighbourhood holds no sample.
    public func predict(x: [Double], y: [Double], variance: Bool = true) throws -> [KrigingPrediction?] {
        guard x.count == y.count else { throw GeostatisticsError.lengthMismatch(x: x.count, y: y.count, z: x.count) }
        guard !x.isEmpty else { return [] }
        var result = [KrigingPrediction?](repeating: nil, count: x.count)
        let chunks = min(x.count, ProcessInfo.processInfo.activeProcessorCount * 4)
        let failure = FirstFailure()
        result.withUnsafeMutableBufferPointer { result in
            let output = LocationOutput(base: result.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let workspace = KrigingWorkspace(self)
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

    private func predictGrid(_ window: GridWindow, into output: GridOutput) throws {
        guard window.pixelCount > 0 else { return }
        // A few bands per core balance uneven neighbourhoods; each band keeps one workspace, so
        // consecutive pixels along its rows can share a factorisation.
        let bands = min(window.height, ProcessInfo.processInfo.activeProcessorCount * 4)
        let failure = FirstFailure()
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            let rows = (band * window.height / bands)..<((band + 1) * window.height / bands)
            let workspace = KrigingWorkspace(self)
            do {
                for row in rows {
                    if failure.hasFailed { return }
                    if global != nil && output.wantsVariance {
                        Self.predictGlobalRow(row, window, workspace, output)
                        continue
                    }
                    for column in 0..<window.width {
                        let (x, y) = window.centre(column: column, row: row)
                        let prediction = try workspace.predict(x: x, y: y, variance: output.wantsVariance)
                        output.store(prediction, at: row * window.width + column)
                    }
                }
            } catch {
                failure.record(error)
            }
        }
        if let error = failure.error { throw error }
    }
}

extension OrdinaryKriging {
    /// One row with a global neighbourhood and variances, eight pixels per batched solve.
    fileprivate static func predictGlobalRow(_ row: Int, _ window: GridWindow, _ workspace: KrigingWorkspace, _ output: GridOutput) {
        var column = 0
        var values = SIMD8<Double>(), variances = SIMD8<Double>()
        while column < window.width {
            let lanes = min(8, window.width - column)
            var xs = SIMD8<Double>(), ys = SIMD8<Double>()
            for lane in 0..<lanes {
                (xs[lane], ys[lane]) = window.centre(column: column + lane, row: row)
            }
            workspace.predictGlobalBatch(x: xs, y: ys, lanes: lanes, values: &values, variances: &variances)
            for lane in 0..<lanes {
                output.store(KrigingPrediction(value: values[lane], variance: variances[lane]), at: row * window.width + column + lane)
            }
            column += lanes
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
        let value = prediction?.value ?? missingValue
        let variance = prediction?.variance ?? missingValue
        if let floatValues { floatValues[index] = Float(value) }
        if let floatVariances { floatVariances[index] = Float(variance) }
        if let doubleValues { doubleValues[index] = value }
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
