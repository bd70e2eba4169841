import Foundation
import RasterIO
import TileEngine

/// An L1A scene orthorectified through its RPC model onto a map grid (`regolith ortho`): GDAL's
/// warper as a reader of the engine, each tile reading its window of the warped view, the DN kept
/// in the scene's own pixel type.
public struct SceneOrthorectification: Sendable {
    public let orthorectification: Orthorectification

    public init(_ orthorectification: Orthorectification) {
        self.orthorectification = orthorectification
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
        let ortho = orthorectification
        let source = ortho.rasterSource
        let kernel = BandCopyKernel(like: try source.open())
        let result = try TilePipeline.run(kernel, source: source, outputs: [out], options: engine, progress: progress)
        return Summary(method: "ortho        \(ortho)", width: ortho.width, height: ortho.height,
                       origin: (ortho.geoTransform.originX, ortho.geoTransform.originY), output: out,
                       tiles: result.tiles, megapixelsPerSecond: result.megapixelsPerSecond)
    }
}
