import RasterIO

/// The mean of each band over a k × k window (k odd) around every pixel, skipping nodata pixels;
/// past the scene edge the window sees replicated edge pixels. Halo (k − 1) / 2.
///
/// Computed by `FocalMeans` (separable, the same sums in the same order in any tiling).
public struct FocalMeanKernel: FocalKernel {
    public let window: FocalWindow

    public init(bands: [Int], size: Int) {
        window = FocalWindow(bands: bands, size: size, statistic: "mean")
    }

    /// Row sums and counts (`FocalMeans`) and the included-pixel flags.
    public var scratchBytesPerPixel: Int { FocalMeans.scratchBytesPerPixel + 1 }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let window = input.window, n = window.pixelCount
        let core = Window(x: input.halo, y: input.halo, width: input.core.width, height: input.core.height)
        let nodata = PixelState.nodata.rawValue
        let included = (0..<n).map { input.state[$0] != nodata }
        var means = FocalMeans(side: size)
        included.withUnsafeBufferPointer { included in
            for b in 0..<bands.count {
                means.compute(input.samples.baseAddress! + b * n, included: included.baseAddress!, windowWidth: window.width, core: core,
                              empty: outputNodata, into: output.baseAddress! + b * core.pixelCount)
            }
        }
    }
}
