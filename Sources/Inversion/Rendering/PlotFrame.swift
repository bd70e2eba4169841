import Foundation

/// The axes of a small SVG plot: a plot rectangle, linear scales for x and y, round ticks with
/// labels and axis titles. `VariogramPlot` and `HistogramPlot` draw their marks inside it.
struct PlotFrame {
    var width = 400.0, height = 280.0
    var left = 56.0, right = 12.0, top = 24.0, bottom = 40.0
    var x: ClosedRange<Double>
    var y: ClosedRange<Double>

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }
    func px(_ v: Double) -> Double { left + (v - x.lowerBound) / (x.upperBound - x.lowerBound) * plotWidth }
    func py(_ v: Double) -> Double { top + plotHeight - (v - y.lowerBound) / (y.upperBound - y.lowerBound) * plotHeight }

    /// The opening `<svg>`, the frame, ticks and axis titles; the caller adds marks and `</svg>`.
    func open(title: String, xLabel: String, yLabel: String) -> String {
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <title>\(ScatterPlot.escape(title))</title>
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="white" stroke="#444"/>

            """
        for tick in ScatterPlot.ticks(x.lowerBound, x.upperBound) {
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>", px(tick), top + plotHeight, px(tick), top + plotHeight + 4)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", px(tick), top + plotHeight + 15, Self.label(tick))
        }
        for tick in ScatterPlot.ticks(y.lowerBound, y.upperBound) {
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>", left - 4, py(tick), left, py(tick))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", left - 6, py(tick) + 4, Self.label(tick))
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", left + plotWidth / 2, height - 6, ScatterPlot.escape(xLabel))
        svg += String(format: "<text transform=\"translate(12 %.1f) rotate(-90)\" text-anchor=\"middle\">%@</text>\n", top + plotHeight / 2, ScatterPlot.escape(yLabel))
        return svg
    }

    /// A tick label without float noise (0.30000000000000004 → 0.3, −0 → 0).
    static func label(_ value: Double) -> String { String(format: "%g", (value * 1e9).rounded() / 1e9 + 0) }
}
