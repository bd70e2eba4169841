import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a raster or a GF-2 product: size, bands, types, CRS, extent, nodata and per-band statistics.",
        discussion: """
            Statistics (valid-pixel count, min, max, mean, standard deviation, nodata excluded) come from one streamed pass over the file's blocks, on all cores, in bounded memory. For a GF-2 product (its .tar.gz or .tar, read in place; its folder; or its …-MSS1.tiff) it first shows what was found: the product's name, sensor, acquisition time, sun and satellite angles, the MSS image with its RPC or georeferencing, and the PAN image if there is one; the MSS image is then described as a raster.

            Examples:
              regolith info scene.tif
              regolith info --no-stats --json mosaic.vrt
              regolith info GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441.tar.gz
            """
    )

    @Argument(help: "A raster GDAL can open (GeoTIFF, COG, VRT, …), or a GF-2 product.")
    var raster: String

    @Flag(help: "Skip the statistics pass (header information only).")
    var noStats = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    // Optional, so the help shows the hand-written default rather than this machine's core count.
    @Option(name: .customLong("threads"), help: "Threads for the statistics pass (default: all cores).")
    var threadCount: Int?
    var threads: Int { threadCount ?? StatisticsPass.defaultThreadCount }

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        global.apply()
        // One pass reads each block once; a small block cache is enough (GDAL's default, 5 % of
        // RAM, would dominate the peak RSS).
        GDAL.setCacheSize(bytes: 32 << 20)
        // A tarball or folder is a product or an error, described by its MSS image; an image named
        // like a product's (MSS or PAN) is described itself, with its product when its files make one.
        let container = GF2Product.isContainer(raster)
        let product = container ? try ProductSummary(GF2Product.locate(raster))
            : GF2Product.isImageName(raster) ? try? ProductSummary(GF2Product.locate(raster)) : nil
        let path = container ? product?.mss.raster ?? raster : raster
        let dataset = try Raster.open(path)
        let statistics = noStats ? nil : try StatisticsPass.run(path: path, threads: threads)
        let summary = RasterSummary(raster: dataset, statistics: statistics, product: product)
        if json {
            print(try JSONText.encode(summary), terminator: "")
        } else {
            print(summary.text)
        }
    }
}
