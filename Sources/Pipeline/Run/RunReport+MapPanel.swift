import Foundation
import Inversion
import RasterIO

extension RunReport {
    /// A map quick-look as it goes into the page: the PNG embedded in an SVG that draws, in the
    /// image's own pixel space, a coordinate frame with tick labels in the map CRS, a north arrow,
    /// and (as the figure asks) the anomaly areas' ranks and the sample locations. Vector marks stay
    /// sharp at any zoom and need no fonts in the PNG; the legend and scale bar are in the PNG.
    func mapPanel(_ frame: MapFrame, image: String, title: String) -> String {
        let bounds = frame.extent
        let w = Double(frame.mapWidth), h = Double(frame.mapHeight)
        let sx = w / (bounds.maxX - bounds.minX), sy = h / (bounds.maxY - bounds.minY)
        func px(_ x: Double) -> Double { (x - bounds.minX) * sx }
        func py(_ y: Double) -> Double { (bounds.maxY - y) * sy }
        let font = max(11, Double(frame.imageWidth) / 42)
        var svg = mapOpening(width: Double(frame.imageWidth), height: Double(frame.imageHeight), font: font, title: title)
        svg += "<image href=\"\(image)\" x=\"0\" y=\"0\" width=\"\(frame.imageWidth)\" height=\"\(frame.imageHeight)\"/>"
        svg += mapFrameMarks(bounds: bounds, width: w, height: h, font: font)
        if frame.showsSamples {
            svg += "<g fill=\"white\" stroke=\"#222\" stroke-width=\"\(String(format: "%.1f", font / 12))\">"
            for point in sampleLocations where bounds.contains(x: point.x, y: point.y) {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", px(point.x), py(point.y), font / 5)
            }
            svg += "</g>"
        }
        if frame.showsRanks {
            svg += String(format: "<g text-anchor=\"middle\" font-weight=\"bold\" fill=\"#a00\" stroke=\"white\" stroke-width=\"%.1f\" paint-order=\"stroke\">", font / 5)
            for area in anomalyLocations where bounds.contains(x: area.x, y: area.y) {
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">%d</text>", px(area.x), py(area.y) + font / 3, area.rank)
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    /// An SVG map's opening tag and title: `width` × `height` units of map (and legend) with room
    /// around them for the frame's tick labels.
    func mapOpening(width: Double, height: Double, font: Double, title: String) -> String {
        let left = (5 * font + 12).rounded(), top = (font * 1.6).rounded(), right = (font * 1.2).rounded()
        return String(format: "<svg class=map xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.0f %.0f %.0f %.0f\" font-family=\"sans-serif\" font-size=\"%.1f\" role=\"img\">",
                      -left, -top, width + left + right, height + top, font) + "<title>\(e(title))</title>"
    }

    /// A north-up map's frame over `width` × `height` units showing `bounds`: its outline, tick
    /// labels in the map CRS and a north arrow (GDAL's geotransform without rotation).
    func mapFrameMarks(bounds: MapExtent, width w: Double, height h: Double, font: Double) -> String {
        let sx = w / (bounds.maxX - bounds.minX), sy = h / (bounds.maxY - bounds.minY)
        func px(_ x: Double) -> Double { (x - bounds.minX) * sx }
        func py(_ y: Double) -> Double { (bounds.maxY - y) * sy }
        let digits = bounds.maxX - bounds.minX < 50 ? "%.4f" : "%.0f"
        var svg = String(format: "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#222\" stroke-width=\"%.1f\"/>", w, h, font / 10)
        let tick = font / 2
        for x in ScatterPlot.ticks(bounds.minX, bounds.maxX) {
            svg += String(format: "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">\(digits)</text>",
                          px(x), px(x), -tick, px(x), -tick - 3, x)
        }
        for y in ScatterPlot.ticks(bounds.minY, bounds.maxY) {
            svg += String(format: "<line x1=\"0\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">\(digits)</text>",
                          py(y), -tick, py(y), -tick - 2, py(y) + font / 3, y)
        }
        let cx = w - 1.2 * font, ay = 0.5 * font
        svg += String(format: "<g stroke=\"white\" stroke-width=\"%.1f\" paint-order=\"stroke\" fill=\"#222\"><path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f %.1f Z\"/>",
                      font / 6, cx, ay, cx - 0.5 * font, ay + 1.4 * font, cx, ay + 1.0 * font, cx + 0.5 * font, ay + 1.4 * font)
        return svg + String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">N</text></g>", cx, ay + 2.5 * font)
    }
}
