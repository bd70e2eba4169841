import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a raster: size, bands, types, CRS, extent, nodata and per-band statistics.",
        discussion: """
            Statistics (valid-pixel count, min, max, mean, standard deviation, nodata excluded) come from one streamed pass over the file's blocks, on all cores, in bounded memory.

            Examples:
              regolith info scene.tif
              regolith info --no-stats --json mosaic.vrt
            """
    )

    @Argument(help: "A raster GDAL can open (GeoTIFF, COG, VRT, …).")
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
        let dataset = try Raster.open(raster)
        let statistics = noStats ? nil : try StatisticsPass.run(path: raster, threads: threads)
        let summary = RasterSummary(raster: dataset, statistics: statistics)
        if json {
            print(try JSONText.encode(summary), terminator: "")
        } else {
            print(summary.text)
        }
    }
}
