import Foundation
import Geostatistics
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// The geochemical map (`krige`): the samples' variogram fitted and cross-validated, then ordinary
/// kriging at every pixel centre of a scene's grid, through the engine.
public struct GeochemicalMapping: Sendable {
    public var samples: String
    public var like: String
    public var column: String
    /// The value column's unit ("" when none is known).
    public var unit: String
    /// nil: every pixel is kriged, the extrapolation beyond the samples' support included.
    public var mask: ExtrapolationMask?
    public var samplesCRS: SpatialReference
    public var kriging: KrigingSettings
    public var mergeDuplicates: Bool
    public var format: SampleTableFormat

    public init(samples: String, like: String, column: String, unit: String = "", mask: ExtrapolationMask? = ExtrapolationMask(),
                samplesCRS: SpatialReference, kriging: KrigingSettings, mergeDuplicates: Bool, format: SampleTableFormat = SampleTableFormat()) {
        self.samples = samples
        self.like = like
        self.column = column
        self.unit = unit
        self.mask = mask
        self.samplesCRS = samplesCRS
        self.kriging = kriging
        self.mergeDuplicates = mergeDuplicates
        self.format = format
    }

    public struct Result: Sendable, CustomStringConvertible {
        public let samples: Int
        public let mergedDuplicates: Int
        public let fit: VariogramFit
        public let bins: Int
        public let cutoff: Double
        public let leaveOneOut: CrossValidation
        public let run: SceneRunResult
        public let outputs: [String]
        /// Where the map stops (nil: nowhere).
        public let support: String?
        let source: String
        let column: String

        public var description: String {
            """
            samples      \(samples) from \(source) (\(column))
            support      \(support ?? "not masked: every pixel is kriged")
            variogram    \(fit.model)  (weighted SSE \(String(format: "%.4g", fit.weightedSSE)), \(bins) bins, cutoff \(String(format: "%.1f", cutoff)))
            \(String(format: "leave-one-out  mean error %.4f, RMSE %.4f, mean z %.3f, mean z² %.3f",
                     leaveOneOut.meanError, leaveOneOut.rootMeanSquaredError, leaveOneOut.meanZScore, leaveOneOut.meanSquaredZScore))
            \(String(format: "wrote %@ (%d tiles, %.2f Mpixel/s)", outputs.joined(separator: " and "), run.tiles, run.megapixelsPerSecond))
            """
        }
    }

    /// Writes the map to `out`, and the kriging variance to `variance` when given.
    public func run(out: String, variance: String?, engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Result {
        let scene = try Raster.open(like)
        guard let transform = scene.geoTransform else {
            throw RasterError.needsMapCoordinates(like, for: "kriging")
        }
        do {
            let table = try GeochemicalSamples(path: samples, valueColumn: column, sourceCRS: samplesCRS, targetCRS: scene.spatialReference,
                                               format: format)
            // Samples inform the map up to a scene's side beyond its edges; none that near is a mistake.
            let extent = transform.extent(width: scene.width, height: scene.height)
            try table.requireNear(scene: like, extent: extent, crs: scene.spatialReference,
                                  margin: max(extent.maxX - extent.minX, extent.maxY - extent.minY))
            let points = try table.spatialSamples(mergeDuplicates: mergeDuplicates)
            let (ordinaryKriging, fit, variogram) = try kriging.kriging(points)
            let validation = try CrossValidation.leaveOneOut(samples: points, model: fit.model, neighbourhood: kriging.neighbourhood)
            let kernel = KrigingKernel(kriging: ordinaryKriging, geoTransform: transform, withVariance: variance != nil,
                                       value: TargetDescriptor(name: column, unit: unit), mask: mask, samplesSource: samples)
            let outputs = [out] + (variance.map { [$0] } ?? [])
            let result = try TilePipeline.run(kernel, input: like, outputs: outputs, options: engine, progress: progress)
            return Result(samples: points.count, mergedDuplicates: points.mergedDuplicates.count, fit: fit, bins: variogram.bins.count,
                          cutoff: variogram.cutoff, leaveOneOut: validation, run: result, outputs: outputs, support: mask?.summary(ordinaryKriging), source: samples, column: column)
        } catch let error as GeostatisticsError {
            throw InversionError("\(samples): \(error)")
        }
    }
}
