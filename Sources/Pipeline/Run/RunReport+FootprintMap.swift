import Foundation
import Inversion
import RasterIO

extension RunReport.Region {
    /// A product's colour on the footprint map and in the products table: hues a golden angle apart
    /// by source value, so neighbouring values differ at any number of products. Light for its
    /// supplied area, dark for its outline and its anomaly areas' markers.
    static func colour(source: Int, dark: Bool = false) -> String {
        let hue = (Double(source - 1) * 137.508).truncatingRemainder(dividingBy: 360)
        return String(format: dark ? "hsl(%.0f,70%%,30%%)" : "hsl(%.0f,65%%,75%%)", hue)
    }
}

extension RunReport {
    /// The region's footprint map (inline SVG, north up, in the map CRS): the area each product
    /// supplied to the mosaic shaded in its colour, each product's image outline labelled with its
    /// rank, the samples, and each anomaly area as a marker in the colour of the product most of its
    /// pixels came from, labelled with its rank. Nil without the region's figures.
    var footprintMap: String? {
        guard let region, let cells = region.sourceCells, cells.columns > 0, cells.rows > 0 else { return nil }
        let bounds = cells.extent
        let w = 800.0, h = (w * (bounds.maxY - bounds.minY) / (bounds.maxX - bounds.minX)).rounded()
        let font = 16.0
        let sx = w / (bounds.maxX - bounds.minX), sy = h / (bounds.maxY - bounds.minY)
        func px(_ x: Double) -> Double { (x - bounds.minX) * sx }
        func py(_ y: Double) -> Double { (bounds.maxY - y) * sy }
        let cw = w / Double(cells.columns), ch = h / Double(cells.rows)
        var svg = mapOpening(width: w, height: h, font: font, title: "Product footprints and the mosaic's sources")
        svg += String(format: "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>", w, h)
        // Supplied areas: each row's runs of one source value as one rectangle, grouped by value.
        var rectangles: [Int: String] = [:]
        for (row, runs) in cells.runs.enumerated() {
            var column = 0
            for pair in stride(from: 0, to: runs.count - 1, by: 2) {
                let (value, count) = (runs[pair], runs[pair + 1])
                if value > 0 {
                    rectangles[value, default: ""] += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
                                                             Double(column) * cw, Double(row) * ch, Double(count) * cw, ch)
                }
                column += count
            }
        }
        svg += "<g shape-rendering=\"crispEdges\">" + rectangles.sorted { $0.key < $1.key }.map { "<g fill=\"\(Region.colour(source: $0.key))\">\($0.value)</g>" }.joined() + "</g>"
        // Outlines, then their rank labels (smaller when the products are small on the map).
        let outlined = region.products.filter { ($0.outline?.count ?? 0) > 2 }
        let widths = outlined.map { product in product.outline!.map { px($0.x) }.max()! - product.outline!.map { px($0.x) }.min()! }.sorted()
        let labelFont = min(font * 1.3, max(7, (widths.isEmpty ? w : widths[widths.count / 2]) / 5))
        // Outlines reach past the grid where an image saw ground without data (clipped to the map).
        svg += String(format: "<clipPath id=\"footprint-map-frame\"><rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\"/></clipPath>", w, h)
        svg += String(format: "<g fill=\"none\" stroke-width=\"%.1f\" clip-path=\"url(#footprint-map-frame)\">", font / 8)
        for product in outlined {
            let points = product.outline!.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            svg += "<polygon points=\"\(points)\" stroke=\"\(Region.colour(source: product.source, dark: true))\"><title>\(e("\(product.rank). \(product.name)"))</title></polygon>"
        }
        svg += String(format: "</g><g text-anchor=\"middle\" font-weight=\"bold\" font-size=\"%.1f\" stroke=\"white\" stroke-width=\"%.1f\" paint-order=\"stroke\">", labelFont, labelFont / 5)
        for product in outlined {
            let ring = product.outline!
            let x = ring.map { px($0.x) }.reduce(0, +) / Double(ring.count), y = ring.map { py($0.y) }.reduce(0, +) / Double(ring.count)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"%@\">%d</text>", x, y + labelFont / 3, Region.colour(source: product.source, dark: true), product.rank)
        }
        svg += "</g>" + String(format: "<g fill=\"white\" stroke=\"#222\" stroke-width=\"%.1f\">", font / 12)
        for point in sampleLocations where bounds.contains(x: point.x, y: point.y) {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", px(point.x), py(point.y), font / 5)
        }
        svg += "</g>"
        // Anomaly areas: a diamond in their main product's colour, the area's rank beside it.
        let sources = Dictionary(region.products.map { ($0.name, $0.source) }, uniquingKeysWith: { first, _ in first })
        let r = font / 2
        svg += String(format: "<g stroke=\"#222\" stroke-width=\"%.1f\" font-weight=\"bold\" font-size=\"%.1f\">", font / 10, font * 0.9)
        for area in anomalyLocations where bounds.contains(x: area.x, y: area.y) {
            let main = region.areaSources.first { $0.rank == area.rank }
            let fill = main?.products.first.flatMap { sources[$0] }.map { Region.colour(source: $0, dark: true) } ?? "#888"
            let (x, y) = (px(area.x), py(area.y))
            let tip = "area \(area.rank)" + (main.map { ": " + zip($0.products, $0.pixels).map { "\($0) (\($1) px)" }.joined(separator: ", ") } ?? "")
            svg += String(format: "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%@\"><title>%@</title></path>",
                          x, y - r, x + r, y, x, y + r, x - r, y, fill, e(tip))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#a00\" stroke=\"white\" stroke-width=\"%.1f\" paint-order=\"stroke\">%d</text>",
                          x + r * 1.2, y - r * 0.4, font / 5, area.rank)
        }
        svg += "</g>" + mapFrameMarks(bounds: bounds, width: w, height: h, font: font)
        return svg + "</svg>"
    }

    /// The footprint map's legend, as HTML (the products table holds each product's colour).
    var footprintLegend: String {
        let swatch = { (inner: String) in "<svg width=\"18\" height=\"14\" viewBox=\"0 0 18 14\" style=\"vertical-align:middle\">\(inner)</svg>" }
        return [swatch("<rect x=\"1\" y=\"1\" width=\"16\" height=\"12\" fill=\"\(Region.colour(source: 1))\"/>") + " the area a product supplied to the mosaic (white: none did — outside every image, or cloud in all)",
                swatch("<rect x=\"2\" y=\"2\" width=\"14\" height=\"10\" fill=\"none\" stroke=\"\(Region.colour(source: 1, dark: true))\" stroke-width=\"2\"/>") + " a product's image outline, numbered by its rank in the mosaic's priority",
                swatch("<circle cx=\"9\" cy=\"7\" r=\"3\" fill=\"white\" stroke=\"#222\"/>") + " a sample",
                swatch("<path d=\"M9 1 L15 7 L9 13 L3 7 Z\" fill=\"\(Region.colour(source: 1, dark: true))\" stroke=\"#222\"/>") + " an anomaly area (red: its rank), in the colour of the product most of its pixels came from"]
            .joined(separator: "; ") + "."
    }
}
