import Foundation
import RasterIO
import TileEngine

/// A PNG quick-look of a content map: the map resampled (averaging) to at most `maxSize` pixels on
/// its long side, coloured with a ramp between two percentiles, nodata transparent, with a colour
/// legend (ticks at round values, the unit) and a scale bar below it.
public struct QuickLook: Sendable {
    public var maxSize: Int
    /// Percentiles of the map that the ramp spans (robust against a few extreme pixels).
    public var lowerPercentile: Double
    public var upperPercentile: Double
    public var unit: String

    public init(maxSize: Int = 1024, lowerPercentile: Double = 2, upperPercentile: Double = 98, unit: String = "") {
        self.maxSize = maxSize
        self.lowerPercentile = lowerPercentile
        self.upperPercentile = upperPercentile
        self.unit = unit
    }

    public struct Result: Sendable {
        /// The whole image: the map on top, the legend and scale bar below it.
        public let width: Int
        public let height: Int
        public let lower: Double
        public let upper: Double
        /// The map's part of the image (from its top-left corner) and the ground it covers.
        public let mapWidth: Int
        public let mapHeight: Int
        public let extent: MapExtent?
        /// The legend's texts, as drawn: its tick labels, then the unit (when there is one).
        public let legend: [String]
    }

    /// `outlines`: a raster of area labels on the same grid (0: none, e.g. `anomalies --labels`);
    /// the areas' borders are drawn in red over the map.
    @discardableResult
    public func render(map path: String, band: Int = 1, outlines: String? = nil, to output: String) throws -> Result {
        let raster = try Raster.open(path)
        let pass = try StatisticsPass.histograms(paths: [path], bands: [band])[0]
        guard let lower = pass.histogram.percentile(lowerPercentile), let upper = pass.histogram.percentile(upperPercentile) else {
            throw InversionError("\(path): band \(band) has no valid pixels to draw")
        }
        let ramp = ColourRamp(lower: lower, upper: upper)
        let scale = min(1, Double(maxSize) / Double(max(raster.width, raster.height)))
        let w = max(1, Int((Double(raster.width) * scale).rounded())), h = max(1, Int((Double(raster.height) * scale).rounded()))
        let values = try raster.readResampled(band: band, width: w, height: h)
        let nodata = raster.bands[band - 1].nodata.map(Float.init)
        let text = max(1, w / 400 + 1)
        let footer = 15 * text + BitmapFont.height * text * 2 + 24
        var canvas = RGBACanvas(width: max(w, 200), height: h + footer)
        for y in 0..<h {
            for x in 0..<w {
                let v = values[y * w + x]
                if v.isNaN || v == nodata { continue }
                canvas.set(x: x, y: y, ramp.colour(Double(v)))
            }
        }
        if let outlines {
            let labels = try Raster.open(outlines)
            guard labels.width == raster.width, labels.height == raster.height else {
                throw InversionError("\(outlines): is \(labels.width)×\(labels.height), but \(path) is \(raster.width)×\(raster.height)")
            }
            let rank = try labels.readResampled(width: w, height: h, nearest: true)
            for y in 0..<h {
                for x in 0..<w where rank[y * w + x] > 0 {
                    let border = x == 0 || y == 0 || x == w - 1 || y == h - 1
                        || rank[y * w + x - 1] != rank[y * w + x] || rank[y * w + x + 1] != rank[y * w + x]
                        || rank[(y - 1) * w + x] != rank[y * w + x] || rank[(y + 1) * w + x] != rank[y * w + x]
                    if border { canvas.set(x: x, y: y, SIMD4(230, 30, 30, 255)) }
                }
            }
        }
        let ink = SIMD4<UInt8>(20, 20, 20, 255), paper = SIMD4<UInt8>(255, 255, 255, 255)
        canvas.fill(x: 0, y: h, width: canvas.width, height: footer, colour: paper)
        // Legend: a ramp bar with its two end values.
        let barY = h + 6, barHeight = 8 * text, barWidth = min(canvas.width / 2, 256)
        for x in 0..<barWidth {
            let colour = ramp.colour(lower + (upper - lower) * Double(x) / Double(max(1, barWidth - 1)))
            canvas.fill(x: 8 + x, y: barY, width: 1, height: barHeight, colour: colour)
        }
        // Ticks at round values with their labels, the unit after the bar.
        let labelY = barY + barHeight + 4
        var nextFree = 0
        var legend: [String] = []
        // The ramp's limits: a constant map gets a ramp one unit wide.
        for tick in ScatterPlot.ticks(ramp.lower, ramp.upper) {
            let x = 8 + Int(((tick - ramp.lower) / (ramp.upper - ramp.lower) * Double(barWidth - 1)).rounded())
            canvas.fill(x: x, y: barY + barHeight, width: text, height: 3 * text, colour: ink)
            let label = PlotFrame.label(tick), labelWidth = BitmapFont.measure(label, scale: text)
            let left = max(0, x - labelWidth / 2)
            guard left >= nextFree else { continue }
            BitmapFont.draw(label, x: left, y: labelY + 3 * text, scale: text, colour: ink, on: &canvas)
            legend.append(label)
            nextFree = left + labelWidth + 3 * text
        }
        if !unit.isEmpty {
            BitmapFont.draw(unit, x: 8, y: labelY + (6 + BitmapFont.height) * text, scale: text, colour: ink, on: &canvas)
            legend.append(unit)
        }
        // Scale bar: a round ground distance near a fifth of the image width.
        // A georeferencing without a usable pixel size (0, infinite) gets no scale bar.
        if let transform = raster.geoTransform, abs(transform.pixelWidth) / scale > 0, (Double(w) * abs(transform.pixelWidth) / scale).isFinite {
            let metresPerPixel = abs(transform.pixelWidth) / scale
            let length = Self.roundDistance(Double(w) / 5 * metresPerPixel)
            let pixels = Int(length / metresPerPixel)
            let x0 = canvas.width - pixels - 12
            canvas.fill(x: x0, y: barY + barHeight - 2 * text, width: pixels, height: 2 * text, colour: ink)
            canvas.fill(x: x0, y: barY, width: text, height: barHeight, colour: ink)
            canvas.fill(x: x0 + pixels - text, y: barY, width: text, height: barHeight, colour: ink)
            let label = length >= 1000 ? Self.format(length / 1000) + " km" : "\(Int(length)) m"
            BitmapFont.draw(label, x: x0 + (pixels - BitmapFont.measure(label, scale: text)) / 2, y: labelY + 3 * text, scale: text, colour: ink, on: &canvas)
        }
        try PNGImage.write(rgba: canvas.pixels, width: canvas.width, height: canvas.height, to: output)
        return Result(width: canvas.width, height: canvas.height, lower: lower, upper: upper, mapWidth: w, mapHeight: h,
                      extent: raster.geoTransform?.extent(width: raster.width, height: raster.height), legend: legend)
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// 1, 2 or 5 times a power of ten, at most `distance`.
    static func roundDistance(_ distance: Double) -> Double {
        let power = pow(10, floor(log10(max(distance, 1))))
        for step in [5.0, 2, 1] where step * power <= distance { return step * power }
        return power
    }
}
