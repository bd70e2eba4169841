import ArgumentParser
import Foundation
import Pipeline
import RasterIO

struct KrigeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "krige",
        abstract: "Krige sample contents onto a scene's pixel grid (the geochemical map), streamed in tiles.",
        discussion: """
            Fits a variogram to the samples (gstat's defaults: cutoff a third of the diagonal, 15 bins, weights N_j/h_j²; --model auto picks spherical, exponential or Gaussian by fit), prints it with a leave-one-out cross-validation, then kriges every pixel centre of the --like scene: ordinary kriging, global or nmax-nearest neighbourhood, point support or the pixel's block (--block 4 for a 4 m GF-2 pixel). Pixels beyond the samples' support are nodata: their nearest sample farther than the variogram's practical range (--support-distance), or their kriging variance above 0.9 of the prior variance (--support-variance); --no-support-mask keeps every pixel. Samples in lon/lat are put into the scene's CRS; when none lies in the scene or within one scene side of it, krige refuses and says where the samples and the scene are.

            Examples:
              regolith krige samples.csv --like scene.tiff --out geochem.tif
              regolith krige samples.csv --like scene.tiff --out map.tif \\
                  --variance var.tif --nmax 32 --block 4
            """
    )

    @Argument(help: "Samples CSV (comma, semicolon or tab; any line ends) with coordinate columns (lon/lat, x/y, …, or --x-column/--y-column) and a value column.")
    var samples: String

    @Option(help: "The scene whose grid (size, georeferencing) the map takes.")
    var like: String

    @Option(help: "Output map (.tif).")
    var out: String

    @Option(help: "Also write the kriging variance to this .tif.")
    var variance: String?

    @Flag(help: "Average samples at the same location instead of refusing them.")
    var mergeDuplicates = false

    @OptionGroup var samplesFile: SamplesFileOptions
    @OptionGroup var kriging: KrigingOptions
    @OptionGroup var support: ExtrapolationMaskOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        try engine.refuseSharding("krige")
        try OutputPaths.check(outputs: [(out, .file)] + (variance.map { [($0, .file)] } ?? []), inputs: [samples, like])
        let mapping = GeochemicalMapping(samples: samples, like: like, column: samplesFile.column, unit: samplesFile.unit,
                                         mask: support.mask, samplesCRS: try samplesFile.sourceCRS(),
                                         kriging: kriging.settings, mergeDuplicates: mergeDuplicates, format: samplesFile.format)
        let result = try mapping.run(out: out, variance: variance, engine: engine.engineOptions, progress: engine.progress(task: "krige", quiet: global.quiet))
        if result.mergedDuplicates > 0 {
            FileHandle.standardError.write(Data("regolith: warning: averaged \(result.mergedDuplicates) duplicate sample location(s)\n".utf8))
        }
        print(result)
    }
}
