import ArgumentParser
import Foundation
import Geostatistics
import Inversion
import RasterIO
import TileEngine

struct KrigeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "krige",
        abstract: "Krige sample contents onto a scene's pixel grid (the geochemical map), streamed in tiles.",
        discussion: """
            Fits a variogram to the samples (gstat's defaults: cutoff a third of the diagonal, 15
            bins, weights N_j/h_j²; --model auto picks spherical, exponential or Gaussian by fit),
            prints it with a leave-one-out cross-validation, then kriges every pixel centre of the
            --like scene: ordinary kriging, global or nmax-nearest neighbourhood, point support or the
            pixel's block (--block 4 for a 4 m GF-2 pixel). Samples in lon/lat are put into the
            scene's CRS.

            Examples:
              regolith krige samples.csv --like scene.tiff --out geochem.tif
              regolith krige samples.csv --like scene.tiff --out map.tif --variance var.tif --nmax 32 --block 4
            """
    )

    @Argument(help: "Samples CSV with lon,lat (or x,y) and a value column.")
    var samples: String

    @Option(help: "The scene whose grid (size, georeferencing) the map takes.")
    var like: String

    @Option(help: "Output map (.tif).")
    var out: String

    @Option(help: "Also write the kriging variance to this .tif.")
    var variance: String?

    @OptionGroup var kriging: KrigingOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        try engine.refuseSharding("krige")
        let scene = try Raster.open(like)
        guard let transform = scene.geoTransform else {
            throw RasterError(like, .invalidArgument, "has no georeferencing; kriging needs map coordinates")
        }
        let sourceCRS = try kriging.sourceCRS()
        do {
            let table = try GeochemicalSamples(path: samples, valueColumn: kriging.column, sourceCRS: sourceCRS, targetCRS: scene.spatialReference)
            let points = try table.spatialSamples(mergeDuplicates: kriging.mergeDuplicates)
            if !points.mergedDuplicates.isEmpty {
                FileHandle.standardError.write(Data("regolith: warning: averaged \(points.mergedDuplicates.count) duplicate sample location(s)\n".utf8))
            }
            let settings = kriging.settings
            let (ordinaryKriging, fit, variogram) = try settings.kriging(points)
            let neighbourhood = settings.neighbourhood
            let validation = try CrossValidation.leaveOneOut(samples: points, model: fit.model, neighbourhood: neighbourhood)
            print("samples      \(points.count) from \(samples) (\(kriging.column))")
            print("variogram    \(fit.model)  (weighted SSE \(String(format: "%.4g", fit.weightedSSE)), \(variogram.bins.count) bins, cutoff \(String(format: "%.1f", variogram.cutoff)))")
            print(String(format: "leave-one-out  mean error %.4f, RMSE %.4f, mean z %.3f, mean z² %.3f",
                         validation.meanError, validation.rootMeanSquaredError, validation.meanZScore, validation.meanSquaredZScore))
            let kernel = KrigingKernel(kriging: ordinaryKriging, geoTransform: transform, withVariance: variance != nil, valueName: kriging.column)
            let progress = engine.progress(task: "krige", quiet: global.quiet)
            let result = try TilePipeline.run(kernel, input: like, outputs: [out] + (variance.map { [$0] } ?? []),
                                              options: engine.engineOptions, progress: progress)
            let rate = Double(result.pixels) / max(result.seconds, 1e-9) / 1e6
            print(String(format: "wrote %@%@ (%d tiles, %.2f Mpixel/s)", out, variance.map { " and \($0)" } ?? "", result.tiles, rate))
        } catch let error as GeostatisticsError {
            throw CommandFailure(message: "\(samples): \(error)")
        }
    }
}
