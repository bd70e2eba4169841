import Foundation
import RasterIO
import TileEngine

/// A PNG quick-look of a multiband scene as colour: three bands drawn as red, green and blue
/// (3,2,1 of a GF-2 scene is true colour, 4,3,2 false colour with vegetation red), each stretched
/// linearly between its own 2nd and 98th percentiles, the map resampled (averaging) to at most
/// `maxSize` pixels on its long side, pixels with nodata in any band transparent.
public struct CompositeQuickLook: Sendable {
    /// Band numbers drawn as red, green, blue (1-based).
    public var bands: [Int]
    public var maxSize: Int
    public var lowerPercentile: Double = 2
    public var upperPercentile: Double = 98

    /// GF-2 PMS band order is blue, green, red, NIR.
    public static let trueColour = [3, 2, 1]

    public init(bands: [Int] = Self.trueColour, maxSize: Int = 1024) {
        self.bands = bands
        self.maxSize = maxSize
    }

    public struct Result: Sendable {
        public let width: Int
        public let height: Int
        /// Each band's stretch, in red, green, blue order.
        public let stretches: [(lower: Double, upper: Double)]
    }

    @discardableResult
    public func render(scene path: String, to output: String) throws -> Result {
        guard bands.count == 3 else { throw InversionError("a colour quick-look needs 3 bands (red, green, blue), not \(bands.count)") }
        let raster = try Raster.open(path)
        for band in bands where !(1...raster.bandCount).contains(band) {
            throw InversionError("\(path): has \(raster.bandCount) band(s), no band \(band)")
        }
        let passes = try StatisticsPass.histograms(paths: [path], bands: bands)
        let stretches = try zip(bands, passes).map { band, pass -> (lower: Double, upper: Double) in
            guard let lower = pass.histogram.percentile(lowerPercentile), let upper = pass.histogram.percentile(upperPercentile) else {
                throw InversionError("\(path): band \(band) has no valid pixels to draw")
            }
            return (lower, upper > lower ? upper : lower + 1)
        }
        let scale = min(1, Double(maxSize) / Double(max(raster.width, raster.height)))
        let w = max(1, Int((Double(raster.width) * scale).rounded())), h = max(1, Int((Double(raster.height) * scale).rounded()))
        let channels = try bands.map { try raster.readResampled(band: $0, width: w, height: h) }
        let nodata = bands.map { raster.bands[$0 - 1].nodata.map(Float.init) }
        var rgba = [UInt8](repeating: 0, count: w * h * 4)
        for i in 0..<(w * h) {
            let missing = (0..<3).contains { c in channels[c][i].isNaN || channels[c][i] == nodata[c] }
            if missing { continue }
            for c in 0..<3 {
                let t = (Double(channels[c][i]) - stretches[c].lower) / (stretches[c].upper - stretches[c].lower)
                rgba[i * 4 + c] = UInt8((max(0, min(1, t)) * 255).rounded())
            }
            rgba[i * 4 + 3] = 255
        }
        try PNGImage.write(rgba: rgba, width: w, height: h, to: output)
        return Result(width: w, height: h, stretches: stretches)
    }
}
