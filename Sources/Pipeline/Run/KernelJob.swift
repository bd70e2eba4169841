import Foundation
import RasterIO
import TileEngine

/// A kernel over the scenes a user named (`invert`, `ndvi`, `focal-mean`): one scene into one
/// `.tif`, several into a folder with a VRT mosaic, or one task of a sharded run into per-unit files.
public struct KernelJob: Sendable {
    public var scenes: [String]
    public var out: String
    /// Names the outputs in a folder: `<scene>.<suffix>.tif`, `mosaic.<suffix>.vrt`.
    public var suffix: String
    public var cog: Bool
    public var engine: EngineOptions
    /// With sharding: scene rows per work unit.
    public var unitRows: Int
    /// Orthorectify each scene (sensor geometry with an RPC model) on the way in; nil: read them as they are.
    public var orthorectification: OrthorectificationSettings?
    /// Extra rasters stacked onto each scene as bands after its own (`RasterSource.stacking`), for a
    /// model that reads covariates.
    public var covariates: [Covariate] = []

    public init(scenes: [String], out: String, suffix: String, cog: Bool, engine: EngineOptions, unitRows: Int = ShardPlan.defaultUnitRows) {
        self.scenes = scenes
        self.out = out
        self.suffix = suffix
        self.cog = cog
        self.engine = engine
        self.unitRows = unitRows
        self.orthorectification = nil
    }

    public enum Outcome: Sendable {
        /// One scene into `out`, and its COG when asked for.
        case file(SceneRunResult, cog: String?)
        case folder(SceneBatch.Result)
        case shard(ShardRunResult)
    }

    /// Every path the job writes (a sharded task: its folder), for checking against the inputs.
    public func outputs(sharded: Bool) -> [(path: String, kind: OutputPaths.Kind)] {
        if sharded { return [(out, .folder)] }
        if scenes.count == 1 && outIsFile {
            return [(out, .file)] + (cog ? [(cogPath, .file)] : [])
        }
        var paths: [(path: String, kind: OutputPaths.Kind)] = [(out, .folder)]
        paths += scenes.map { (SceneBatch.outputPath(for: $0, in: out, suffix: suffix), .file) }
        paths.append(((out as NSString).appendingPathComponent("mosaic.\(suffix).vrt"), .file))
        return paths
    }

    private var cogPath: String { URL(fileURLWithPath: out).deletingPathExtension().path + ".cog.tif" }

    private var outIsFile: Bool {
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        return ext == "tif" || ext == "tiff"
    }

    public func run(_ kernel: some TileKernel, shard: Shard?, progress: ProgressReporter?) throws -> Outcome {
        try run(perScene: scenes.map { _ in kernel }, shard: shard, progress: progress)
    }

    /// `kernels[i]` maps `scenes[i]`: e.g. DN products, each with its own calibration folded into its kernel.
    public func run<Kernel: TileKernel>(perScene kernels: [Kernel], shard: Shard?, progress: ProgressReporter?) throws -> Outcome {
        guard kernels.count == scenes.count, let kernel = kernels.first else { throw EngineError("\(out): one kernel per scene, \(kernels.count) for \(scenes.count)") }
        if let shard {
            guard !outIsFile else {
                throw EngineError("\(out): a sharded run (\(shard.origin) \(shard)) writes a folder of units; give --out a folder and build the result with `regolith mosaic`")
            }
            guard !cog else {
                throw EngineError("\(out): --cog does not apply to one task of a sharded run (\(shard.origin) \(shard)); pass it to `regolith mosaic`")
            }
            // Each unit is rows of the scene as the engine reads it (orthorectified, covariates stacked),
            // mapped by its scene's own kernel (its own calibration).
            let job = self
            var source: (@Sendable (String) throws -> RasterSource)?
            if !readsAsIs { source = { @Sendable scene in try job.source(scene) } }
            return .shard(try SceneBatch.runShard(kernels: kernels, scenes: scenes, outputFolder: out, shard: shard, unitRows: unitRows,
                                                  options: engine, progress: progress, source: source))
        }
        if scenes.count == 1 && outIsFile {
            try SceneBatch.validate(scenes, kernel: kernel, source: source)
            let result = try TilePipeline.run(kernel, source: try source(scenes[0]), outputs: [out], options: engine, progress: progress)
            if cog {
                var cogOptions = COGOptions()
                cogOptions.compression = engine.compression
                try RasterCopies.writeCOG(from: out, to: cogPath, options: cogOptions)
            }
            return .file(result, cog: cog ? cogPath : nil)
        }
        return .folder(try SceneBatch.run(kernels: kernels, scenes: scenes, outputFolder: out, suffix: suffix, options: engine, cog: cog,
                                          progress: progress, source: source))
    }

    /// Whether every scene is read as it is (no orthorectification, no covariates stacked on).
    private var readsAsIs: Bool { orthorectification == nil && covariates.isEmpty }

    /// How the engine reads `scene`: orthorectified when asked to, else as it is.
    private func source(_ scene: String) throws -> RasterSource {
        (try orthorectification?.orthorectification(of: scene).rasterSource ?? .file(scene)).stacking(covariates)
    }
}
