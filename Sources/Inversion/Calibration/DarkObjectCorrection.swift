import Foundation
import TileEngine

/// Dark-object subtraction (Chavez's DOS1): the haze in each band is the reflectance of the scene's
/// darkest real pixels less the 1 % a dark object is assumed to reflect. "Darkest" is a low
/// percentile of the whole scene's DN histogram (a statistics pass), never of one tile, so a tiled
/// run gives the same correction as a whole-image one.
public enum DarkObjectCorrection {
    /// Percent of valid pixels darker than the dark object (0.01 %: about 5,000 pixels of a
    /// full GF-2 scene, robust against a few dead pixels).
    public static let defaultPercentile = 0.01
    /// Reflectance a dark object is assumed to have.
    public static let darkObjectReflectance = 0.01

    public struct Result: Sendable, Equatable, CustomStringConvertible {
        /// The dark DN per band.
        public let darkDN: [Double]
        /// Reflectance to subtract per band (≥ 0).
        public let haze: [Double]

        /// "DN 212.0, 160.0, 101.0, 88.0; haze 0.0651, 0.0366, 0.0170, 0.0021".
        public var description: String { Self.describe(darkDN: darkDN, haze: haze) }

        public static func describe(darkDN: [Double], haze: [Double]) -> String {
            "DN " + darkDN.map { String(format: "%.1f", $0) }.joined(separator: ", ") + "; haze " + haze.map { String(format: "%.4f", $0) }.joined(separator: ", ")
        }
    }

    public static func estimate(scene: String, model: TOAReflectanceModel, percentile: Double = defaultPercentile,
                                threads: Int = StatisticsPass.defaultThreadCount) throws -> Result {
        let bands = Array(1...model.coefficients.bandCount)
        let passes = try StatisticsPass.histograms(paths: [scene], bands: bands, bins: 4096, threads: threads)
        var darkDN: [Double] = [], haze: [Double] = []
        for (b, pass) in passes.enumerated() {
            guard let dn = pass.histogram.percentile(percentile) else {
                throw CalibrationError("\(scene): band \(b + 1) has no valid pixels; no dark object to subtract")
            }
            darkDN.append(dn)
            haze.append(max(0, model.reflectance(dn: dn, band: b) - darkObjectReflectance))
        }
        return Result(darkDN: darkDN, haze: haze)
    }
}
