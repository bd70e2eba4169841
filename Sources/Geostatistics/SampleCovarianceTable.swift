/// The covariances between all pairs of samples, computed once so that local kriging systems are
/// gathered from it instead of re-evaluating the model for every new neighbour set.
///
/// Immutable after construction, so one table is shared by all worker threads.
final class SampleCovarianceTable: @unchecked Sendable {
    /// Up to this many samples (32 MB of covariances); beyond it systems are built from the model.
    static let maximumSamples = 2048

    let sampleCount: Int
    /// Row-major sampleCount × sampleCount.
    let values: UnsafeMutablePointer<Double>

    init(samples: SpatialSamples, model: VariogramModel) {
        let n = samples.count
        sampleCount = n
        values = .allocate(capacity: max(n * n, 1))
        for i in 0..<n {
            values[i * n + i] = model.sill
            for j in 0..<i {
                let dx = samples.x[i] - samples.x[j], dy = samples.y[i] - samples.y[j]
                let c = model.covariance((dx * dx + dy * dy).squareRoot())
                values[i * n + j] = c
                values[j * n + i] = c
            }
        }
    }

    /// The table of the samples at `indices` of `table` (in that order), gathered rather than recomputed:
    /// cross-validation folds share the full set's covariances.
    init(_ table: SampleCovarianceTable, keeping indices: [Int]) {
        let n = indices.count, full = table.sampleCount
        sampleCount = n
        values = .allocate(capacity: max(n * n, 1))
        for (i, source) in indices.enumerated() {
            for (j, other) in indices.enumerated() { values[i * n + j] = table.values[source * full + other] }
        }
    }

    deinit { values.deallocate() }
}
