import Inversion
import RasterIO
import NeuralNet

// Strict decoding: every section refuses keys it does not know, and a missing key keeps its default.

extension RunConfiguration: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case scene, scenes, priority, targetDate = "target_date", feather, cloudReflectance = "cloud_reflectance", normalise, modelScope = "model_scope", minProductSamples = "min_product_samples", xml, dem, height, tSrs = "t_srs", res, resampling, pansharpen, samples, samplesCrs = "samples_crs", column, unit, xColumn = "x_column", yColumn = "y_column", delimiter, out, dos, input, scale, kriging, support, model, validation, anomalies, truth, memory, threads, cog, compress, interval, intervalWeighting = "interval_weighting"
        case covariates, terrain, terrainFrom = "terrain_from", indices, focalMeans = "focal_means"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        scene = try c.decodeIfPresent(String.self, forKey: .scene)
        if c.contains(.scenes) {
            if let paths = try? c.decode([String].self, forKey: .scenes) {
                scenes = .paths(paths)
            } else {
                scenes = .catalogue(try c.decode(String.self, forKey: .scenes))
            }
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .priority) {
            do { mosaicPriority = try MosaicPriority(parsing: text).keys } catch let error as InversionError {
                throw ConfigurationError(key: "priority", error.description)
            }
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .targetDate) {
            guard let date = MosaicPriority.date(parsing: text) else {
                throw ConfigurationError(key: "target_date", "'\(text)' is not a date (YYYY-MM-DD, or ISO 8601 such as 2016-12-01T03:00:00Z)")
            }
            targetDate = date
        }
        feather = try c.decodeIfPresent(Int.self, forKey: .feather) ?? feather
        cloudReflectance = try c.decodeIfPresent(Double.self, forKey: .cloudReflectance)
        normalise = try c.decodeIfPresent(Bool.self, forKey: .normalise) ?? normalise
        if let name = try c.decodeIfPresent(String.self, forKey: .modelScope) {
            guard let scope = ModelScope(rawValue: name) else {
                throw ConfigurationError(key: "model_scope", "'\(name)' is not a model scope: give \(ModelScope.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            modelScope = scope
        }
        minProductSamples = try c.decodeIfPresent(Int.self, forKey: .minProductSamples) ?? minProductSamples
        xml = try c.decodeIfPresent(String.self, forKey: .xml)
        let ortho = OrthorectificationSettings(dem: try c.decodeIfPresent(String.self, forKey: .dem),
                                               height: try c.decodeIfPresent(Double.self, forKey: .height),
                                               targetCRS: try c.decodeIfPresent(String.self, forKey: .tSrs),
                                               resolution: try c.decodeIfPresent(Double.self, forKey: .res),
                                               resampling: try c.decodeIfPresent(Orthorectification.Resampling.self, forKey: .resampling) ?? .bilinear)
        if ortho != OrthorectificationSettings() { orthorectification = ortho }
        pansharpen = try c.decodeIfPresent(Bool.self, forKey: .pansharpen) ?? pansharpen
        samples = try c.decodeIfPresent(String.self, forKey: .samples)
        samplesCrs = try c.decodeIfPresent(String.self, forKey: .samplesCrs) ?? samplesCrs
        column = try c.decodeIfPresent(String.self, forKey: .column) ?? column
        unit = try c.decodeIfPresent(String.self, forKey: .unit) ?? unit
        samplesFormat.xColumn = try c.decodeIfPresent(String.self, forKey: .xColumn)
        samplesFormat.yColumn = try c.decodeIfPresent(String.self, forKey: .yColumn)
        if let name = try c.decodeIfPresent(String.self, forKey: .delimiter) {
            guard let delimiter = CSVTable.Delimiter(name: name) else {
                throw ConfigurationError(key: "delimiter", "'\(name)' is not a delimiter: give \",\", \";\" or tab")
            }
            samplesFormat.delimiter = delimiter
        }
        out = try c.decodeIfPresent(String.self, forKey: .out) ?? out
        dos = try c.decodeIfPresent(Bool.self, forKey: .dos) ?? dos
        if let name = try c.decodeIfPresent(String.self, forKey: .input) {
            guard let kind = SceneInput.Kind(rawValue: name) else {
                throw ConfigurationError(key: "input", "'\(name)' is not an input: give \(SceneInput.Kind.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            input = kind
        }
        scale = try c.decodeIfPresent(Double.self, forKey: .scale)
        let krigingSection = try c.decodeIfPresent(KrigingSection.self, forKey: .kriging)
        kriging = krigingSection?.settings(defaults: kriging) ?? kriging
        mapNearestSamples = krigingSection?.mapNmax ?? mapNearestSamples
        if let section = try c.decodeIfPresent(SupportSection.self, forKey: .support) { support = section.mask }
        covariates.covariates = try c.decodeIfPresent([CovariateEntry].self, forKey: .covariates)?.map(\.covariate) ?? []
        covariates.terrain = try c.decodeIfPresent([String].self, forKey: .terrain) ?? []
        covariates.terrainSource = try c.decodeIfPresent(String.self, forKey: .terrainFrom) ?? covariates.terrainSource
        covariates.indices = try c.decodeIfPresent([String].self, forKey: .indices) ?? []
        covariates.focalMeans = try c.decodeIfPresent([Int].self, forKey: .focalMeans) ?? []
        model = try c.decodeIfPresent(Model.self, forKey: .model) ?? model
        validation = try c.decodeIfPresent(Validation.self, forKey: .validation) ?? validation
        anomalies = try c.decodeIfPresent(Anomalies.self, forKey: .anomalies) ?? anomalies
        truth = try c.decodeIfPresent(Truth.self, forKey: .truth) ?? truth
        memory = try c.decodeIfPresent(String.self, forKey: .memory)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        cog = try c.decodeIfPresent(Bool.self, forKey: .cog) ?? cog
        interval = try c.decodeIfPresent(Double.self, forKey: .interval) ?? interval
        if let name = try c.decodeIfPresent(String.self, forKey: .intervalWeighting) {
            guard let weighting = ConformalInterval.Weighting(rawValue: name) else {
                throw ConfigurationError(key: "interval_weighting", "'\(name)' is not an interval weighting: give \(ConformalInterval.Weighting.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            intervalWeighting = weighting
        }
        if let name = try c.decodeIfPresent(String.self, forKey: .compress) {
            guard let compression = GeoTIFFOptions.Compression(name: name) else {
                throw ConfigurationError(key: "compress", "'\(name)' is not a compression: give \(GeoTIFFOptions.Compression.choices)")
            }
            compress = compression
        }
    }
}

/// An entry of the `covariates:` list: `name`, `path` and optionally `resampling` (default bilinear).
struct CovariateEntry: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, path, resampling }
    var covariate: Covariate

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        var resampling = Covariate.Resampling.bilinear
        if let text = try c.decodeIfPresent(String.self, forKey: .resampling) {
            guard let given = Covariate.Resampling(rawValue: text) else {
                throw ConfigurationError(key: dotted(c.codingPath + [CodingKeys.resampling]), "'\(text)' is not a resampling: give \(Covariate.Resampling.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            resampling = given
        }
        covariate = Covariate(name: name, path: try c.decode(String.self, forKey: .path), resampling: resampling)
    }
}

/// The `kriging:` section; keys it leaves out keep the run's defaults (nmax 32 for the sample set,
/// block 4, the geochemical map global).
struct KrigingSection: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case model, nmax, maxdist, block, mapNmax = "map_nmax" }
    var model: KrigingSettings.ModelChoice?
    var nmax: Int?
    var mapNmax: Int?
    var maxdist: Double?
    var block: Double?

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(KrigingSettings.ModelChoice.self, forKey: .model)
        nmax = try c.decodeIfPresent(Int.self, forKey: .nmax)
        mapNmax = try c.decodeIfPresent(Int.self, forKey: .mapNmax)
        maxdist = try c.decodeIfPresent(Double.self, forKey: .maxdist)
        block = try c.decodeIfPresent(Double.self, forKey: .block)
    }

    func settings(defaults: KrigingSettings) -> KrigingSettings {
        KrigingSettings(model: model ?? defaults.model, nmax: nmax ?? defaults.nmax, maxdist: maxdist ?? defaults.maxdist,
                        block: block ?? defaults.block)
    }
}

