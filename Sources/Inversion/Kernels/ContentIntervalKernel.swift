import Foundation
import TileEngine

/// A content map's calibrated prediction interval (`ConformalInterval`): band 1 the lower bound,
/// band 2 the upper, in the map's unit; nodata where the map is nodata. Halo 0.
public struct ContentIntervalKernel: TileKernel {
    public let interval: ConformalInterval
    /// The map's value label, e.g. "re2o3 (%)", for the band descriptions.
    public let value: String
    /// The map's unit (GeoTIFF unit type; "" when none).
    public let unit: String
    public let outputNodata: Float = -9999

    public init(interval: ConformalInterval, value: String, unit: String) {
        (self.interval, self.value, self.unit) = (interval, value, unit)
    }

    public var signature: String { "content-interval level=\(interval.level) quantile=\(interval.quantile)" }
    public var inputBands: [Int] { [1] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        let name = value.isEmpty ? "content" : value
        return ["lower", "upper"].map {
            String(format: "%@ %@ bound of the %g conformal prediction interval (± %.4g)", name, $0, interval.level, interval.quantile)
        }
    }
    public var outputUnitTypes: [String] { [unit, unit] }
    /// As the map's (`ContentMapKernel.mapPredictor`): the bounds compress 8 % smaller without a predictor.
    public var outputFilePredictors: [Int?] { [ContentMapKernel.mapPredictor] }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let values = input.samples.baseAddress!, bounds = output.baseAddress!
        let n = input.core.pixelCount, q = Float(interval.quantile)
        for i in 0..<n {
            bounds[i] = values[i] - q
            bounds[n + i] = values[i] + q
        }
    }
}
