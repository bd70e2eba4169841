import Foundation

/// Measured against predicted content as an SVG scatter plot with the 1 : 1 line and the fit's
/// R² and RMSE (the paper's Figure 9), for the HTML report.
public struct ScatterPlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String

    public init(title: String, xLabel: String = "measured", yLabel: String = "predicted") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public func svg(observed: [Double], predicted: [Double], size: Int = 360) -> String {
        let pairs = zip(observed, predicted).filter { $0.0.isFinite && $0.1.isFinite }
        let all = pairs.flatMap { [$0.0, $0.1] }
        let lo = all.min() ?? 0, hi = all.max() ?? 1
        let pad = (hi - lo) * 0.05 + 1e-9
        let minV = lo - pad, maxV = hi + pad
        let margin = 48.0, plot = Double(size) - margin - 16
        func px(_ v: Double) -> Double { margin + (v - minV) / (maxV - minV) * plot }
        func py(_ v: Double) -> Double { 16 + plot - (v - minV) / (maxV - minV) * plot }
        let metrics = pairs.isEmpty ? nil : RegressionMetrics(observed: pairs.map(\.0), predicted: pairs.map(\.1))
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(size)" height="\(size)" viewBox="0 0 \(size) \(size)" font-family="sans-serif" font-size="11">
            <title>\(Self.escape(title))</title>
            <rect x="\(margin)" y="16" width="\(plot)" height="\(plot)" fill="white" stroke="#444"/>
            <line x1="\(px(minV))" y1="\(py(minV))" x2="\(px(maxV))" y2="\(py(maxV))" stroke="#999" stroke-dasharray="4 3"/>

            """
        for tick in Self.ticks(minV, maxV) {
            let label = PlotFrame.label(tick)
            svg += "<line x1=\"\(px(tick))\" y1=\"\(16 + plot)\" x2=\"\(px(tick))\" y2=\"\(16 + plot + 4)\" stroke=\"#444\"/>"
            svg += "<text x=\"\(px(tick))\" y=\"\(16 + plot + 16)\" text-anchor=\"middle\">\(label)</text>"
            svg += "<line x1=\"\(margin - 4)\" y1=\"\(py(tick))\" x2=\"\(margin)\" y2=\"\(py(tick))\" stroke=\"#444\"/>"
            svg += "<text x=\"\(margin - 6)\" y=\"\(py(tick) + 4)\" text-anchor=\"end\">\(label)</text>\n"
        }
        for (o, p) in pairs {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#31688e\" fill-opacity=\"0.7\"/>", px(o), py(p))
        }
        svg += "\n<text x=\"\(margin + plot / 2)\" y=\"\(size - 4)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>"
        svg += "<text transform=\"translate(12 \(16 + plot / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>"
        if let metrics {
            svg += String(format: "<text x=\"%.0f\" y=\"32\">R² %.3f  RMSE %.3f  n %d</text>", margin + 8, metrics.r2, metrics.rmse, metrics.count)
        }
        return svg + "\n</svg>\n"
    }

    /// About five round tick values within [lo, hi].
    public static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let power = pow(10, floor(log10(max(raw, 1e-12))))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        var values: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi { values.append(v); v += step }
        return values
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
