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

    enum ModelChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, sph, exp, gau
    }

    @Argument(help: "Samples CSV with lon,lat (or x,y) and a value column.")
    var samples: String

    @Option(help: "The scene whose grid (size, georeferencing) the map takes.")
    var like: String

    @Option(help: "Output map (.tif).")
    var out: String

    @Option(help: "Also write the kriging variance to this .tif.")
    var variance: String?

    @Option(help: "Variogram model: auto, sph, exp or gau.")
    var model: ModelChoice = .auto

    @Option(help: "Use the nearest N samples (default: all, the global neighbourhood).")
    var nmax: Int?

    @Option(help: "With --nmax: only samples within this distance (map units).")
    var maxdist: Double?

    @Option(help: "Block support: the side of a square block in map units (e.g. 4 for a GF-2 pixel); default point support.")
    var block: Double?

    @Option(help: "The value column.")
    var column = "re2o3"

    @Option(help: "CRS of the sample coordinates (default EPSG:4326, lon/lat).")
    var samplesCrs = "EPSG:4326"

    @Flag(help: "Average samples at the same location instead of refusing them.")
    var mergeDuplicates = false

    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let nmax, nmax < 1 { throw ValidationError("--nmax must be at least 1") }
        if let maxdist, maxdist <= 0 { throw ValidationError("--maxdist must be positive") }
        if maxdist != nil && nmax == nil { throw ValidationError("--maxdist needs --nmax") }
        if let block, block <= 0 { throw ValidationError("--block must be positive") }
    }

    func run() throws {
        global.apply()
        let scene = try Raster.open(like)
        guard let transform = scene.geoTransform else {
            throw RasterError(like, .invalidArgument, "has no georeferencing; kriging needs map coordinates")
        }
        let sourceCRS: SpatialReference
        do { sourceCRS = try SpatialReference(samplesCrs) } catch {
            throw ValidationError("--samples-crs '\(samplesCrs)' is not a CRS GDAL knows")
        }
        do {
            let table = try GeochemicalSamples(path: samples, valueColumn: column, sourceCRS: sourceCRS, targetCRS: scene.spatialReference)
            let points = try table.spatialSamples(mergeDuplicates: mergeDuplicates)
            if !points.mergedDuplicates.isEmpty {
                FileHandle.standardError.write(Data("regolith: warning: averaged \(points.mergedDuplicates.count) duplicate sample location(s)\n".utf8))
            }
            let variogram = try ExperimentalVariogram(samples: points)
            let fit: VariogramFit = switch model {
            case .auto: try VariogramModel.fitBest(to: variogram)
            case .sph: try VariogramModel.fit(.spherical, to: variogram)
            case .exp: try VariogramModel.fit(.exponential, to: variogram)
            case .gau: try VariogramModel.fit(.gaussian, to: variogram)
            }
            let neighbourhood: KrigingNeighbourhood = nmax.map { .nearest($0, maxDistance: maxdist ?? .infinity) } ?? .global
            let support: KrigingSupport = block.map { .square($0) } ?? .point
            let kriging = try OrdinaryKriging(samples: points, model: fit.model, neighbourhood: neighbourhood, support: support)
            let validation = try CrossValidation.leaveOneOut(samples: points, model: fit.model, neighbourhood: neighbourhood)
            print("samples      \(points.count) from \(samples) (\(column))")
            print("variogram    \(fit.model)  (weighted SSE \(String(format: "%.4g", fit.weightedSSE)), \(variogram.bins.count) bins, cutoff \(String(format: "%.1f", variogram.cutoff)))")
            print(String(format: "leave-one-out  mean error %.4f, RMSE %.4f, mean z %.3f, mean z² %.3f",
                         validation.meanError, validation.rootMeanSquaredError, validation.meanZScore, validation.meanSquaredZScore))
            let kernel = KrigingKernel(kriging: kriging, geoTransform: transform, withVariance: variance != nil, valueName: column)
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
