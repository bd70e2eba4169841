import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

struct InvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invert",
        abstract: "Apply a trained model to every pixel of one or more scenes: the content map.",
        discussion: """
            Streams the scenes in tiles through the model (the reflectance bands the model names, standardised with its stored statistics) and writes Float32 tiled GeoTIFF (ZSTD without a predictor: a model's output compresses nearly as well and reads twice as fast; nodata −9999); with several scenes, one map per scene and a VRT mosaic. --mc-dropout N adds Monte-Carlo dropout: band 1 is the mean of N stochastic passes, band 2 their standard deviation. Pixels outside the model's applicability domain get nodata: band values farther (Mahalanobis distance) from the training samples than any of them (domain.json, written by `train`; without it, 5 standard deviations per band) — canopy, canopy edges, water, roofs, where the network would extrapolate. --everywhere predicts them too. A DN scene (integer pixels) goes straight to the map: its product XML (beside it, or --xml) calibrates each tile on the fly as `calibrate` would, with dark-object subtraction when the model's reflectances had it (recorded in model.json; --dos for models that do not record it), and no reflectance scene is written; the map equals the map of the calibrated scene. Reflectance made elsewhere goes in with --input reflectance (--scale for integers). Scenes in sensor geometry (with their RPC model, e.g. an .rpb beside them) are orthorectified on the way in when any of --dem, --height, --t-srs, --res is given, as `regolith ortho` does. An interrupted run resumes.

            A model trained with covariates (`train --covariate …`) needs each of them again, by name (--covariate NAME=PATH; the resampling, terrain derivatives and indices come from the model): they are put on each scene's grid on the fly, and a missing one is refused in one line.

            Examples:
              regolith invert model/ refl.tif --out content.tif
              regolith invert model-dem/ refl.tif --covariate dem=srtm.tif \\
                  --out content.tif
              regolith invert model/ @scenes.txt --out maps/ --memory 1GiB --cog
              regolith invert model/ refl.tif --out content.tif --mc-dropout 20
              regolith invert model/ GF2_PMS1_…-MSS1.tiff --out content.tif
              regolith invert model/ flaash.dat --input reflectance \\
                  --scale 0.0001 --out content.tif
            """
    )

    @Argument(help: "Model folder (model.json + model.safetensors).") var model: String
    @Argument(help: "Scenes (reflectance, or GF-2 DNs with their product XML), or @list.txt.") var scenes: [String]
    @Option(help: "Output .tif (one scene) or folder.") var out: String
    @Option(help: "Monte-Carlo dropout passes (0: plain prediction).") var mcDropout = 0
    @Option(help: "Seed of the Monte-Carlo dropout masks.") var seed: UInt64 = 1
    @Flag(help: "Predict every pixel, also outside the model's applicability domain.")
    var everywhere = false
    @Flag(help: "Also write a Cloud Optimized GeoTIFF of the result or mosaic.") var cog = false
    @OptionGroup var sceneInput: SceneInputOptions
    @Option(help: "The product metadata XML of a DN scene (default: the scene's path with .xml).") var xml: String?
    @Flag(inversion: .prefixedNo, help: "Dark-object subtraction when calibrating a DN scene, for a model that does not record whether its reflectances had it (default: the model's record, else none).")
    var dos: Bool?

    @OptionGroup(title: "Orthorectification")
    var ortho: OrthorectificationOptions
    @OptionGroup(title: "Covariates") var covariates: CovariateOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let problem = SettingRules.monteCarloPasses(mcDropout) { throw ValidationError("--mc-dropout: \(problem)") }
        if sceneInput.input == .reflectance && (xml != nil || dos != nil) {
            throw ValidationError("--xml and --dos calibrate DNs; they do not apply to --input reflectance")
        }
    }

    func run() throws {
        global.apply()
        var input = sceneInput.sceneInput
        (input.metadata, input.dos) = (xml, dos)
        let orthorectification = ortho.requested ? ortho.settings : nil
        // One kernel per scene: each DN product brings its own calibration.
        let perScene = try GF2Product.sceneRasters(scenes).map { scene in
            try ContentMapping.mapKernel(modelFolder: model, scenes: [scene], covariates: try self.covariates.settings(), mcDropout: mcDropout, seed: seed,
                                         everywhere: everywhere, orthorectification: orthorectification, input: input, threads: engine.threads)
        }
        let covariates = perScene.first?.covariates ?? []
        var run = KernelRun(scenes: scenes, out: out, suffix: "content", cog: cog, engine: engine, global: global,
                            otherInputs: ContentMapping.modelFiles(in: model) + (xml.map { [$0] } ?? []) + ortho.settings.inputs + covariates.map(\.path),
                            orthorectification: orthorectification)
        run.covariates = covariates
        try run.run(perScene: perScene.map(\.kernel))
    }
}
