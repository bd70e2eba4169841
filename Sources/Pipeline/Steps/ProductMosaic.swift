import Foundation
import Inversion
import RasterIO
import TileEngine

/// Overlapping L1A products of a catalogue as one calibrated reflectance mosaic on one region grid
/// (`regolith mosaic-products`): every product orthorectified through its RPC model with the
/// region's DEM onto one pixel-aligned grid (`RegionGrid`), calibrated with its own XML, and each
/// pixel taken from the best-ranked product with data there (`MosaicPriority`), with a source band
/// saying which. Each product is first orthorectified on its own grid into a view beside the mosaic
/// (`ProductView`, DNs), its tiles starting where the warper's 512 × 128 blocks do, so a block is
/// warped once (tiles of 512 pixels and more);
/// the mosaic is then streamed tile by tile from the views (warping each product over the region's
/// tiles instead re-warped the blocks two tiles share: the mosaic took 1.4 × the products' own fused
/// passes, against 0.99 × this way, on a 2 × 2 province of 2400-pixel products).
public struct ProductMosaic: Sendable {
    public var catalogue: ProductCatalogue
    /// The DEM (or constant height), target CRS, resolution and resampling; a nil CRS: the WGS 84 UTM
    /// zone of the centre of the products' footprints; a nil resolution: 4 (the GF-2 multispectral grid).
    public var orthorectification: OrthorectificationSettings
    public var priority: MosaicPriority
    /// Pixels on each side of a seam between two products' areas over which their reflectances are
    /// blended (`ProductMosaicKernel.feather`); 0: a hard seam, every pixel one product's.
    public var feather: Int
    /// Per-pixel cloud screen: a product's pixel whose blue TOA reflectance exceeds this counts as no
    /// data, so the next-ranked product with data there fills it (nil: clouds are judged per product only).
    public var cloudReflectance: Double?
    /// The products' views were made already (by a region run's array tasks): a missing or stale one
    /// is refused, not made.
    public var viewsMadeAlready = false
    /// Fit each product after the first in rank order to the better-ranked ones over their overlap
    /// (`RelativeNormalisation`) and apply the gains and offsets as the mosaic reads it.
    public var normalise: Bool
    /// Dark-object subtraction per product (DOS1, `dos`): each product's haze from its own view's
    /// DN histogram, as `run` takes one scene's from its orthorectified DNs, subtracted in its
    /// calibration before the cloud screen and any normalisation.
    public var darkObjectSubtraction: Bool

    public init(catalogue: ProductCatalogue, orthorectification: OrthorectificationSettings, priority: MosaicPriority, feather: Int = 0,
                cloudReflectance: Double? = nil, normalise: Bool = false, darkObjectSubtraction: Bool = false) {
        self.catalogue = catalogue
        self.orthorectification = orthorectification
        self.priority = priority
        self.feather = feather
        self.cloudReflectance = cloudReflectance
        self.normalise = normalise
        self.darkObjectSubtraction = darkObjectSubtraction
    }

    /// One product ready for the mosaic.
    public struct Product: Sendable {
        public var entry: ProductCatalogue.Entry
        public var orthorectification: Orthorectification
        /// Where its orthorectified view lies on the region grid.
        public var window: Window
        public var calibration: TOAReflectanceModel
    }

    /// What the mosaic is made of, before any pixel is computed.
    public struct Plan: Sendable {
        public var grid: RegionGrid
        /// In catalogue order: product k has source value k + 1.
        public var products: [Product]
        /// Catalogue indices (0-based), best first.
        public var ranking: [Int]
        public var rule: String
        public var targetDate: Date?
    }

    /// The source band's largest value: its pixel type is UInt16.
    public static let largestCatalogue = Int(UInt16.max)

    /// The source band beside the mosaic: `mosaic.tif` → `mosaic.source.tif`.
    public static func sourcePath(for out: String) -> String {
        (out as NSString).deletingPathExtension + ".source.tif"
    }

    /// The folder of the products' views beside the mosaic: `mosaic.tif` → `mosaic.products/`.
    public static func viewFolder(for out: String) -> String {
        (out as NSString).deletingPathExtension + ".products"
    }

