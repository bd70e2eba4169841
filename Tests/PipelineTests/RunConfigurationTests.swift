import Inversion
import Pipeline
import Testing

@Suite struct RunConfigurationTests {
    static let minimal = "scene: s.tiff\nsamples: s.csv\n"

    @Test func aFullConfigurationDecodesEveryKey() throws {
        let text = Self.minimal + """
            samples_crs: EPSG:32648
            column: treo
            unit: ppm
            support: {distance: 300, variance: 0.8}
            out: results
            dos: true
            kriging: {model: exp, nmax: 16, maxdist: 900, block: 2, map_nmax: 24}
            model: {arch: patch, patch_size: 7, iterations: 1500, learning_rate: 0.002, seed: 9, mc_dropout: 20}
            validation: {train_fraction: 0.75, folds: 4, block_size: 500, seed: 3}
            anomalies: {threshold: 6.5, min_area: 100, min_hole: 400, smooth: 7, smooth_statistic: median, simplify: 2, mask_vegetation: 0.4, mask_water: 0}
            truth: {content: t.tif, zones: z.tif}
            memory: 1GiB
            threads: 2
            cog: false
            compress: deflate
            interval: 0.8
            interval_weighting: none
            """
        let c = try RunConfiguration.decode(text, file: "full.yml")
        #expect(!c.cog && c.compress == .deflate && c.interval == 0.8 && c.intervalWeighting == ConformalInterval.Weighting.none)
        #expect(c.samplesCrs == "EPSG:32648" && c.column == "treo" && c.unit == "ppm" && c.out == "results" && c.dos)
        #expect(c.support == ExtrapolationMask(maxDistance: 300, maxVarianceFraction: 0.8))
        #expect(c.kriging.model == .exp && c.kriging.nmax == 16 && c.kriging.maxdist == 900 && c.kriging.block == 2 && c.mapNearestSamples == 24)
        #expect(c.model.arch == .patch && c.model.patchSize == 7 && c.model.iterations == 1500 && c.model.learningRate == 0.002)
        #expect(c.model.seed == 9 && c.model.mcDropout == 20)
        #expect(c.validation.trainFraction == 0.75 && c.validation.folds == 4 && c.validation.blockSize == 500 && c.validation.seed == 3)
        #expect(c.anomalies.threshold == 6.5 && c.anomalies.minArea == 100 && c.anomalies.maskVegetation == 0.4 && c.anomalies.maskWater == 0)
        #expect(c.anomalies.minHole == 400 && c.anomalies.smooth == 7 && c.anomalies.smoothStatistic == .median && c.anomalies.simplify == 2)
        #expect(c.truth.content == "t.tif" && c.truth.zones == "z.tif" && c.memory == "1GiB" && c.threads == 2)
    }

    @Test func missingKeysKeepTheirDefaults() throws {
        let c = try RunConfiguration.decode(Self.minimal + "kriging: {model: sph}\n", file: "c.yml")
        #expect(c.kriging.model == .sph && c.kriging.nmax == 32 && c.kriging.block == 4 && c.mapNearestSamples == nil)
        #expect(c.model == RunConfiguration.Model())
        #expect(c.validation == RunConfiguration.Validation())
        #expect(c.cog && c.compress == .zstd, "run writes ZSTD COGs unless told otherwise")
        // The geochemical map stops at the support by default (practical range, 0.9 of the prior variance), and no unit is invented.
        #expect(c.support == ExtrapolationMask(maxDistance: nil, maxVarianceFraction: 0.9) && c.unit == "")
        #expect(try RunConfiguration.decode(Self.minimal + "support: {mask: false}\n", file: "c.yml").support == nil)
        #expect(c.anomalies.smooth == 3 && c.anomalies.minHole == 2000 && c.anomalies.simplify == nil)
        #expect(c.interval == 0.9 && c.intervalWeighting == .content)
    }

