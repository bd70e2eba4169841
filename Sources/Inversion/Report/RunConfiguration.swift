/// What `regolith run` does, as its YAML configuration says; every field has a default, so an
/// empty file (or none: the bundled fixture world) is a complete configuration.
public struct RunConfiguration: Codable, Sendable, Equatable {
    public struct Model: Codable, Sendable, Equatable {
        /// `paper` (the article's CNN) or `patch`.
        public var arch: String = "paper"
        public var iterations: Int = 5000
        public var learningRate: Double = 0.001
        public var seed: UInt64 = 1
        /// Monte-Carlo dropout passes for the uncertainty band (0: none).
        public var mcDropout: Int = 0
        public init() {}
    }

    public struct Validation: Codable, Sendable, Equatable {
        public var trainFraction: Double = 2.0 / 3.0
        public var folds: Int = 5
        /// Block side for spatial cross-validation; default: the variogram's practical range.
        public var blockSize: Double?
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Anomalies: Codable, Sendable, Equatable {
        public var threshold: Double?
        /// Used when no threshold is given.
        public var percentile: Double = 95
        public var minArea: Double = 2000
        public var maskVegetation: Double?
        public var maskWater: Double?
        public init() {}
    }

    public struct Truth: Codable, Sendable, Equatable {
        public var content: String?
        public var zones: String?
        public init() {}
    }

    public var scene: String?
    public var xml: String?
    public var samples: String?
    public var samplesCrs: String = "EPSG:4326"
    public var column: String = "re2o3"
    public var out: String = "regolith-run"
    public var dos: Bool = false
    public var kriging = KrigingSettings(model: .auto, nmax: 32, maxdist: nil, block: 4)
    public var model = Model()
    public var validation = Validation()
    public var anomalies = Anomalies()
    public var truth = Truth()
    public var memory: String?
    public var threads: Int?

    public init() {}
}

extension RunConfiguration.Model {
    enum CodingKeys: String, CodingKey { case arch, iterations, learningRate = "learning_rate", seed, mcDropout = "mc_dropout" }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        arch = try c.decodeIfPresent(String.self, forKey: .arch) ?? arch
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? iterations
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        mcDropout = try c.decodeIfPresent(Int.self, forKey: .mcDropout) ?? mcDropout
    }
}

extension RunConfiguration.Validation {
    enum CodingKeys: String, CodingKey { case trainFraction = "train_fraction", folds, blockSize = "block_size", seed }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        trainFraction = try c.decodeIfPresent(Double.self, forKey: .trainFraction) ?? trainFraction
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? folds
        blockSize = try c.decodeIfPresent(Double.self, forKey: .blockSize)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
    }
}

extension RunConfiguration.Anomalies {
    enum CodingKeys: String, CodingKey { case threshold, percentile, minArea = "min_area", maskVegetation = "mask_vegetation", maskWater = "mask_water" }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        percentile = try c.decodeIfPresent(Double.self, forKey: .percentile) ?? percentile
        minArea = try c.decodeIfPresent(Double.self, forKey: .minArea) ?? minArea
        maskVegetation = try c.decodeIfPresent(Double.self, forKey: .maskVegetation)
        maskWater = try c.decodeIfPresent(Double.self, forKey: .maskWater)
    }
}

extension RunConfiguration.Truth {
    enum CodingKeys: String, CodingKey { case content, zones }
}

extension RunConfiguration {
    enum CodingKeys: String, CodingKey {
        case scene, xml, samples, samplesCrs = "samples_crs", column, out, dos, kriging, model, validation, anomalies, truth, memory, threads
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        scene = try c.decodeIfPresent(String.self, forKey: .scene)
        xml = try c.decodeIfPresent(String.self, forKey: .xml)
        samples = try c.decodeIfPresent(String.self, forKey: .samples)
        samplesCrs = try c.decodeIfPresent(String.self, forKey: .samplesCrs) ?? samplesCrs
        column = try c.decodeIfPresent(String.self, forKey: .column) ?? column
        out = try c.decodeIfPresent(String.self, forKey: .out) ?? out
        dos = try c.decodeIfPresent(Bool.self, forKey: .dos) ?? dos
        kriging = try c.decodeIfPresent(KrigingSettings.self, forKey: .kriging) ?? kriging
        model = try c.decodeIfPresent(Model.self, forKey: .model) ?? model
        validation = try c.decodeIfPresent(Validation.self, forKey: .validation) ?? validation
        anomalies = try c.decodeIfPresent(Anomalies.self, forKey: .anomalies) ?? anomalies
        truth = try c.decodeIfPresent(Truth.self, forKey: .truth) ?? truth
        memory = try c.decodeIfPresent(String.self, forKey: .memory)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
    }
}
