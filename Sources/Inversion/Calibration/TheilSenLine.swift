/// A straight line fitted by Theil–Sen (Sen 1968): the slope is the median of the slopes between
/// every two points with different x, the intercept the median of y less the slope times the median
/// of x — scipy.stats.theilslopes with its default `method="separate"` — or, symmetric, the
/// geometric mean of both directions' slopes. Robust to up to 29 % of the points lying anywhere;
/// it costs n(n − 1)/2 slopes (each way), so callers bound n (`RelativeNormalisation`
/// fits at most `RelativeNormalisation.fitSamples` points).
public struct TheilSenLine: Sendable, Equatable {
    public let slope: Double
    public let intercept: Double

    /// Nil when fewer than two points have different x (no slope is defined).
    public init?(x: [Double], y: [Double]) {
        guard let slope = Self.medianSlope(x: x, y: y) else { return nil }
        self.init(slope: slope, x: x, y: y)
    }

    /// The symmetric line: the geometric mean of the y-on-x slope and the inverse of the x-on-y
    /// slope (each Theil–Sen), the robust counterpart of reduced-major-axis regression. A one-way
    /// fit is attenuated by noise in x (its slope shrinks by the share of x's variance that is
    /// noise); when x and y are equally noisy — two products of one sensor over the same ground —
    /// the two attenuations cancel. Nil when either slope is undefined or they differ in sign.
    public init?(symmetricX x: [Double], y: [Double]) {
        guard let forward = Self.medianSlope(x: x, y: y), let backward = Self.medianSlope(x: y, y: x),
              forward * backward > 0 else { return nil }
        self.init(slope: (forward / backward).squareRoot() * (forward < 0 ? -1 : 1), x: x, y: y)
    }

    private init(slope: Double, x: [Double], y: [Double]) {
        var xs = x, ys = y
        self.slope = slope
        intercept = Self.median(&ys)! - slope * Self.median(&xs)!
    }

    /// The median of the slopes between every two points with different x; nil when there is none.
    /// Through raw buffers: a few million slopes per band, in debug builds too.
    static func medianSlope(x: [Double], y: [Double]) -> Double? {
        precondition(x.count == y.count, "one y per x")
        let n = x.count
        guard n >= 2 else { return nil }
        let slopes = UnsafeMutableBufferPointer<Double>.allocate(capacity: n * (n - 1) / 2)
        defer { slopes.deallocate() }
        var count = 0
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for i in 0..<n {
                    let (xi, yi) = (x[i], y[i])
                    for j in (i + 1)..<n where x[j] != xi {
                        slopes[count] = (y[j] - yi) / (x[j] - xi)
                        count += 1
                    }
                }
            }
        }
        return median(UnsafeMutableBufferPointer(rebasing: slopes[0..<count]))
    }

    /// The median of `values` (reordered; the mean of the middle two for an even count), nil when
    /// empty; by selection, in linear time, as a few million slopes need.
    static func median(_ values: inout [Double]) -> Double? {
        values.withUnsafeMutableBufferPointer { median($0) }
    }

    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double? {
        guard !values.isEmpty else { return nil }
        let middle = values.count / 2
        let upper = select(values, rank: middle)
        guard values.count % 2 == 0 else { return upper }
        // After selection every value before `middle` is at most `upper`: the largest of them is the lower middle.
        var lower = values[0]
        for i in 1..<middle where values[i] > lower { lower = values[i] }
        return (lower + upper) / 2
    }

    /// The value of rank `rank` (0-based) in ascending order; `values` is partitioned around it
    /// (Hoare's quickselect with a median-of-three pivot).
    static func select(_ values: UnsafeMutableBufferPointer<Double>, rank: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            let pivot = Swift.max(Swift.min(values[low], values[mid]), Swift.min(Swift.max(values[low], values[mid]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { return values[rank] }
        }
        return values[rank]
    }
}
