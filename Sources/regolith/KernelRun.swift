import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

/// Runs a kernel over the scenes the user named (`KernelJob`) and prints what it wrote.
struct KernelRun {
    let scenes: [String]
    let out: String
    let suffix: String
    let cog: Bool
    let engine: EngineCommandOptions
    let global: GlobalOptions
    /// Inputs besides the scenes (a model's files), which no output may overwrite.
    var otherInputs: [String] = []
    /// Orthorectify the scenes on the way in (`invert --dem …`); nil: read them as they are.
    var orthorectification: OrthorectificationSettings? = nil
    /// Stacked onto each scene for a model that reads covariates.
    var covariates: [Covariate] = []

    func run(_ kernel: some TileKernel) throws {
        try run(perScene: try GF2Product.sceneRasters(scenes).map { _ in kernel })
    }

    /// One kernel per scene (`GF2Product.sceneRasters(scenes)`, in order), all of one kind.
    func run(perScene kernels: [any TileKernel]) throws {
        guard let first = kernels.first else { throw ValidationError("no scenes given") }
        try run(first, kernels)
    }

    private func run<Kernel: TileKernel>(_ first: Kernel, _ all: [any TileKernel]) throws {
        let kernels = all.compactMap { $0 as? Kernel }
        guard kernels.count == all.count else { throw ValidationError("the scenes need maps of different kinds; map them one at a time") }
        global.apply()
        var job = KernelJob(scenes: try GF2Product.sceneRasters(scenes), out: out, suffix: suffix, cog: cog, engine: engine.engineOptions,
                            unitRows: engine.unitRows)
        job.orthorectification = orthorectification
        job.covariates = covariates
        let shard = try engine.resolvedShard()
        try OutputPaths.check(outputs: job.outputs(sharded: shard != nil), inputs: job.scenes + otherInputs)
        switch try job.run(perScene: kernels, shard: shard, progress: engine.progress(task: suffix, quiet: global.quiet)) {
        case .file(let result, let cog):
            report(result)
            if let cog { print("wrote \(cog)") }
        case .folder(let result):
            result.scenes.forEach(report)
            if let mosaic = result.mosaic { print("wrote \(mosaic)") }
            if let cog = result.cog { print("wrote \(cog)") }
        case .shard(let result):
            let mine = result.plan.units(for: result.shard.index)
            print("task \(result.shard) (\(result.shard.origin)): \(mine.count) unit(s), \(result.skippedUnits.count) finished earlier, \(result.processed.count) run now")
            for processed in result.processed { report(processed.result) }
        }
    }

    private func report(_ result: SceneRunResult) {
        let resumed = result.resumedTiles > 0 ? ", \(result.resumedTiles) resumed" : ""
        print(String(format: "wrote %@ (%d tiles%@, %.1f Mpixel/s, %@)", result.output, result.tiles, resumed, result.megapixelsPerSecond, result.plan.description))
    }
}