    /// Removes the views of a finished mosaic of `products` products, and their folder when nothing
    /// else is in it (a file someone else put there stays).
    public static func removeViews(of out: String, products: Int) {
        let folder = viewFolder(for: out)
        for index in 0..<products { try? FileManager.default.removeItem(atPath: ProductView.path(index: index, mosaic: out)) }
        if (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Each product's view for the mosaic `out`, in catalogue order.
    public static func views(_ plan: Plan, mosaic out: String) -> [ProductView] {
        plan.products.enumerated().map { ProductView(index: $0, product: $1, mosaic: out) }
    }

    /// The region's CRS: the settings' or the UTM zone of the centre of the products' footprints.
    public func regionCRS() throws -> SpatialReference {
        if let definition = orthorectification.targetCRS {
            do { return try SpatialReference(definition) } catch {
                throw RasterError(definition, .invalidArgument, "not a CRS GDAL knows (the region's target CRS)")
            }
        }
        let corners = catalogue.entries.flatMap { $0.footprint ?? [] }
        guard !corners.isEmpty else {
            throw InversionError("\(catalogue.entries[0].origin): no product has a footprint (no STAC geometry, no XML corners), so the region's UTM zone is unknown; give the CRS (--t-srs)")
        }
        let longitudes = corners.map(\.longitude), latitudes = corners.map(\.latitude)
        return try SpatialReference.utm(longitude: (longitudes.min()! + longitudes.max()!) / 2, latitude: (latitudes.min()! + latitudes.max()!) / 2)
    }

    /// The region's pixel size: the settings' or 4 (the GF-2 multispectral grid), in the CRS's unit.
    public var resolution: Double { Self.resolution(orthorectification) }

    static func resolution(_ settings: OrthorectificationSettings) -> Double {
        settings.resolution ?? Orthorectification.multispectralResolution
    }

    /// One product orthorectified through its RPC model with `settings`' DEM onto the region's CRS
    /// and pixel size (checking its RPC and the DEM's coverage): its grid is the region's at a
    /// whole-pixel offset. A product the catalogue located already is not located again (a
    /// `.tar.gz` is decompressed to be listed).
    public static func orthorectification(of entry: ProductCatalogue.Entry, settings: OrthorectificationSettings,
                                          crs: SpatialReference) throws -> Orthorectification {
        var settings = settings
        settings.resolution = resolution(settings)
        return try settings.orthorectification(ofImage: entry.product?.mss.raster ?? GF2Product.sceneImage(entry.path).raster, crs: crs)
    }

    /// Orthorectifies (checking each product's RPC and the DEM's coverage) and calibrates every
    /// product, fixes the region grid over them and ranks them.
    public func plan(threads: Int = 1) throws -> Plan {
        guard catalogue.entries.count <= Self.largestCatalogue else {
            throw InversionError("the catalogue lists \(catalogue.entries.count) products; a mosaic's source band (UInt16) tells at most \(Self.largestCatalogue) apart")
        }
        let crs = try regionCRS()
        guard orthorectification.resolution != nil || !crs.isGeographic else {
            throw RasterError(orthorectification.targetCRS ?? "", .invalidArgument, "the region's CRS \(crs.name) is in \(crs.unitName)s; give the resolution in them")
        }
        var products: [(entry: ProductCatalogue.Entry, ortho: Orthorectification, calibration: TOAReflectanceModel)] = []
        for entry in catalogue.entries {
            let calibration = SceneCalibration(scene: entry.path)
            products.append((entry, try Self.orthorectification(of: entry, settings: orthorectification, crs: crs),
                             try (entry.product.map { try calibration.calibration(of: $0.mss, threads: threads) } ?? calibration.calibration(threads: threads)).model))
        }
        if let first = products.first, let other = products.first(where: { $0.calibration.coefficients.bandCount != first.calibration.coefficients.bandCount }) {
            throw InversionError("\(other.entry.origin): \(other.entry.name) has \(other.calibration.coefficients.bandCount) bands, but \(first.entry.name) has \(first.calibration.coefficients.bandCount); a mosaic needs the same bands from every product")
        }
        let grid = try RegionGrid(covering: products.map { $0.ortho.geoTransform.extent(width: $0.ortho.width, height: $0.ortho.height) },
                                  crs: crs, resolution: resolution)
        let placed = try products.map { product -> Product in
            guard let window = grid.window(of: product.ortho.geoTransform, width: product.ortho.width, height: product.ortho.height) else {
                throw RasterError(product.ortho.source, .mismatch, "its orthorectified grid \(product.ortho.geoTransform.coefficients) is not aligned with the region's \(grid)")
            }
            return Product(entry: product.entry, orthorectification: product.ortho, window: window, calibration: product.calibration)
        }
        return Plan(grid: grid, products: placed, ranking: priority.ranking(of: catalogue.entries),
                    rule: priority.rule(for: catalogue.entries), targetDate: priority.effectiveTargetDate(for: catalogue.entries))
    }

    /// What was written, for the console.
    public struct Summary: Sendable, CustomStringConvertible {
        public var grid: RegionGrid
        public var rule: String
        /// Product names, best first.
        public var ranking: [String]
        public var outputs: [String]
        public var tiles: Int
        public var megapixelsPerSecond: Double
        /// With `normalise`: each product's normalisation, in catalogue order.
        public var normalisation: [ProductNormalisation]?
        /// With `darkObjectSubtraction`: each product's dark DNs and haze, in catalogue order.
        public var haze: [DarkObjectCorrection.Result]?

        public var description: String {
            var lines = ["grid         \(grid)",
                         "priority     \(rule)",
                         "ranking      " + ranking.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: ", ")]
            if let haze {
                for (rank, k) in catalogueIndices.enumerated() { lines.append("dark object  \(rank + 1). \(haze[k].description)") }
            }
            if let normalisation {
                for (rank, k) in catalogueIndices.enumerated() { lines.append("normalised   \(rank + 1). \(normalisation[k].description)") }
            }
            return (lines + [String(format: "wrote %@ (%d tiles, %.1f Mpixel/s)", outputs.joined(separator: " and "), tiles, megapixelsPerSecond)]).joined(separator: "\n")
        }

        /// Catalogue indices (0-based), best first.
        public var catalogueIndices: [Int]
    }

    /// Writes the mosaic (Float32 reflectance, one band per product band) to `out` and the source
    /// band (UInt16) to `sourceOut`, both through the engine's atomic outputs; `plan`: this mosaic's
    /// plan when made already (a run checks it before writing anything).
    public func run(out: String, sourceOut: String? = nil, plan: Plan? = nil, engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Summary {
        let sourceOut = sourceOut ?? Self.sourcePath(for: out)
        let plan = try plan ?? self.plan(threads: engine.threads)
        let views = Self.views(plan, mosaic: out)
        for view in views {
            if viewsMadeAlready { try view.check() } else { _ = try view.write(engine: engine, progress: progress?.step("view \(view.index + 1) of \(views.count)")) }
        }
        // Each product's haze from its view's DNs (the view's nodata, 0, left out).
        let haze = try darkObjectSubtraction ? plan.products.indices.map { k in
            try DarkObjectCorrection.estimate(scene: views[k].path, model: plan.products[k].calibration, threads: engine.threads)
        } : nil
        let layers = try plan.ranking.map { k -> ProductMosaicKernel.Layer in
            let product = plan.products[k]
            let reader = try RasterReaderPool(source: .file(views[k].path))
            // The warped view's nodata: a view file records 0 where the warped view has none.
            let nodata = try product.orthorectification.open().bands.map { $0.nodata.map(Float.init) }
            return ProductMosaicKernel.Layer(sourceIndex: k + 1, name: product.entry.name, reader: reader, window: product.window,
                                             calibration: BandAffine(calibration: product.calibration, haze: haze?[k].haze), nodata: nodata,
                                             cloudReflectance: cloudReflectance.map(Float.init))
        }
        let bandCount = plan.products[0].calibration.coefficients.bandCount
        // The normalised layers' calibrations carry the gains, so the kernel's signature (and the
        // engine's journal) tells a normalised mosaic from another and refuses to resume across them.
        var ranked = layers, normalisation: [ProductNormalisation]?
        if normalise {
            let fitted = try RelativeNormalisation().normalise(layers, bandCount: bandCount)
            ranked = fitted.layers
            var byCatalogue = [ProductNormalisation?](repeating: nil, count: plan.products.count)
            for (rank, k) in plan.ranking.enumerated() { byCatalogue[k] = fitted.normalisations[rank] }
            normalisation = byCatalogue.map { $0! }
        }
        let kernel = ProductMosaicKernel(rankedLayers: ranked, bandCount: bandCount,
                                         rule: "\(priority.keys.map(\.rawValue).joined(separator: ",")) target \(plan.targetDate.map { "\($0.timeIntervalSince1970)" } ?? "none")"
                                             + (cloudReflectance.map { " cloud above \($0)" } ?? "") + (normalise ? " normalised" : ""),
                                         feather: feather, darkObjectSubtraction: haze != nil)
        let source = plan.grid.rasterSource(path: plan.products[0].entry.path,
                                            derivation: "mosaic of \(plan.products.count) products on \(plan.grid), \(plan.rule), from their views",
                                            metadata: metadata(plan, normalisation: normalisation, haze: haze),
                                            auxiliaryFiles: orthorectification.inputs.map { ("DEM", $0) } + plan.products.enumerated().map { ("product \($0 + 1)", $1.entry.path) }
                                                + views.map { ("product view \($0.index + 1)", $0.path) })
        let result = try TilePipeline.run(kernel, source: source, outputs: [out, sourceOut], options: engine, progress: progress)
        return Summary(grid: plan.grid, rule: plan.rule, ranking: plan.ranking.map { plan.products[$0].entry.name },
                       outputs: [out, sourceOut], tiles: result.tiles, megapixelsPerSecond: result.megapixelsPerSecond,
                       normalisation: normalisation, haze: haze, catalogueIndices: plan.ranking)
    }

    /// What both outputs record: the rule, the ranking, each source value's product, each product's
    /// haze (with `darkObjectSubtraction`) and normalisation (with `normalise`) and how they were orthorectified.
    func metadata(_ plan: Plan, normalisation: [ProductNormalisation]? = nil, haze: [DarkObjectCorrection.Result]? = nil) -> [(key: String, value: String)] {
        var items: [(key: String, value: String)] = [
            ("MOSAIC_RULE", plan.rule),
            ("MOSAIC_PRIORITY", priority.keys.map(\.rawValue).joined(separator: ",")),
            ("MOSAIC_RANKING", plan.ranking.map { String($0 + 1) }.joined(separator: ",")),
        ]
        if let date = plan.targetDate { items.append(("MOSAIC_TARGET_DATE", date.formatted(Date.ISO8601FormatStyle()))) }
        if feather > 0 {
            items.append(("MOSAIC_FEATHER", "\(feather) pixels: within them of another product's area a pixel blends that product's reflectance in, weighted \(feather) + 1 − distance against \(feather) + 1 for its own; MOSAIC_SOURCE still names its own"))
        }
        if let cloudReflectance {
            items.append(("MOSAIC_CLOUD_REFLECTANCE", "\(cloudReflectance): a product's pixel with blue TOA reflectance above it is cloud, left to the next-ranked product"))
        }
        if let haze {
            items.append(("MOSAIC_DOS", "DOS1 per product: the \(DarkObjectCorrection.defaultPercentile) % darkest DN of its orthorectified view, less \(DarkObjectCorrection.darkObjectReflectance) reflectance"))
            for (k, fit) in haze.enumerated() { items.append(("MOSAIC_DOS_\(k + 1)", fit.description)) }
        }
        if let normalisation {
            items.append(("MOSAIC_NORMALISATION", RelativeNormalisation.method))
            for (k, fit) in normalisation.enumerated() { items.append(("MOSAIC_NORMALISATION_\(k + 1)", fit.description)) }
        }
        items.append(("MOSAIC_SOURCE_0", "no product"))
        for (k, product) in plan.products.enumerated() { items.append(("MOSAIC_SOURCE_\(k + 1)", product.entry.name)) }
        items += plan.products[0].orthorectification.metadata.filter { $0.key != "ORTHO_SOURCE" }
        return items
    }
}
