import Foundation

/// A histogram of values (e.g. the samples' measured contents) as an SVG plot for the HTML report:
/// about √n classes of round width, capped at 30.
public struct HistogramPlot: Sendable {
    public var title: String
    public var xLabel: String

    public init(title: String, xLabel: String) {
        self.title = title
        self.xLabel = xLabel
    }

    public func svg(values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let classes = max(1, min(30, Int(Double(finite.count).squareRoot().rounded())))
        let width = ScatterPlot.ticks(0, max(hi - lo, 1e-12) * 5 / Double(classes)).dropFirst().first ?? max(hi - lo, 1e-12) / Double(classes)
        let start = (lo / width).rounded(.down) * width
        let count = max(1, Int(((hi - start) / width).rounded(.down)) + 1)
        var counts = [Int](repeating: 0, count: count)
        for v in finite { counts[min(count - 1, Int(((v - start) / width).rounded(.down)))] += 1 }
        let frame = PlotFrame(x: start...(start + Double(count) * width), y: 0...(Double(counts.max() ?? 1) * 1.1))
        var svg = frame.open(title: title, xLabel: xLabel, yLabel: "samples")
        for (k, n) in counts.enumerated() where n > 0 {
            let x0 = frame.px(start + Double(k) * width), x1 = frame.px(start + Double(k + 1) * width)
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#31688e\" stroke=\"white\"><title>%d</title></rect>",
                          x0, frame.py(Double(n)), x1 - x0, frame.py(0) - frame.py(Double(n)), n)
        }
        svg += String(format: "\n<text x=\"%.1f\" y=\"%.1f\">n %d, mean %.3g, median %.3g</text>", frame.left + 8, frame.top + 14,
                      finite.count, finite.reduce(0, +) / Double(max(1, finite.count)), finite.sorted()[safe: finite.count / 2] ?? .nan)
        return svg + "\n</svg>\n"
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
