import Foundation
import TileEngine

/// Flags a content map's pixels against the range of the targets its model was trained on:
/// −1 below the lowest target, +1 above the highest, 0 within; nodata where the map is nodata.
/// Outside the range the model extrapolates (negative contents, or above any sample), so the value
/// deserves less trust than the validation suggests. Halo 0.
public struct TargetRangeKernel: TileKernel {
    public let lower: Float
    public let upper: Float
    /// The map's value label, e.g. "treo_ppm (ppm)", for the band description.
    public let value: String
    public let outputNodata: Float = -9999

    public init(lower: Double, upper: Double, value: String) {
        (self.lower, self.upper, self.value) = (Float(lower), Float(upper), value)
    }

    public static let below: Float = -1
    public static let above: Float = 1

    public var signature: String { "target-range lower=\(lower) upper=\(upper)" }
    public var inputBands: [Int] { [1] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        [String(format: "%@ outside the training targets' range %.4g to %.4g: -1 below, +1 above, 0 within", value.isEmpty ? "prediction" : value,
                Double(lower), Double(upper))]
    }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let values = input.samples.baseAddress!, flags = output.baseAddress!
        let (lower, upper) = (lower, upper)
        for i in 0..<input.core.pixelCount {
            let v = values[i]
            flags[i] = v < lower ? Self.below : v > upper ? Self.above : 0
        }
    }
}
