import Foundation

/// Per-axis Gaussian factors for local-neighbourhood grid kriging, computed lazily per sample.
///
/// The Gaussian covariance averaged over a tensor-product support factorises over the axes:
/// C̄ = ps · [Σₖ wₖ e^(−(px + oₖ − xₐ)²/r²)] · [Σₗ wₗ e^(−(py + oₗ − yₐ)²/r²)]. The column factor of a
/// sample depends only on the column and the row factor only on the row, so along a strip of columns
/// kriged row after row each sample's column factors are computed once per strip and its row factor
/// once per row; a pixel's covariances are then gathers and products instead of exponentials.
/// The nugget a point prediction adds at a sample's exact location is not in the product: callers
/// check `rowHitsSample`.
final class GaussianAxisFactors {
    /// Columns a strip can hold.
    let stripCapacity: Int
    private let sampleCount: Int
    private let sampleX: UnsafePointer<Double>
    private let sampleY: UnsafePointer<Double>
    private let inverseRangeSquared: Double
    private let axisX: [(offset: Double, weight: Double)]
    private let axisY: [(offset: Double, weight: Double)]
    /// Column factors, column-major: `columnFactors[column · sampleCount + sample]`.
    let columnFactors: UnsafeMutablePointer<Double>
    /// Row factor of each sample for the current row (valid where `rowStamp` is current).
    let rowFactors: UnsafeMutablePointer<Double>
    /// Per sample: the smallest of its column factors over the current strip.
    let smallestColumnFactor: UnsafeMutablePointer<Double>
    private let stripStamp: UnsafeMutablePointer<Int>
    private let rowStamp: UnsafeMutablePointer<Int>
    private let stripX: UnsafeMutablePointer<Double>
    private(set) var stripWidth = 0
    private var currentStrip = 0
    private(set) var currentRow = 0
    private var rowY = 0.0

    /// Memory bound of the column-factor table (doubles); beyond it the exact path is used.
    static let maximumTableSize = 1 << 21

    init?(model: VariogramModel, supportPoints: SupportPoints, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
          sampleCount: Int, stripCapacity: Int) {
        guard model.kind == .gaussian, model.range > 0, sampleCount > 0,
              sampleCount * stripCapacity <= Self.maximumTableSize else { return nil }
        self.stripCapacity = stripCapacity
        self.sampleCount = sampleCount
        (sampleX, sampleY) = (x, y)
        inverseRangeSquared = 1 / (model.range * model.range)
        (axisX, axisY) = (supportPoints.axisX, supportPoints.axisY)
        columnFactors = .allocate(capacity: sampleCount * stripCapacity)
        rowFactors = .allocate(capacity: sampleCount)
        smallestColumnFactor = .allocate(capacity: sampleCount)
        stripStamp = .allocate(capacity: sampleCount)
        stripStamp.initialize(repeating: 0, count: sampleCount)
        rowStamp = .allocate(capacity: sampleCount)
        rowStamp.initialize(repeating: 0, count: sampleCount)
        stripX = .allocate(capacity: stripCapacity)
    }

    deinit {
        columnFactors.deallocate()
        rowFactors.deallocate()
        smallestColumnFactor.deallocate()
        stripStamp.deallocate()
        rowStamp.deallocate()
        stripX.deallocate()
    }

    /// Starts a strip of columns with pixel-centre abscissae `xs` (at most `stripCapacity`).
    func beginStrip(_ xs: [Double]) {
        precondition(xs.count <= stripCapacity)
        for (c, x) in xs.enumerated() { stripX[c] = x }
        stripWidth = xs.count
        currentStrip += 1
        currentRow += 1
    }

    /// Starts a row of the strip at pixel-centre ordinate `y`.
    func beginRow(_ y: Double) {
        rowY = y
        currentRow += 1
    }

    /// Σₖ wₖ e^(−(d + oₖ)²/r²) over one axis of the support.
    @inline(__always)
    private func axisFactor(_ d: Double, _ axis: [(offset: Double, weight: Double)]) -> Double {
        var sum = 0.0
        for (offset, weight) in axis {
            let t = d + offset
            sum += CovarianceKernel.gaussian(scaledSquaredDistance: SIMD8(repeating: t * t * inverseRangeSquared), partialSill: weight)[0]
        }
        return sum
    }

    /// Makes the sample's column factors (this strip) and row factor (this row) current.
    @inline(__always)
    func prepare(sample a: Int) {
        if stripStamp[a] != currentStrip {
            let xa = sampleX[a]
            var smallest = Double.infinity
            for c in 0..<stripWidth {
                let factor = axisFactor(stripX[c] - xa, axisX)
                columnFactors[c * sampleCount + a] = factor
                smallest = min(smallest, factor)
            }
            smallestColumnFactor[a] = smallest
            stripStamp[a] = currentStrip
        }
        if rowStamp[a] != currentRow {
            rowFactors[a] = axisFactor(rowY - sampleY[a], axisY)
            rowStamp[a] = currentRow
        }
    }

    /// Whether sample a lies exactly on the current row's centre line (a point prediction at its
    /// location then needs the nugget, which the product lacks).
    @inline(__always)
    func rowHitsSample(_ a: Int) -> Bool { rowY == sampleY[a] }

    /// Pointer to the column factors of column `c` of the strip, indexed by sample.
    @inline(__always)
    func column(_ c: Int) -> UnsafePointer<Double> { UnsafePointer(columnFactors + c * sampleCount) }
}
