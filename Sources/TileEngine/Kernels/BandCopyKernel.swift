import RasterIO

/// The input bands unchanged, in the input's pixel type: what the engine writes when the work is
/// in the reading (an orthorectified view of a scene). Halo 0.
public struct BandCopyKernel: TileKernel {
    public let inputBands: [Int]
    public let outputDescriptions: [String]
    public let outputColorInterpretations: [ColorInterpretation]
    public let outputPixelType: PixelType
    public let outputNodata: Float
    public var halo: Int { 0 }

    /// Copies all bands of `raster` with their descriptions, colours, pixel type and nodata (0 when
    /// it has none: the fill value of a warped view). Pixel types a Float does not hold exactly
    /// (32-bit integers, Float64) become Float32.
    public init(like raster: Raster) {
        inputBands = raster.bands.map(\.number)
        outputDescriptions = raster.bands.map(\.description)
        outputColorInterpretations = raster.bands.map(\.colorInterpretation)
        let type = raster.bands[0].pixelType
        outputPixelType = [.byte, .uint16, .int16, .float32].contains(type) ? type : .float32
        outputNodata = Float(raster.bands[0].nodata ?? 0)
    }

    public var signature: String {
        "copy bands \(inputBands.map(String.init).joined(separator: ",")) as \(outputPixelType.name) nodata \(outputNodata)"
    }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        // Halo 0: the window is the core, and the samples are already band-sequential.
        _ = output.initialize(from: input.samples)
    }
}
