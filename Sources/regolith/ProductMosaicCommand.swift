import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO

/// `regolith mosaic-products`: overlapping products of a catalogue as one reflectance mosaic on one
/// region grid, with a band saying which product each pixel came from.
struct ProductMosaicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic-products",
        abstract: "Mosaic overlapping L1A products onto one region grid: orthorectified with the DEM, calibrated, each pixel from the product the priority prefers, with a source band.",
        discussion: """
            CATALOGUE lists the products: a STAC ItemCollection (.json), an @list.txt, a folder of products, or one product. Every product is orthorectified through its RPC model with --dem (GDAL's warper, as `regolith ortho` does) onto one grid for the region: the CRS of --t-srs or, by default, the WGS 84 UTM zone of the centre of all the products' footprints; pixels of --res aligned to multiples of it (gdalwarp -tap); covering every product. Each product is orthorectified first on its own part of that grid into a view beside --out (mosaic.products/K.tif for mosaic.tif, its DNs), with its tiles on the warper's own blocks; a killed command leaves the views finished so far for its rerun to skip, a finished one removes them. Each product is calibrated to TOA reflectance with its own XML (as `regolith calibrate` does). Each pixel comes from the product with data there that ranks best by --priority: by default the least cloud cover, then the date nearest --target-date, then the smallest view angle; a product missing a fact ranks last on it, and ties go by product name. The seams between products' areas are hard unless --feather blends them. --out gets the reflectance (Float32, nodata -9999), and a second file beside it (mosaic.source.tif for mosaic.tif, or --source-out) the source band (UInt16): the 1-based index of the pixel's product in the catalogue's order, 0 where no product has data. Both record the rule, the ranking and each index's product in their metadata (MOSAIC_RULE, MOSAIC_RANKING, MOSAIC_SOURCE_1, …). With --dos each product's haze comes from its own view's darkest DNs (DOS1) and is subtracted in its calibration, before the cloud screen and any normalisation; the dark DNs and hazes are recorded as MOSAIC_DOS_1, ….

            With --normalise, the products' radiometry is made consistent before they are mosaicked: the best-ranked product is the reference, and each other product in rank order is fitted, band by band, to the mosaic of the better-ranked ones (as normalised already, so that a chain of overlaps reaches the reference) over their overlap, by a symmetric Theil–Sen line (reference = gain × product + offset; the slope the geometric mean of both directions' median pairwise slopes, which noise in the product does not shrink) through its pseudo-invariant pixels: those whose NDVI differs from the reference's by little (within 3 robust standard deviations of the median difference), clouds screened as --cloud-reflectance says. The overlap is sampled on a seeded lattice of at most 100000 samples, each the mean of 3 × 3 pixels in both products, and the fit takes at most 2000 of them, so memory does not grow with the products. A product with fewer than 100 such samples keeps gain 1 and offset 0. The gains and offsets are applied as the mosaic reads each product and recorded in its metadata (MOSAIC_NORMALISATION_1, …, by source value).

            Examples:
              regolith mosaic-products catalogue.json --dem dem.tif --out mosaic.tif
              regolith mosaic-products @list.txt --dem dem.tif --t-srs EPSG:4545 \\
                --out mosaic.tif
              regolith mosaic-products products/ --dem dem.tif --priority date,cloud,view \\
                --target-date 2016-12-01 --out mosaic.tif
              regolith mosaic-products catalogue.json --dem dem.tif --normalise \\
                --out mosaic.tif
            """
    )

    @Argument(help: "The products: a STAC ItemCollection (.json), @list.txt, a folder of products, or one product.")
    var catalogue: String

    @Option(help: "The mosaic's reflectance .tif.")
    var out: String

    @Option(help: ArgumentHelp("The source band's .tif (default: --out with .source.tif for its extension).", valueName: "path"))
    var sourceOut: String?

    @Option(help: ArgumentHelp("Which product a pixel comes from where several have data: keys in order of precedence, comma-separated, from cloud (least cloud cover), date (nearest --target-date), view (smallest view angle).", valueName: "keys"))
    var priority: String = MosaicPriority.defaultKeys.map(\.rawValue).joined(separator: ",")

    @Option(help: ArgumentHelp("The date the date key measures from, YYYY-MM-DD or ISO 8601 in UTC (default: the median of the products' dates).", valueName: "date"))
    var targetDate: String?

    @Option(help: ArgumentHelp("Blend the reflectance across each seam between two products' areas over this many pixels on each side, weighted by the distance to the other product's area; the source band still names the product that won the pixel.", valueName: "pixels"))
    var feather: Int = 0

    @Option(help: ArgumentHelp("A product's pixel whose blue TOA reflectance exceeds this is cloud and is taken from the next-ranked product with data there (by default clouds are judged per product only, by their cloud cover).", valueName: "reflectance"))
    var cloudReflectance: Double?

    @Flag(help: "Normalise each product's reflectance to the better-ranked products' over their overlap (a robust gain and offset per band) before mosaicking.")
    var normalise = false

    @Flag(help: "Subtract each product's haze (dark-object subtraction, DOS1: the 0.01 % darkest DN of its orthorectified view, less 1 % reflectance), as `run` takes one scene's from its orthorectified DNs.")
    var dos = false

    @OptionGroup var ortho: OrthorectificationOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        do { _ = try MosaicPriority(parsing: priority) } catch let error as InversionError {
            throw ValidationError("--priority: \(error.description)")
        }
        if let problem = SettingRules.featherPixels(feather) { throw ValidationError("--feather: \(problem)") }
        if let problem = cloudReflectance.flatMap(SettingRules.positive) { throw ValidationError("--cloud-reflectance: \(problem)") }
        if let targetDate, MosaicPriority.date(parsing: targetDate) == nil {
            throw ValidationError("--target-date '\(targetDate)' is not a date (YYYY-MM-DD, or ISO 8601 such as 2016-12-01T03:00:00Z)")
        }
    }

    func run() throws {
        global.apply()
        try engine.refuseSharding("mosaic-products")
        let products = try ProductCatalogue.load(catalogue, relativeTo: FileManager.default.currentDirectoryPath)
        let sourceOut = sourceOut ?? ProductMosaic.sourcePath(for: out)
        let views = ProductMosaic.viewFolder(for: out)
        try OutputPaths.check(outputs: [(out, .file), (sourceOut, .file), (views, .folder)],
                              inputs: products.entries.map(\.path) + ortho.settings.inputs + (catalogue.hasPrefix("@") ? [String(catalogue.dropFirst())] : [catalogue]))
        let mosaic = ProductMosaic(catalogue: products, orthorectification: ortho.settings,
                                   priority: try MosaicPriority(parsing: priority, targetDate: targetDate.flatMap(MosaicPriority.date(parsing:))), feather: feather,
                                   cloudReflectance: cloudReflectance, normalise: normalise, darkObjectSubtraction: dos)
        let summary = try mosaic.run(out: out, sourceOut: sourceOut, engine: engine.engineOptions,
                                     progress: engine.progress(task: "mosaic", quiet: global.quiet))
        // The views are the mosaic's intermediate files: a killed command leaves them for its rerun
        // to skip, a finished one removes them.
        ProductMosaic.removeViews(of: out, products: products.entries.count)
        print(summary)
    }
}
