import Foundation
import Inversion

extension RunReport {
    /// A run over a region's products (`scenes:`): the products, how the mosaic chose between them,
    /// and which products each anomaly area's pixels came from.
    public struct Region: Codable, Sendable {
        public struct Product: Codable, Sendable {
            public var name: String
            /// Its value in the mosaic's source band (1-based catalogue index).
            public var source: Int
            /// 1: the mosaic prefers it over every other.
            public var rank: Int
            /// ISO 8601, UTC.
            public var datetime: String?
            public var cloudCover: Double?
            public var viewAngle: Double?
            /// With `normalise: true`: its gain and offset per band and the pixels they were fitted on.
            public var normalisation: ProductNormalisation?
        }

        public struct AreaSource: Codable, Sendable {
            public var rank: Int
            /// The products the area's pixels came from, most pixels first.
            public var products: [String]
            /// The area's pixels from each, in the same order.
            public var pixels: [Int]
        }

        public var grid: String
        public var rule: String
        /// In catalogue order.
        public var products: [Product]
        public var areaSources: [AreaSource] = []

        public init(catalogue: ProductCatalogue, summary: ProductMosaic.Summary) {
            grid = summary.grid.description
            rule = summary.rule
            products = catalogue.entries.enumerated().map { k, entry in
                Product(name: entry.name, source: k + 1, rank: (summary.ranking.firstIndex(of: entry.name) ?? k) + 1,
                        datetime: entry.datetime.map { $0.formatted(Date.ISO8601FormatStyle()) }, cloudCover: entry.cloudCover, viewAngle: entry.viewAngle,
                        normalisation: summary.normalisation?[k])
            }
        }

        /// Each area's products from the label raster and the mosaic's source band (value 0: no product).
        public mutating func attribute(labels: String, source: String) throws {
            let names = Dictionary(uniqueKeysWithValues: products.map { ($0.source, $0.name) })
            areaSources = try AreaSources.count(labels: labels, source: source).sorted { $0.key < $1.key }.map { rank, counts in
                AreaSource(rank: rank, products: counts.map { names[$0.source] ?? "no product" }, pixels: counts.map(\.pixels))
            }
        }

        /// "GF2_…0001 (412), GF2_…0003 (97)" for the areas table.
        func sources(ofRank rank: Int) -> String? {
            areaSources.first { $0.rank == rank }.map { area in
                zip(area.products, area.pixels).map { "\($0) (\($1))" }.joined(separator: ", ")
            }
        }
    }
}

extension RunReport {
    /// The products table of a region run (empty otherwise).
    var regionSection: String {
        guard let region else { return "" }
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        let normalised = region.products.contains { $0.normalisation != nil }
        func normalisationCells(_ fit: ProductNormalisation?) -> String {
            guard normalised else { return "" }
            guard let fit else { return "<td></td><td></td><td></td>" }
            func list(_ values: [Double]) -> String { values.map { String(format: "%.4f", $0) }.joined(separator: " ") }
            return "<td class=l>\(list(fit.gains))</td><td class=l>\(list(fit.offsets))</td><td class=l>\(fit.note.map { e($0) } ?? "\(fit.samples) of \(fit.overlapSamples)")</td>"
        }
        return "<h2>Products</h2><p>\(region.products.count) products mosaicked on \(e(region.grid)): \(e(region.rule)). Each pixel's product is in mosaic.source.tif (its source value below); each anomaly area's products are in the areas' table.</p>"
            + (normalised ? "<p>Normalised (normalise: true): \(e(RelativeNormalisation.method)).</p>" : "")
            + "<div class=wide><table><tr><th>rank</th><th>source</th><th class=l>product</th><th class=l>date (UTC)</th><th>cloud (%)</th><th>view angle (°)</th>"
            + (normalised ? "<th class=l>normalisation gains</th><th class=l>offsets</th><th class=l>samples fitted (of the overlap's; 3 × 3-pixel means)</th>" : "") + "</tr>"
            + region.products.sorted { $0.rank < $1.rank }.map { p in
                "<tr><td>\(p.rank)</td><td>\(p.source)</td><td class=l>\(e(p.name))</td><td class=l>\(e(p.datetime ?? ""))</td><td>\(number(p.cloudCover, "%.1f"))</td><td>\(number(p.viewAngle, "%.2f"))</td>\(normalisationCells(p.normalisation))</tr>"
            }.joined() + "</table></div>"
    }
}