/// The `support:` section: `mask: false` krige every pixel; `distance` (map units; default the
/// variogram's practical range) and `variance` (a fraction of the prior variance, default 0.9).
struct SupportSection: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case mask, distance, variance }
    var mask: ExtrapolationMask?

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let distance = try c.decodeIfPresent(Double.self, forKey: .distance)
        let variance = try c.decodeIfPresent(Double.self, forKey: .variance) ?? ExtrapolationMask.defaultVarianceFraction
        mask = try c.decodeIfPresent(Bool.self, forKey: .mask) ?? true ? ExtrapolationMask(maxDistance: distance, maxVarianceFraction: variance) : nil
    }
}

extension RunConfiguration.Model: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case arch, patchSize = "patch_size", iterations, learningRate = "learning_rate", seed, mcDropout = "mc_dropout"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        arch = try c.decodeIfPresent(ModelArchitecture.self, forKey: .arch) ?? arch
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? patchSize
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? iterations
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        mcDropout = try c.decodeIfPresent(Int.self, forKey: .mcDropout) ?? mcDropout
    }
}

extension RunConfiguration.Validation: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case trainFraction = "train_fraction", folds, blockSize = "block_size", seed }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        trainFraction = try c.decodeIfPresent(Double.self, forKey: .trainFraction) ?? trainFraction
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? folds
        blockSize = try c.decodeIfPresent(Double.self, forKey: .blockSize)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
    }
}

extension RunConfiguration.Anomalies: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case threshold, percentile, minArea = "min_area", minHole = "min_hole", smooth, smoothStatistic = "smooth_statistic", simplify, maskVegetation = "mask_vegetation", maskWater = "mask_water"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        percentile = try c.decodeIfPresent(Double.self, forKey: .percentile) ?? percentile
        minArea = try c.decodeIfPresent(Double.self, forKey: .minArea) ?? minArea
        minHole = try c.decodeIfPresent(Double.self, forKey: .minHole) ?? minHole
        smooth = try c.decodeIfPresent(Int.self, forKey: .smooth) ?? smooth
        smoothStatistic = try c.decodeIfPresent(AnomalySearch.Smoothing.self, forKey: .smoothStatistic) ?? smoothStatistic
        simplify = try c.decodeIfPresent(Double.self, forKey: .simplify)
        maskVegetation = try c.decodeIfPresent(Double.self, forKey: .maskVegetation)
        maskWater = try c.decodeIfPresent(Double.self, forKey: .maskWater)
    }
}

extension RunConfiguration.Truth: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case content, zones }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        content = try c.decodeIfPresent(String.self, forKey: .content)
        zones = try c.decodeIfPresent(String.self, forKey: .zones)
    }
}
