import Foundation

/// Everything a `regolith run` found, for its HTML report (and `report.json`): inputs, band
/// screening, validation of the CNN against the baselines under both schemes, maps, comparisons,
/// anomaly areas, timings and the exact configuration, so the run can be reproduced.
public struct RunReport: Codable, Sendable {
    public struct Step: Codable, Sendable {
        public var name: String
        public var seconds: Double
        public init(name: String, seconds: Double) { self.name = name; self.seconds = seconds }
    }

    public struct Figure: Codable, Sendable {
        public var title: String
        /// A file in the report folder (PNG), or inline SVG.
        public var file: String?
        public var svg: String?
        public var caption: String
        public init(title: String, file: String? = nil, svg: String? = nil, caption: String) {
            self.title = title
            self.file = file
            self.svg = svg
            self.caption = caption
        }
    }

    public struct TruthCheck: Codable, Sendable {
        public var map: MapComparison
        public var zones: ZoneAgreement
        /// Ranks of the top areas considered ("top-ranked"): hit both zones?
        public var topRanks: Int
        public var hitsAllZones: Bool
        public init(map: MapComparison, zones: ZoneAgreement, topRanks: Int, hitsAllZones: Bool) {
            self.map = map
            self.zones = zones
            self.topRanks = topRanks
            self.hitsAllZones = hitsAllZones
        }
    }

    public var title: String
    public var software: String
    public var started: String
    public var configuration: String
    public var inputs: [String: String]
    public var notes: [String]
    public var calibration: String
    public var sampleSummary: String
    public var droppedSamples: [String]
    public var variogram: String
    public var screening: [BandScreening.Row]
    public var validations: [ValidationResult]
    public var modelSummaries: [String: String]
    public var figures: [Figure]
    public var comparison: MapComparison?
    public var truth: TruthCheck?
    public var anomalyThreshold: Double
    public var anomalies: [AnomalyDelineation.Area]
    public var outputs: [String: String]
    public var steps: [Step]

    public init(title: String, software: String, started: String, configuration: String) {
        self.title = title
        self.software = software
        self.started = started
        self.configuration = configuration
        inputs = [:]
        notes = []
        calibration = ""
        sampleSummary = ""
        droppedSamples = []
        variogram = ""
        screening = []
        validations = []
        modelSummaries = [:]
        figures = []
        anomalyThreshold = .nan
        anomalies = []
        outputs = [:]
        steps = []
    }
}
