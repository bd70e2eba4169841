import Foundation
import Inversion
import RasterIO

/// Everything a `regolith run` found, as numbers (`report.json`) from which its HTML page is made:
/// inputs, calibration, the sample set, band screening, validation of the CNN against the
/// baselines under both schemes, the map, comparisons, anomaly areas, timings and the exact
/// configuration, so the run can be reproduced.
public struct RunReport: Codable, Sendable {
    public struct Step: Codable, Sendable {
        public var name: String
        public var seconds: Double
        public init(name: String, seconds: Double) { self.name = name; self.seconds = seconds }
    }

    public struct Figure: Codable, Sendable {
        public var title: String
        /// A file in the report folder (PNG, embedded into the page), or inline SVG.
        public var file: String?
        public var svg: String?
        public var caption: String
        /// For a map quick-look: where the map lies in the image, so the page can draw its frame.
        public var map: MapFrame?
        public init(title: String, file: String? = nil, svg: String? = nil, caption: String, map: MapFrame? = nil) {
            self.title = title
            self.file = file
            self.svg = svg
            self.caption = caption
            self.map = map
        }
    }

    /// A map quick-look's geometry: the image's size, the map's part of it (from the top left) and
    /// the ground that part covers in the map CRS; what to draw over it.
    public struct MapFrame: Codable, Sendable {
        public var imageWidth: Int
        public var imageHeight: Int
        public var mapWidth: Int
        public var mapHeight: Int
        public var extent: MapExtent
        public var showsRanks: Bool
        public var showsSamples: Bool
    }

    /// Where an anomaly area lies: its polygon's centroid in the map CRS and in WGS 84.
    public struct AreaLocation: Codable, Sendable {
        public var rank: Int
        public var x: Double
        public var y: Double
        public var longitude: Double?
        public var latitude: Double?
    }

    public struct MapPoint: Codable, Sendable {
        public var x: Double
        public var y: Double
    }

    /// The content map: how fast it was made and how much of the scene lies outside the model's
    /// applicability domain (nodata in the map).
    public struct Inversion: Codable, Sendable {
        public var tiles: Int
        public var megapixelsPerSecond: Double
        public var domain: String?
        public var outsideDomainFraction: Double?
        /// Pixels whose prediction lies outside the range of the CNN's training targets.
        public var outsideTargetRange: TargetRangeCheck?
    }

    /// Where the kriged geochemical map is valid, and so where the comparisons are computed.
    public struct Support: Codable, Sendable {
        /// The mask's criteria, or nil when the map is not masked.
        public var mask: String?
        /// Pixels of the kriged map within the support (all of them without a mask).
        public var supportedPixels: Int
        public var scenePixels: Int
        public var supportedFraction: Double { scenePixels > 0 ? Double(supportedPixels) / Double(scenePixels) : 0 }
    }

    /// The masks that leave pixels out of the comparisons and the anomaly areas.
    public struct Masks: Codable, Sendable {
        public var vegetationNDVI: Double?
        public var waterNDWI: Double?
    }

    public struct TruthCheck: Codable, Sendable {
        public var map: MapComparison
        public var zones: ZoneAgreement
        /// Ranks of the top areas considered ("top-ranked"): hit both zones?
        public var topRanks: Int
        public var hitsAllZones: Bool
        /// The share of the compared pixels whose true content lies within the map's prediction interval.
        public var intervalCoverage: Double?
        public init(map: MapComparison, zones: ZoneAgreement, topRanks: Int, hitsAllZones: Bool) {
            self.map = map
            self.zones = zones
            self.topRanks = topRanks
            self.hitsAllZones = hitsAllZones
        }
    }

    /// The content map's calibrated prediction interval (`ConformalInterval`), in brief.
    public struct Interval: Codable, Sendable {
        /// 1 − α.
        public var level: Double
        /// The conformal quantile q of the scores: the interval is the map's value ± q × d(value)
        /// (`difficulty`), in the map's unit; ± q where the width is constant.
        public var quantile: Double
        /// `content` (the width follows the predicted content) or `none` (constant).
        public var weighting: ConformalInterval.Weighting?
        /// d(ŷ) = max(floor, intercept + slope × ŷ); nil where the width is constant.
        public var difficulty: ConformalInterval.Difficulty?
        /// The held-out residuals it is calibrated on, and the model they come from.
        public var residuals: Int
        public var method: String
        /// The share of those residuals' scores within q.
        public var empiricalCoverage: Double
        /// The file holding the lower and upper bounds and the width.
        public var file: String

        public init(_ interval: ConformalInterval, method: String, file: String) {
            (level, quantile, weighting, residuals, empiricalCoverage) = (interval.level, interval.quantile, interval.weighting, interval.residualCount,
                                                                          interval.empiricalCoverage)
            difficulty = interval.weighting == .content ? interval.difficulty : nil
            (self.method, self.file) = (method, file)
        }

        /// The interval as a formula, e.g. "± 1.93 × max(0.045, 0.035 + 0.106 × content)" or "± 0.825".
        public var halfWidthFormula: String { "± " + ConformalInterval.halfWidthFormula(quantile: quantile, difficulty: difficulty) }
    }

    /// The mapped value's column and unit, e.g. "treo_ppm (ppm)".
    public var value: String = ""
    public var title: String
    public var software: String
    public var started: String
    public var configuration: String
    public var inputs: [String: String] = [:]
    public var calibration: SceneCalibration.Summary?
    /// A run over a region's products (`scenes:`): the products and each area's products.
    public var region: Region?
    public var samples: SampleSetConstruction.Summary?
    public var screening: [BandScreening.Row] = []
    public var validations: [ValidationResult] = []
    public var modelSummaries: [String: String] = [:]
    /// The `ValidationResult.method` of the model the map was made with (nil: the CNN, the first validated).
    public var mapMethod: String?
    /// `mapMethod`, or the CNN's name for reports written before it was recorded.
    public var mapMethodName: String? { mapMethod ?? selection?.mapModel ?? validations.first?.method }
    /// `arch: auto`: every candidate's spatial-validation figures and the model that made the map.
    public var selection: ModelTraining.Selection?
    public var interval: Interval?
    public var inversion: Inversion?
    public var masks: Masks?
    public var figures: [Figure] = []
    /// The comparisons (map against the kriged map, and against the truth) cover these pixels only.
    public var support: Support?
    public var comparison: MapComparison?
    public var truth: TruthCheck?
    public var anomalyThreshold: Double = .nan
    public var anomalies: [AnomalyDelineation.Area] = []
    /// One per area of `anomalies`, by rank.
    public var anomalyLocations: [AreaLocation] = []
    /// The map CRS's name, for the coordinates of maps and tables.
    public var mapCRS: String?
    /// The sample set's sample locations in the map CRS.
    public var sampleLocations: [MapPoint] = []
    public var outputs: [String: String] = [:]
    public var steps: [Step] = []

    public init(title: String, software: String, started: String, configuration: String) {
        self.title = title
        self.software = software
        self.started = started
        self.configuration = configuration
    }

    /// The validation of `method` under the scheme whose name starts with `scheme` ("random", "spatial").
    public func validation(_ method: String, _ scheme: String) -> ValidationResult? {
        validations.first { $0.method == method && $0.scheme.hasPrefix(scheme) }
    }
}
