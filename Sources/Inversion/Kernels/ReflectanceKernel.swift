import RasterIO
import TileEngine

/// DN → top-of-atmosphere reflectance of a GF-2 PMS multispectral scene, per pixel (halo 0):
/// `ρ = (gain · DN + offset) · π d² / (ESUN cos θs) − dark`, where `dark` is the optional
/// dark-object haze term per band (`DarkObjectCorrection`), scene-wide, never per tile.
public struct ReflectanceKernel: TileKernel {
    public static let bandNames = ["blue", "green", "red", "nir"]

    public let model: TOAReflectanceModel
    /// Reflectance subtracted from each band (dark-object subtraction); zeros for plain TOA.
    public let haze: [Double]
    /// The calibration per band, as `ContentMapKernel` applies it to DN tiles.
    public let affine: BandAffine
    public static let nodata: Float = -9999
    public var outputNodata: Float { Self.nodata }

    public init(model: TOAReflectanceModel, haze: [Double]? = nil) {
        self.model = model
        self.haze = haze ?? [Double](repeating: 0, count: model.coefficients.bandCount)
        affine = BandAffine(calibration: model, haze: self.haze)
    }

    public var signature: String {
        let hazeText = haze.map { String(format: "%.6f", $0) }.joined(separator: ",")
        return "calibrate toa \(model.coefficients.label) zenith=\(model.solarZenith) d=\(model.earthSunDistance) haze=\(hazeText)"
    }
    public var inputBands: [Int] { Array(1...model.coefficients.bandCount) }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        inputBands.map { b in
            let name = b <= Self.bandNames.count ? Self.bandNames[b - 1] : "band \(b)"
            return haze[b - 1] > 0 ? "DOS reflectance b\(b) (\(name))" : "TOA reflectance b\(b) (\(name))"
        }
    }

    /// Blue, green, red as such (GIS programs then draw the scene in true colour); NIR has no
    /// colour of its own in GDAL's list, so it stays undefined.
    public var outputColorInterpretations: [ColorInterpretation] {
        let colours: [ColorInterpretation] = [.blue, .green, .red]
        return inputBands.map { $0 <= colours.count ? colours[$0 - 1] : .undefined }
    }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let n = input.window.pixelCount
        for b in 0..<input.bandCount {
            affine.apply(band: b, input.samples.baseAddress! + b * n, count: n, into: output.baseAddress! + b * n)
        }
    }
}
