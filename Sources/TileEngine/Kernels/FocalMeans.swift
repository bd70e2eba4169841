import RasterIO

/// Means over a k × k neighbourhood of the pixels a mask includes: the one implementation behind
/// `FocalMeanKernel` and the focal-mean features of a feature stack.
///
/// Separable: k-wide row sums first, then k-tall sums of those, in Double. Each sum adds the same
/// pixels in the same order wherever the tile (or a sample's window) begins, so a pixel's mean is
/// the same number in any tiling.
public struct FocalMeans {
    public let side: Int
    private var rowSums: [Double] = []
    private var rowCounts: [Int32] = []

    public init(side: Int) {
        precondition(side >= 1 && side % 2 == 1, "the window side must be odd")
        self.side = side
    }

    /// Bytes per window pixel the row sums and counts take.
    public static let scratchBytesPerPixel = MemoryLayout<Double>.size + MemoryLayout<Int32>.size

    /// For each pixel of the `core` (in window coordinates, at least `side / 2` in from the window's
    /// edges) of a `windowWidth`-wide window of `values`, the mean of the `included` pixels of its
    /// neighbourhood, or `empty` where none is; written to `out` row by row.
    public mutating func compute(_ values: UnsafePointer<Float>, included: UnsafePointer<Bool>, windowWidth: Int, core: Window,
                                 empty: Float, into out: UnsafeMutablePointer<Float>) {
        let reach = side / 2, rows = core.height + 2 * reach, width = core.width
        precondition(core.x >= reach && core.y >= reach && core.maxX + reach <= windowWidth, "the window holds every neighbourhood")
        if rowSums.count < rows * width {
            rowSums = [Double](repeating: 0, count: rows * width)
            rowCounts = [Int32](repeating: 0, count: rows * width)
        }
        for r in 0..<rows {
            let line = (core.y - reach + r) * windowWidth + core.x - reach
            for column in 0..<width {
                var sum = 0.0
                var count: Int32 = 0
                for j in line + column..<line + column + side where included[j] {
                    sum += Double(values[j])
                    count += 1
                }
                rowSums[r * width + column] = sum
                rowCounts[r * width + column] = count
            }
        }
        for row in 0..<core.height {
            for column in 0..<width {
                var sum = 0.0
                var count: Int32 = 0
                for r in row..<row + side {
                    sum += rowSums[r * width + column]
                    count += rowCounts[r * width + column]
                }
                out[row * width + column] = count > 0 ? Float(sum / Double(count)) : empty
            }
        }
    }
}
