import Foundation
import Pipeline
import Testing

/// The region report's footprint map at a province's scale: 12 × 12 products (144) on a 240 × 240
/// cell source grid, 40 anomaly areas and 400 samples, as `report.json` holds them.
@Suite struct FootprintMapTests {
    static let side = 12, cells = 240, areas = 40

    /// Product (column i, row j) supplies the 1000 m square (i, j) from the north-west; its outline
    /// is that square grown by 80 m and turned a little, as a rotated image's is.
    static func report() throws -> RunReport {
        let extent = Double(side) * 1000
        func source(x: Double, y: Double) -> Int { Int((extent - y) / 1000) * side + Int(x / 1000) + 1 }
        let products: [[String: Any]] = (0..<(side * side)).map { k in
            let (i, j) = (Double(k % side), Double(k / side))
            let (cx, cy) = ((i + 0.5) * 1000, extent - (j + 0.5) * 1000)
            let ring = [(-580.0, 580.0), (580, 580), (580, -580), (-580, -580)].map { dx, dy in
                ["x": cx + dx + 0.1 * dy, "y": cy + dy - 0.1 * dx]
            }
            return ["name": String(format: "GF2_PMS1_E107.%03d_N22.5_20161112_L1A%010d", k, k), "source": k + 1, "rank": side * side - k,
                    "outline": ring, "suppliedPixels": 62_500, "suppliedShare": 1 / Double(side * side), "samples": 3, "anomalyAreas": [Int](),
                    "meanContent": 2.5]
        }
        let cellSize = extent / Double(cells)
        let runs: [[Int]] = (0..<cells).map { row in
            var runs: [Int] = []
            for column in 0..<cells {
                let value = source(x: (Double(column) + 0.5) * cellSize, y: extent - (Double(row) + 0.5) * cellSize)
                if runs.count >= 2, runs[runs.count - 2] == value { runs[runs.count - 1] += 1 } else { runs += [value, 1] }
            }
            return runs
        }
        // Areas and samples spread over the region by the golden ratio (no randomness needed).
        func spread(_ n: Int, _ k: Int) -> (x: Double, y: Double) {
            ((Double(k) * 0.618034).truncatingRemainder(dividingBy: 1) * extent, (Double(k) + 0.5) / Double(n) * extent)
        }
        let locations = (1...areas).map { rank in ["rank": rank, "x": spread(areas, rank - 1).x, "y": spread(areas, rank - 1).y] }
        let areaSources = (1...areas).map { rank -> [String: Any] in
            let place = spread(areas, rank - 1)
            return ["rank": rank, "products": [products[source(x: place.x, y: place.y) - 1]["name"]!], "pixels": [120]]
        }
        var base = RunReport(title: "t", software: "s", started: "now", configuration: "")
        base.anomalyThreshold = 5
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as! [String: Any]
        json["region"] = ["grid": "\(side * 250) × \(side * 250) pixels of 4 m", "rule": "least cloud first", "products": products, "areaSources": areaSources,
                          "pixelsWithoutProduct": 0,
                          "sourceCells": ["columns": cells, "rows": cells, "extent": ["minX": 0, "minY": 0, "maxX": extent, "maxY": extent], "runs": runs]]
        json["anomalyLocations"] = locations
        json["sampleLocations"] = (0..<400).map { ["x": spread(400, $0).x, "y": spread(400, $0).y] }
        return try JSONDecoder().decode(RunReport.self, from: JSONSerialization.data(withJSONObject: json))
    }

    /// The map's SVG in the page.
    static func footprintMap(_ page: String) throws -> String {
        let start = try #require(page.range(of: "<title>Product footprints and the mosaic's sources</title>"))
        let end = try #require(page.range(of: "</svg>", range: start.upperBound..<page.endIndex))
        return String(page[start.lowerBound..<end.upperBound])
    }

    @Test func everyProductIsOutlinedLabelledAndShadedAtProvinceScale() throws {
        let page = try Self.report().html(embeddingFrom: NSTemporaryDirectory())
        let map = try Self.footprintMap(page)
        let count = Self.side * Self.side
        #expect(map.components(separatedBy: "<polygon points=").count - 1 == count)
        // One fill group per product's supplied area; one rectangle per run of a row (12 a row here).
        #expect(map.components(separatedBy: "<g fill=\"hsl(").count - 1 == count)
        #expect(map.components(separatedBy: "<rect x=").count - 1 <= Self.cells * Self.side + 3)
        // Every rank labelled in the outlines' label group (the areas' markers carry rank labels of their own).
        let labels = try #require(map.range(of: "<g text-anchor=\"middle\" font-weight=\"bold\" font-size=\""))
        let group = map[labels.upperBound...]
        let rankLabels = String(group[..<(group.range(of: "</g>")?.lowerBound ?? group.endIndex)])
        for rank in 1...count { #expect(rankLabels.contains(">\(rank)</text>"), "rank \(rank)") }
        #expect(rankLabels.components(separatedBy: "</text>").count - 1 == count)
        // Each area's marker in the colour of its product (hue a golden angle apart by source value).
        #expect(map.components(separatedBy: "<path d=\"M").count - 1 == 1 + Self.areas)
        let report = try Self.report()
        for area in try #require(report.region?.areaSources) {
            let source = try #require(report.region?.products.first { $0.name == area.products[0] }?.source)
            let hue = (Double(source - 1) * 137.508).truncatingRemainder(dividingBy: 360)
            #expect(map.contains(String(format: "fill=\"hsl(%.0f,70%%,30%%)\"><title>area %d: ", hue, area.rank)), "area \(area.rank)")
        }
        // A province's map stays a small part of the page.
        #expect(map.utf8.count < 400_000, "\(map.utf8.count) bytes")
    }
}
