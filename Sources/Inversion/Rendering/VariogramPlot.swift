import Foundation
import Geostatistics

/// The experimental semivariogram (points sized by pair count) with the fitted model as a curve,
/// as an SVG plot for the HTML report.
public struct VariogramPlot: Sendable {
    public var title: String
    public var distanceUnit: String

    public init(title: String = "Semivariogram", distanceUnit: String = "m") {
        self.title = title
        self.distanceUnit = distanceUnit
    }

    public func svg(bins: [VariogramBin], model: VariogramModel?) -> String {
        let maxDistance = max(bins.map(\.meanDistance).max() ?? 1, model.map { min($0.practicalRange, 2 * (bins.map(\.meanDistance).max() ?? 1)) } ?? 0)
        let maxGamma = max(bins.map(\.gamma).max() ?? 1, model?.sill ?? 0) * 1.1
        let frame = PlotFrame(x: 0...(maxDistance * 1.05), y: 0...(maxGamma > 0 ? maxGamma : 1))
        var svg = frame.open(title: title, xLabel: "distance (\(distanceUnit))", yLabel: "semivariance γ(h)")
        if let model {
            let points = (0...120).map { i -> String in
                let h = frame.x.upperBound * Double(i) / 120
                return String(format: "%.1f,%.1f", frame.px(h), frame.py(i == 0 ? 0 : model.semivariance(h)))
            }
            svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#b5367a\" stroke-width=\"1.5\"/>\n"
        }
        let most = Double(bins.map(\.pairCount).max() ?? 1)
        for bin in bins {
            let radius = 2 + 3 * (Double(bin.pairCount) / most).squareRoot()
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#31688e\"><title>%d pairs, h %.0f, γ %.4g</title></circle>",
                          frame.px(bin.meanDistance), frame.py(bin.gamma), radius, bin.pairCount, bin.meanDistance, bin.gamma)
        }
        let legendX = frame.left + frame.plotWidth - 150
        svg += String(format: "\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#31688e\"/><text x=\"%.1f\" y=\"%.1f\">experimental (size: pairs)</text>",
                      legendX, frame.top + frame.plotHeight - 26, legendX + 8, frame.top + frame.plotHeight - 22)
        if let model {
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b5367a\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"%.1f\">fitted %@</text>",
                          legendX - 5, frame.top + frame.plotHeight - 12, legendX + 5, frame.top + frame.plotHeight - 12,
                          legendX + 8, frame.top + frame.plotHeight - 8, model.kind.rawValue)
        }
        return svg + "\n</svg>\n"
    }
}
