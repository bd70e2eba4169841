import Foundation
import TileEngine

/// A content map's calibrated prediction interval (`ConformalInterval`): band 1 the lower bound,
/// band 2 the upper, band 3 their distance (the width, what the report maps), in the map's unit;
/// nodata where the map is nodata. Halo 0.
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

    public var signature: String {
        let d = interval.difficulty
        return "content-interval level=\(interval.level) quantile=\(interval.quantile) difficulty=\(d.intercept),\(d.slope),\(d.floor) bands=lower,upper,width"
    }
    public var inputBands: [Int] { [1] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        let name = value.isEmpty ? "content" : value, halfWidth = interval.halfWidthFormula
        return ["lower", "upper"].map {
            String(format: "%@ %@ bound of the %g conformal prediction interval (± %@)", name, $0, interval.level, halfWidth)
        } + [String(format: "%@ width of the %g conformal prediction interval (upper − lower)", name, interval.level)]
    }
    public var outputUnitTypes: [String] { [unit, unit, unit] }
    /// As the map's (`ContentMapKernel.mapPredictor`): the constant-width bounds compressed 8 % smaller without a predictor.
    public var outputFilePredictors: [Int?] { [ContentMapKernel.mapPredictor] }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let values = input.samples.baseAddress!, bounds = output.baseAddress!
        let n = input.core.pixelCount
        for i in 0..<n {
            // In Double, as `ConformalInterval.halfWidth(at:)`: the bounds are that call's, rounded once.
            let value = Double(values[i]), halfWidth = interval.halfWidth(at: value)
            bounds[i] = Float(value - halfWidth)
            bounds[n + i] = Float(value + halfWidth)
            bounds[2 * n + i] = Float(2 * halfWidth)
        }
    }
}
