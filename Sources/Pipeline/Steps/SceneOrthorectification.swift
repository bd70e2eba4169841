import Foundation
import RasterIO
import TileEngine

/// An L1A scene orthorectified through its RPC model onto a map grid (`regolith ortho`): GDAL's
/// warper as a reader of the engine, each tile reading its window of the warped view, the DN kept
/// in the scene's own pixel type. With `--pansharpen`, the product's pan-sharpened view instead.
public struct SceneOrthorectification: Sendable {
    public let source: RasterSource
    /// What the view does, one line per step, for the console.
    public let method: String
    public let width: Int
    public let height: Int
    public let geoTransform: GeoTransform

    /// `recording`: metadata the output records besides how the view was made.
    public init(_ orthorectification: Orthorectification, recording extra: [(key: String, value: String)] = []) {
        let view = orthorectification.rasterSource
        source = extra.isEmpty ? view : RasterSource(path: view.path, derivation: view.derivation, metadata: view.metadata + extra,
                                                     auxiliaryFiles: view.auxiliaryFiles) { try view.open() }
        method = "ortho        \(orthorectification)"
        (width, height, geoTransform) = (orthorectification.width, orthorectification.height, orthorectification.geoTransform)
    }

    public init(_ pansharpening: ProductPansharpening) {
        source = pansharpening.rasterSource
        method = pansharpening.description
        let fused = pansharpening.pansharpening
        (width, height, geoTransform) = (fused.width, fused.height, fused.geoTransform)
    }

    /// What was written, for the console.
    public struct Summary: Sendable, CustomStringConvertible {
        public var method: String
        public var width: Int
        public var height: Int
        public var origin: (x: Double, y: Double)
        public var output: String
        public var tiles: Int
        public var megapixelsPerSecond: Double

        public var description: String {
            [method,
             String(format: "grid         %d × %d pixels, top-left corner (%.3f, %.3f)", width, height, origin.x, origin.y),
             String(format: "wrote %@ (%d tiles, %.1f Mpixel/s)", output, tiles, megapixelsPerSecond)].joined(separator: "\n")
        }
    }

    public func run(out: String, engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Summary {
        let kernel = BandCopyKernel(like: try source.open())
        let result = try TilePipeline.run(kernel, source: source, outputs: [out], options: engine, progress: progress)
        return Summary(method: method, width: width, height: height,
                       origin: (geoTransform.originX, geoTransform.originY), output: out,
                       tiles: result.tiles, megapixelsPerSecond: result.megapixelsPerSecond)
    }
}
