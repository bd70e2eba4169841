import ArgumentParser
import Foundation
import RasterIO
import TileEngine

/// `regolith mosaic`: the one result of a sharded run, once every task has finished.
struct MosaicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Checks that every work unit of a sharded run is done, then mosaics them (VRT, optionally a COG).",
        discussion: """
            DIR is the --out folder of the array tasks; its plan.json says which units to expect. When units are missing it lists them (with their task, to resubmit) and exits 1. With --out X.vrt it writes the VRT (and with --cog also X.tif as a Cloud Optimized GeoTIFF); with --out X.tif it writes the COG (ZSTD, floating-point predictor, overviews) and the VRT beside it as X.vrt.

            Examples:
              regolith mosaic /scratch/province --out /scratch/province/mosaic.vrt
              regolith mosaic /scratch/province --out province.tif
            """
    )

    @Argument(help: "The output folder of the sharded run.")
    var folder: String

    @Option(help: "The mosaic: a .vrt, or a .tif for a COG.")
    var out: String

    @Flag(help: "With a .vrt --out, also write a COG beside it.") var cog = false
    // Optional, so the help shows the hand-written default rather than this machine's core count.
    @Option(name: .customLong("threads"), help: "Threads for the COG's compression (default: all cores).")
    var threadCount: Int?
    var threads: Int { threadCount ?? ProcessInfo.processInfo.activeProcessorCount }
    @Option(help: "The COG's compression: zstd, or deflate or lzw for readers built without ZSTD.")
    var compress: GeoTIFFOptions.Compression = .zstd
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ["vrt", "tif", "tiff"].contains(ext) else {
            throw ValidationError("--out must end in .vrt (a VRT) or .tif (a COG), not '\(out)'")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        global.apply()
        let plan = try ShardPlan.load(from: folder)
        let missing = plan.unfinishedUnits(in: folder)
        if !missing.isEmpty {
            for unit in missing {
                let partial = (try? AtomicOutputPath(plan.outputPath(of: unit, in: folder)))
                    .map { FileManager.default.fileExists(atPath: $0.temporaryPath) } ?? false
                FileHandle.standardError.write(Data("missing: \(plan.describe(unit))\(partial ? ", partly done" : "")\n".utf8))
            }
            let tasks = Array(Set(missing.map(\.task))).sorted()
            throw CommandFailure(message: "\(folder): \(missing.count) of \(plan.units.count) unit(s) are not finished; resubmit task(s) \(tasks.map(String.init).joined(separator: ",")) of \(plan.tasks) (sbatch --array=\(tasks.map(String.init).joined(separator: ",")) with --shard I/\(plan.tasks), or tools/slurm/submit.sh --indices)")
        }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        let stem = (out as NSString).deletingPathExtension
        let vrt = ext == "vrt" ? out : stem + ".vrt"
        try RasterCopies.buildVRT(from: plan.units.map { plan.outputPath(of: $0, in: folder) }, to: vrt,
                                  nodata: plan.nodata.map(Double.init))
        print("wrote \(vrt) (\(plan.units.count) units of \(plan.scenes.count) scene(s), \(plan.kernel ?? "unknown operation"))")
        if ext != "vrt" || cog {
            let path = ext == "vrt" ? stem + ".tif" : out
            var options = COGOptions()
            options.threads = threads
            options.compression = compress
            try RasterCopies.writeCOG(from: vrt, to: path, options: options)
            print("wrote \(path)")
        }
    }
}
