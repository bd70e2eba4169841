/// The mean of each band over a k × k window (k odd) around every pixel, skipping nodata pixels;
/// past the scene edge the window sees replicated edge pixels. Halo (k − 1) / 2.
///
/// Separable: k-wide row sums first, then k-tall sums of those. Each sum adds the same pixels in
/// the same order wherever the tile boundaries fall (no running sums), so the result does not
/// depend on the tiling.
public struct FocalMeanKernel: FocalKernel {
    public let window: FocalWindow

    public init(bands: [Int], size: Int) {
        window = FocalWindow(bands: bands, size: size, statistic: "mean")
    }

    /// Row sums (Double) and counts (Int32) over the input rows.
    public var scratchBytesPerPixel: Int { 16 }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let window = input.window, core = input.core
        let n = window.pixelCount, k = size
        var rowSum = [Double](repeating: 0, count: window.height * core.width)
        var rowCount = [Int32](repeating: 0, count: window.height * core.width)
        let nodata = PixelState.nodata.rawValue
        for b in 0..<bands.count {
            let samples = input.samples.baseAddress! + b * n
            for row in 0..<window.height {
                let line = row * window.width
                for column in 0..<core.width {
                    var sum = 0.0
                    var count: Int32 = 0
                    for j in line + column..<line + column + k where input.state[j] != nodata {
                        sum += Double(samples[j])
                        count += 1
                    }
                    rowSum[row * core.width + column] = sum
                    rowCount[row * core.width + column] = count
                }
            }
            let out = output.baseAddress! + b * core.pixelCount
            for row in 0..<core.height {
                for column in 0..<core.width {
                    var sum = 0.0
                    var count: Int32 = 0
                    for r in row..<row + k {
                        sum += rowSum[r * core.width + column]
                        count += rowCount[r * core.width + column]
                    }
                    out[row * core.width + column] = count > 0 ? Float(sum / Double(count)) : outputNodata
                }
            }
        }
    }
}
