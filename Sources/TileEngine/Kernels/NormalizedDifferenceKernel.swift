/// `(a − b) / (a + b)` of two bands per pixel: NDVI with (NIR, red), NDWI with (green, NIR).
/// A zero sum gives nodata. Halo 0.
public struct NormalizedDifferenceKernel: TileKernel {
    public let name: String
    public let first: Int
    public let second: Int
    public let outputNodata: Float = -9999

    public init(name: String, first: Int, second: Int) {
        self.name = name
        self.first = first
        self.second = second
    }

    /// NDVI of a GF-2 PMS scene: bands 4 (NIR) and 3 (red) by default.
    public static func ndvi(nir: Int = 4, red: Int = 3) -> Self {
        Self(name: "ndvi", first: nir, second: red)
    }

    /// NDWI (McFeeters) of a GF-2 PMS scene: bands 2 (green) and 4 (NIR) by default.
    public static func ndwi(green: Int = 2, nir: Int = 4) -> Self {
        Self(name: "ndwi", first: green, second: nir)
    }

    public var signature: String { "\(name) (b\(first) - b\(second)) / (b\(first) + b\(second))" }
    public var inputBands: [Int] { [first, second] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] { ["\(name.uppercased()) (b\(first) - b\(second)) / (b\(first) + b\(second))"] }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let n = input.window.pixelCount
        let a = input.samples.baseAddress!, b = a + n
        let out = output.baseAddress!
        let nodata = outputNodata
        for i in 0..<n {
            let sum = a[i] + b[i]
            out[i] = sum == 0 ? nodata : (a[i] - b[i]) / sum
        }
    }
}
