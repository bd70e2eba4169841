import Foundation
import Inversion
import RasterIO

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
            /// Its image's edge on the ground in the map CRS (a ring; `Orthorectification.outline`).
            public var outline: [MapPoint]?
            /// What it supplied to the mosaic: pixels (and their share of the mosaic's pixels that
            /// have a product), the samples on them, the anomaly areas with pixels from it (ranks)
            /// and the content map's mean over them.
            public var suppliedPixels: Int?
            public var suppliedShare: Double?
            public var samples: Int?
            public var anomalyAreas: [Int]?
            public var meanContent: Double?
            /// With `normalise: true`: its gain and offset per band and the pixels they were fitted on.
            public var normalisation: ProductNormalisation?
            /// With `model_scope: product`: "own (23 samples)", or why it keeps the region's model.
            public var model: String?
            /// With `dos: true`: its dark DNs and the haze subtracted, per band.
            public var darkDN: [Double]?
            public var haze: [Double]?
        }

        /// `model_scope: product`: which products have their own model, and the scope's spatial
        /// validation beside the region's model's under the same blocks.
        public struct ModelScope: Codable, Sendable {
            public var method: String
            public var minimumSamples: Int
            public var productsWithOwnModel: Int
            public var scheme: String
            public var productScopeRMSE: Double
            public var productScopeR2: Double
            public var regionRMSE: Double?
            public var regionR2: Double?
        }

        /// The source band downsampled (nearest pixel) for the footprint map: `columns` × `rows`
        /// cells over `extent`, each row as runs of [source value, cells, source value, cells, …].
        public struct SourceCells: Codable, Sendable {
            public var columns: Int
            public var rows: Int
            public var extent: MapExtent
            public var runs: [[Int]]
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
        public var sourceCells: SourceCells?
        /// The mosaic's pixels no product supplied (outside every image, or cloud in all of them).
        public var pixelsWithoutProduct: Int?
        public var modelScope: ModelScope?

        public init(catalogue: ProductCatalogue, summary: ProductMosaic.Summary) {
            grid = summary.grid.description
            rule = summary.rule
            products = catalogue.entries.enumerated().map { k, entry in
                Product(name: entry.name, source: k + 1, rank: (summary.ranking.firstIndex(of: entry.name) ?? k) + 1,
                        datetime: entry.datetime.map { $0.formatted(Date.ISO8601FormatStyle()) }, cloudCover: entry.cloudCover, viewAngle: entry.viewAngle,
                        normalisation: summary.normalisation?[k], darkDN: summary.haze?[k].darkDN, haze: summary.haze?[k].haze)
            }
        }

        /// Each area's products from the label raster and the mosaic's source band (value 0: no product).
        public mutating func attribute(labels: String, source: String) throws {
            let names = Dictionary(uniqueKeysWithValues: products.map { ($0.source, $0.name) })
            areaSources = try AreaSources.count(labels: labels, source: source).sorted { $0.key < $1.key }.map { rank, counts in
                AreaSource(rank: rank, products: counts.map { names[$0.source] ?? "no product" }, pixels: counts.map(\.pixels))
            }
        }

        /// Records `model_scope: product`'s models: each product's, and the scope's validation.
        public mutating func describe(_ scope: ModelTraining.ProductModels) {
            for k in products.indices { products[k].model = "no samples; the region's model" }
            for product in scope.products where products.indices.contains(product.source - 1) {
                products[product.source - 1].model = product.fitted != nil ? "own (\(product.samples) samples)" : product.note
            }
            modelScope = ModelScope(method: scope.method, minimumSamples: scope.minimumSamples,
                                    productsWithOwnModel: scope.products.filter { $0.fitted != nil }.count, scheme: scope.validation.scheme,
                                    productScopeRMSE: scope.validation.test.measured.rmse, productScopeR2: scope.validation.test.measured.r2,
                                    regionRMSE: scope.regionValidation?.test.measured.rmse, regionR2: scope.regionValidation?.test.measured.r2)
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
    /// The products table of a region run, with each product's figures and the footprint map (empty otherwise).
    var regionSection: String {
        guard let region else { return "" }
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        func count(_ value: Int?) -> String { value.map(String.init) ?? "" }
        let figures = region.products.contains { $0.suppliedPixels != nil }
        let normalised = region.products.contains { $0.normalisation != nil }
        let hazy = region.products.contains { $0.haze != nil }
        func normalisationCells(_ fit: ProductNormalisation?) -> String {
            guard normalised else { return "" }
            guard let fit else { return "<td></td><td></td><td></td>" }
            func list(_ values: [Double]) -> String { values.map { String(format: "%.4f", $0) }.joined(separator: " ") }
            return "<td class=l>\(list(fit.gains))</td><td class=l>\(list(fit.offsets))</td><td class=l>\(fit.note.map { e($0) } ?? "\(fit.samples) of \(fit.overlapSamples)")</td>"
        }
        var html = "<h2>Products</h2><p>\(region.products.count) products mosaicked on \(e(region.grid)): \(e(region.rule)). Each pixel's product is in mosaic.source.tif (its source value below); each anomaly area's products are in the areas' table."
            + (figures ? " Supplied: the mosaic's pixels taken from the product (share: of the pixels with a product\(region.pixelsWithoutProduct.map { "; \($0) pixels have none" } ?? "")); samples and mean content over those pixels; anomaly areas: the ranks of the areas with pixels from it." : "") + "</p>"
        if hazy { html += "<p>Dark-object subtraction (dos: true) per product: each product's haze from the \(DarkObjectCorrection.defaultPercentile) % darkest DN of its orthorectified view, less \(DarkObjectCorrection.darkObjectReflectance) reflectance (DOS1), subtracted before the mosaic.</p>" }
        if normalised { html += "<p>Normalised (normalise: true): \(e(RelativeNormalisation.method)).</p>" }
        if let scope = region.modelScope {
            html += "<p>Model scope: product. \(scope.productsWithOwnModel) of \(region.products.count) products have their own \(e(scope.method)) model, fitted on the samples read from them (at least \(scope.minimumSamples) each; in model.products/); each of their pixels is mapped by it where it applies, the other pixels by the region's model. "
                + String(format: "Spatial validation (%@, each product's model refitted in every fold): RMSE %.3g, R² %.2f against the measured contents", e(scope.scheme), scope.productScopeRMSE, scope.productScopeR2)
                + (scope.regionRMSE.map { String(format: "; the region's model alone under the same blocks: RMSE %.3g, R² %.2f", $0, scope.regionR2 ?? .nan) } ?? "") + ".</p>"
        }
        if let map = footprintMap {
            html += "<figure class=map>\(map)<figcaption><b>Product footprints and the mosaic's sources.</b> \(footprintLegend) Hover over an outline or a marker for its product(s).</figcaption></figure>"
        }
        // What each product gave the map first, the catalogue facts that ranked it after.
        html += "<div class=\"wide rows\"><table><tr><th>rank</th><th>source</th><th class=l>product</th>"
            + (figures ? "<th>supplied (pixels)</th><th>share</th><th>samples</th><th class=l>anomaly areas</th><th>mean content\(value.isEmpty ? "" : " " + e(value))</th>" : "")
            + (region.modelScope != nil ? "<th class=l>model</th>" : "") + (hazy ? "<th class=l>dark DN</th><th class=l>haze (DOS)</th>" : "") + "<th class=l>date (UTC)</th><th>cloud (%)</th><th>view angle (°)</th>"
            + (normalised ? "<th class=l>normalisation gains</th><th class=l>offsets</th><th class=l>samples fitted (of the overlap's; 3 × 3-pixel means)</th>" : "") + "</tr>"
        for p in region.products.sorted(by: { $0.rank < $1.rank }) {
            let swatch = figures ? "<span style=\"display:inline-block;width:0.8em;height:0.8em;margin-right:0.3em;background:\(Region.colour(source: p.source));border:2px solid \(Region.colour(source: p.source, dark: true))\"></span>" : ""
            html += "<tr><td>\(p.rank)</td><td>\(swatch)\(p.source)</td><td class=l>\(e(p.name))</td>"
            if figures {
                html += "<td>\(count(p.suppliedPixels))</td><td>\(number(p.suppliedShare, "%.3f"))</td><td>\(count(p.samples))</td>"
                    + "<td class=l>\(p.anomalyAreas.map { $0.map(String.init).joined(separator: ", ") } ?? "")</td><td>\(number(p.meanContent, "%.4g"))</td>"
            }
            if region.modelScope != nil { html += "<td class=l>\(e(p.model ?? ""))</td>" }
            if hazy {
                html += "<td class=l>\((p.darkDN ?? []).map { String(format: "%.1f", $0) }.joined(separator: " "))</td><td class=l>\((p.haze ?? []).map { String(format: "%.4f", $0) }.joined(separator: " "))</td>"
            }
            html += "<td class=l>\(e(p.datetime ?? ""))</td><td>\(number(p.cloudCover, "%.1f"))</td><td>\(number(p.viewAngle, "%.2f"))</td>\(normalisationCells(p.normalisation))</tr>"
        }
        return html + "</table></div>"
    }
}
