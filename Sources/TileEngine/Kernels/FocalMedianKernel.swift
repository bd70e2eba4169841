/// The median of each band over a k × k window (k odd) around every pixel, skipping nodata pixels
/// (with an even count of valid pixels, the mean of the two middle values); past the scene edge
/// the window sees replicated edge pixels. Halo (k − 1) / 2. Robust where a focal mean is not:
/// one extreme pixel (a roof, a canopy edge) does not move it.
public struct FocalMedianKernel: FocalKernel {
    public let window: FocalWindow

    public init(bands: [Int], size: Int) {
        window = FocalWindow(bands: bands, size: size, statistic: "median")
    }

    public var scratchBytesPerPixel: Int { 0 }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let window = input.window, core = input.core
        let n = window.pixelCount, k = size
        let nodata = PixelState.nodata.rawValue
        var neighbours = [Float]()
        neighbours.reserveCapacity(k * k)
        for b in 0..<bands.count {
            let samples = input.samples.baseAddress! + b * n
            let out = output.baseAddress! + b * core.pixelCount
            for row in 0..<core.height {
                for column in 0..<core.width {
                    neighbours.removeAll(keepingCapacity: true)
                    for r in row..<row + k {
                        let line = r * window.width
                        for j in line + column..<line + column + k where input.state[j] != nodata { neighbours.append(samples[j]) }
                    }
                    out[row * core.width + column] = Self.median(&neighbours) ?? outputNodata
                }
            }
        }
    }

    /// The median of `values` (reordered), nil when empty.
    static func median(_ values: inout [Float]) -> Float? {
        guard !values.isEmpty else { return nil }
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : Float((Double(values[middle - 1]) + Double(values[middle])) / 2)
    }
}
