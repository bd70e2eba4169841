import ArgumentParser
import Pipeline
import TileEngine

struct NDVICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ndvi",
        abstract: "Normalized difference vegetation index, (NIR − red) / (NIR + red), streamed over scenes.",
        discussion: """
            Writes Float32 tiled GeoTIFF (ZSTD, PREDICTOR=3, nodata −9999). Nodata input pixels give nodata. With one scene and --out ending in .tif the output is that file; otherwise --out is a folder with one output per scene and a VRT mosaic. An interrupted run resumes when started again with the same command.

            Examples:
              regolith ndvi scene.tiff --out ndvi.tif
              regolith ndvi @scenes.txt --out ndvi/ --memory 1GiB --cog
            """
    )

    @Argument(help: "Scenes, or @list.txt with one path per line.")
    var scenes: [String]

    @Option(help: "Output .tif (one scene) or folder.")
    var out: String

    @Option(help: "Red band number.") var red = 3
    @Option(help: "Near-infrared band number.") var nir = 4
    @Flag(help: "Also write a Cloud Optimized GeoTIFF (ZSTD, overviews) of the result or mosaic.") var cog = false
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try KernelRun(scenes: scenes, out: out, suffix: "ndvi", cog: cog, engine: engine, global: global)
            .run(NormalizedDifferenceKernel.ndvi(nir: nir, red: red))
    }
}

struct FocalMeanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "focal-mean",
        abstract: "Mean of each band over a k × k window around every pixel (nodata skipped, edges replicated).",
        discussion: """
            A windowed kernel: each tile is read with a halo of (k − 1) / 2 pixels, so the result is the same as over the whole image at once.

            Examples:
              regolith focal-mean scene.tiff --size 5 --out mean5.tif
              regolith focal-mean scene.tiff --size 3 --bands 3,4 --out mean3.tif
            """
    )

    @Argument(help: "Scenes, or @list.txt with one path per line.")
    var scenes: [String]

    @Option(help: "Output .tif (one scene) or folder.")
    var out: String

    @Option(help: "Window size k (odd).") var size = 5
    @Option(help: "Bands to average, comma-separated.") var bands = "1,2,3,4"
    @Flag(help: "Also write a Cloud Optimized GeoTIFF of the result or mosaic.") var cog = false
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let problem = SettingRules.windowSize(size) { throw ValidationError("--size: \(problem)") }
        guard parsedBands != nil else { throw ValidationError("--bands must be band numbers such as 1,2,3") }
    }

    var parsedBands: [Int]? {
        let list = bands.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return list.map { $0! }
    }

    func run() throws {
        try KernelRun(scenes: scenes, out: out, suffix: "mean\(size)", cog: cog, engine: engine, global: global)
            .run(FocalMeanKernel(bands: parsedBands!, size: size))
    }
}
