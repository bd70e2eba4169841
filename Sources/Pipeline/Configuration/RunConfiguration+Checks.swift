import Inversion
import RasterIO

extension RunConfiguration {
    /// Every value's range, checked before the run touches its output folder; the first problem
    /// found, naming its key. The rules are `SettingRules`, shared with the command-line options.
    public func check() throws {
        var problems: [(key: String, problem: String?)] = [
            ("scene", scene == nil && scenes == nil ? "missing: the scene to map (a GF-2 DN scene), or scenes: the products of a region" : nil),
            ("scenes", scene != nil && scenes != nil ? "give scene (one scene) or scenes (the products of a region), not both" : nil),
            ("scenes", scenes == .paths([]) ? "the list names no product" : nil),
            ("xml", scenes != nil && xml != nil ? "applies to scene only; each product of scenes is calibrated with its own XML" : nil),
            ("input", scenes != nil && input != nil ? "applies to scene only; scenes are GF-2 products, calibrated into the mosaic" : nil),
            ("pansharpen", scenes != nil && pansharpen ? "applies to scene only; the mosaic of scenes is made of the MSS images" : nil),
            ("priority", scenes == nil && mosaicPriority != MosaicPriority.defaultKeys ? "applies to scenes only (the mosaic of a region's products)" : nil),
            ("target_date", scenes == nil && targetDate != nil ? "applies to scenes only (the mosaic of a region's products)" : nil),
            ("cloud_reflectance", cloudReflectance.flatMap(SettingRules.positive) ?? (scenes == nil && cloudReflectance != nil ? "applies to scenes only (the mosaic of a region's products)" : nil)),
            ("normalise", scenes == nil && normalise ? "applies to scenes only (the mosaic of a region's products)" : nil),
            ("feather", SettingRules.featherPixels(feather) ?? (scenes == nil && feather != 0 ? "applies to scenes only (the mosaic of a region's products)" : nil)),
            ("model_scope", scenes == nil && modelScope == .product ? "applies to scenes only (each product of a region's mosaic with its own model)" : nil),
            ("min_product_samples", SettingRules.count(minProductSamples, in: 2...1_000_000)
                ?? (modelScope != .product && minProductSamples != ProductScope.defaultMinimumSamples ? "applies with model_scope: product only" : nil)),
            ("samples", samples == nil ? "missing: the samples CSV" : nil),
            ("height", orthorectification?.dem != nil && orthorectification?.height != nil ? "give dem or height, not both" : nil),
            ("height", orthorectification?.height.flatMap(SettingRules.finite)),
            ("res", orthorectification?.resolution.flatMap(SettingRules.positive)),
            ("t_srs", orthorectification?.targetCRS.flatMap { (try? SpatialReference($0)) == nil ? "'\($0)' is not a CRS GDAL knows" : nil }),
            ("column", column.isEmpty ? "must name the samples' value column" : nil),
            ("x_column", (samplesFormat.xColumn == nil) != (samplesFormat.yColumn == nil) ? "give x_column and y_column together, or neither" : nil),
            ("support.distance", support?.maxDistance.flatMap(SettingRules.positive)),
            ("support.variance", support?.maxVarianceFraction.flatMap(SettingRules.positive)),
            ("input", input == .reflectance && (xml != nil || dos) ? "reflectance skips calibrate; xml and dos apply to DN scenes only" : nil),
            ("scale", scale.flatMap { SettingRules.reflectanceScale($0, input: input) }),
            ("out", out.isEmpty ? "must name the output folder" : nil),
            ("model.patch_size", model.arch != .paper ? SettingRules.patchSize(model.patchSize) : nil),
            ("model.iterations", SettingRules.iterations(model.iterations)),
            ("model.learning_rate", SettingRules.learningRate(model.learningRate)),
            ("model.mc_dropout", SettingRules.monteCarloPasses(model.mcDropout)
                ?? (model.mcDropout > 0 && model.arch.regressionMethod != nil ? "Monte-Carlo dropout needs a network (arch paper, patch or auto)" : nil)),
            ("validation.train_fraction", SettingRules.openFraction(validation.trainFraction)),
            ("validation.folds", SettingRules.folds(validation.folds)),
            ("validation.block_size", validation.blockSize.flatMap(SettingRules.positive)),
            ("anomalies.threshold", anomalies.threshold.flatMap(SettingRules.finite)),
            ("anomalies.percentile", SettingRules.percentile(anomalies.percentile)),
            ("anomalies.min_area", SettingRules.nonNegative(anomalies.minArea)),
            ("anomalies.min_hole", SettingRules.nonNegative(anomalies.minHole)),
            ("anomalies.smooth", SettingRules.smoothingWindow(anomalies.smooth)),
            ("anomalies.simplify", anomalies.simplify.flatMap(SettingRules.nonNegative)),
            ("anomalies.mask_vegetation", anomalies.maskVegetation.flatMap(SettingRules.indexLimit)),
            ("anomalies.mask_water", anomalies.maskWater.flatMap(SettingRules.indexLimit)),
            ("interval", SettingRules.openFraction(interval)),
            ("memory", memory.flatMap(SettingRules.memory)),
            ("threads", threads.flatMap(SettingRules.threads)),
            ("kriging.map_nmax", mapNearestSamples.flatMap(SettingRules.nearestSamples)),
        ]
        problems += covariates.problems.map { ($0.key, $0.problem) }
        problems += kriging.problems.map { ("kriging.\($0.key)", $0.problem) }
        if let first = problems.first(where: { $0.problem != nil }) {
            throw ConfigurationError(key: first.key, first.problem!)
        }
    }
}

extension KrigingSettings {
    /// What is wrong with these settings, by key (`nmax`, `maxdist`, `block`).
    public var problems: [(key: String, problem: String?)] {
        [
            ("nmax", nmax.flatMap(SettingRules.nearestSamples)),
            ("maxdist", maxdist.flatMap(SettingRules.positive) ?? (maxdist != nil && nmax == nil ? "needs nmax" : nil)),
            ("block", block.flatMap(SettingRules.positive)),
        ]
    }
}
