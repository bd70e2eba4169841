import Foundation
import Inversion
import RasterIO

extension RunReport.Region {
    /// The footprint map's cells on the longer side at most: enough to see each product's area at
    /// hundreds of products, small enough for the page (a few thousand runs).
    static let footprintMapCells = 320

    /// Each product's image outline on the region grid and what it supplied to the mosaic (after
    /// `attribute`, which gives the anomaly areas' products): pixels, share, samples on them, the
    /// content map's mean over them; and the source band downsampled for the footprint map. One
    /// pass over the source band and the content map, and one downsampled read.
    mutating func describeProducts(plan: ProductMosaic.Plan, source: String, content: String, samples: [RunReport.MapPoint]) throws {
        let toRegion = try CoordinateTransformer(from: .wgs84, to: plan.grid.crs)
        for (k, product) in plan.products.enumerated() where k < products.count {
            let ring = try toRegion.transform(product.orthorectification.outline)
            products[k].outline = ring.map { RunReport.MapPoint(x: $0.x, y: $0.y) }
        }
        let statistics = try SourceAreaStatistics.count(source: source, values: content, points: samples.map { (x: $0.x, y: $0.y) })
        let supplied = statistics.filter { $0.key > 0 }.values.map(\.pixels).reduce(0, +)
        pixelsWithoutProduct = statistics[0]?.pixels ?? 0
        let names = Dictionary(uniqueKeysWithValues: products.map { ($0.source, $0.name) })
        for k in products.indices {
            let figures = statistics[products[k].source] ?? SourceAreaStatistics()
            products[k].suppliedPixels = figures.pixels
            products[k].suppliedShare = supplied > 0 ? Double(figures.pixels) / Double(supplied) : 0
            products[k].samples = figures.points
            products[k].meanContent = figures.meanValue
            products[k].anomalyAreas = areaSources.filter { $0.products.contains(names[products[k].source] ?? "") }.map(\.rank)
        }
        let raster = try Raster.open(source)
        let step = max(1, Int((Double(max(raster.width, raster.height)) / Double(Self.footprintMapCells)).rounded(.up)))
        let columns = (raster.width + step - 1) / step, rows = (raster.height + step - 1) / step
        let cells = try raster.readResampled(band: 1, width: columns, height: rows, nearest: true)
        let runs = (0..<rows).map { row -> [Int] in
            var runs: [Int] = []
            for column in 0..<columns {
                let value = Int(cells[row * columns + column])
                if runs.count >= 2, runs[runs.count - 2] == value { runs[runs.count - 1] += 1 } else { runs += [value, 1] }
            }
            return runs
        }
        sourceCells = SourceCells(columns: columns, rows: rows, extent: plan.grid.extent, runs: runs)
    }
}