    /// Each mistake is refused with one line naming the file and the key (and, for a typo, the key meant).
    @Test(arguments: [
        ("iteratons: 10", "c.yml: iteratons: unknown key"),
        ("model: {iteratons: 10}", "c.yml: model.iteratons: unknown key; did you mean 'iterations'?"),
        ("anomalies: {percentil: 90}", "c.yml: anomalies.percentil: unknown key; did you mean 'percentile'?"),
        ("kriging: {nmx: 3}", "c.yml: kriging.nmx: unknown key; did you mean 'nmax'?"),
        ("validation: {folds: 0}", "c.yml: validation.folds: 0 is not between 2 and 1000"),
        ("validation: {train_fraction: .nan}", "c.yml: validation.train_fraction: nan is not between 0 and 1 (exclusive)"),
        ("validation: {train_fraction: 1.5}", "c.yml: validation.train_fraction: 1.5 is not between 0 and 1 (exclusive)"),
        ("validation: {block_size: 0}", "c.yml: validation.block_size: 0.0 is not a positive number"),
        ("anomalies: {percentile: 150}", "c.yml: anomalies.percentile: 150.0 is not a percentile in [0, 100)"),
        ("anomalies: {threshold: .inf}", "c.yml: anomalies.threshold: inf is not a finite number"),
        ("anomalies: {mask_vegetation: 4}", "c.yml: anomalies.mask_vegetation: 4.0 is not an index limit in [-1, 1]"),
        ("anomalies: {smooth: 4}", "c.yml: anomalies.smooth: 4 is not an odd window side from 1 (no smoothing) to 63"),
        ("anomalies: {smooth_statistic: mode}", "c.yml: anomalies.smooth_statistic:"),
        ("anomalies: {min_hole: -1}", "c.yml: anomalies.min_hole: -1.0"),
        ("anomalies: {simplify: -2}", "c.yml: anomalies.simplify: -2.0"),
        ("model: {mc_dropout: 1}", "c.yml: model.mc_dropout: 1 passes: give 0 (none) or 2 to 10000"),
        ("model: {arch: patch, patch_size: 4}", "c.yml: model.patch_size: 4 is not an odd window side from 3 to 63"),
        ("model: {arch: xgboost, mc_dropout: 20}", "c.yml: model.mc_dropout: Monte-Carlo dropout needs a network (arch paper, patch or auto)"),
        ("model: {learning_rate: -1}", "c.yml: model.learning_rate: -1.0 is not a learning rate in (0, 1]"),
        ("model: {learning_rate: 1e300}", "c.yml: model.learning_rate: 1e+300 is not a learning rate in (0, 1]"),
        ("kriging: {nmax: 0}", "c.yml: kriging.nmax: 0 is not between 1 and 100000"),
        ("kriging: {map_nmax: 0}", "c.yml: kriging.map_nmax: 0 is not between 1 and 100000"),
        ("kriging: {block: -4}", "c.yml: kriging.block: -4.0 is not a positive number"),
        ("memory: abc", "c.yml: memory: 'abc' is not a size such as 256MiB or 2GiB"),
        ("memory: 99999999999GiB", "c.yml: memory: '99999999999GiB' is not a size such as 256MiB or 2GiB"),
        ("threads: 0", "c.yml: threads: 0 is not between 1 and 4096"),
        ("compress: jpeg", "c.yml: compress: 'jpeg' is not a compression: give zstd, deflate, lzw"),
        ("interval_weighting: kriging", "c.yml: interval_weighting: 'kriging' is not an interval weighting: give content or none"),
        ("cogg: true", "c.yml: cogg: unknown key; did you mean 'cog'?"),
        ("support: {distanse: 3}", "c.yml: support.distanse: unknown key; did you mean 'distance'?"),
        ("support: {distance: 0}", "c.yml: support.distance: 0.0 is not a positive number"),
        ("support: {variance: -1}", "c.yml: support.variance: -1.0 is not a positive number"),
        ("input: flaash", "c.yml: input: 'flaash' is not an input: give dn or reflectance"),
        ("scale: 0.0001", "c.yml: scale: applies to reflectance inputs only (input reflectance)"),
        ("input: reflectance\nscale: 0", "c.yml: scale: 0.0 is not a positive number"),
        ("input: reflectance\ndos: true", "c.yml: input: reflectance skips calibrate; xml and dos apply to DN scenes only"),
    ])
    func mistakesNameTheFileAndKey(line: String, expected: String) {
        #expect {
            try RunConfiguration.decode(Self.minimal + line + "\n", file: "c.yml")
        } throws: { error in
            (error as? ConfigurationError)?.description.hasPrefix(expected) == true
        }
    }

    @Test(arguments: [
        ("threads: two", "c.yml: threads: expected a whole number"),
        ("model: {arch: resnet}", "c.yml: model.arch:"),
        ("model: [1, 2]", "c.yml: model: must be a mapping of keys"),
        ("- scene\n", "c.yml: must be a mapping of keys"),
        ("scene: [", "c.yml: not valid YAML"),
    ])
    func wrongTypesAndBrokenYAMLNameTheFile(text: String, expected: String) {
        #expect {
            try RunConfiguration.decode(text.hasPrefix("-") || text.hasPrefix("scene") ? text : Self.minimal + text, file: "c.yml")
        } throws: { error in
            let description = String(describing: error)
            return error is ConfigurationError && description.hasPrefix(expected) && !description.contains("\n")
        }
    }

    /// The map's model may be any the validation compares, not only a CNN preset.
    @Test(arguments: ModelArchitecture.allCases)
    func everyArchitectureDecodes(arch: ModelArchitecture) throws {
        let configuration = try RunConfiguration.decode(Self.minimal + "model: {arch: \(arch.rawValue)}\n", file: "c.yml")
        #expect(configuration.model.arch == arch)
    }

    @Test func reflectanceInputsTakeAScale() throws {
        let configuration = try RunConfiguration.decode(Self.minimal + "input: reflectance\nscale: 0.0001\n", file: "c.yml")
        #expect(configuration.input == .reflectance && configuration.scale == 0.0001)
    }

    @Test func sceneAndSamplesAreRequired() {
        #expect(throws: ConfigurationError(file: "c.yml", key: "scene", "missing: the scene to map (a GF-2 DN scene), or scenes: the products of a region")) {
            try RunConfiguration.decode("", file: "c.yml")
        }
        #expect(throws: ConfigurationError(file: "c.yml", key: "samples", "missing: the samples CSV")) {
            try RunConfiguration.decode("scene: a.tiff", file: "c.yml")
        }
    }
}
