/// Every coefficient of the synthetic world, in one place. The README's "Synthetic world" section
/// explains them; `world.json` beside each generated world records the values used.
public struct WorldParameters: Sendable, Codable, Equatable {
    // MARK: Scene
    /// Ground sample distance of the GF-2 PMS multispectral bands, metres.
    public var pixelSize = 4.0
    /// Scene centre, degrees (the paper's study area: Liutang, Chongzuo, Guangxi).
    public var centerLongitude = 107.22
    public var centerLatitude = 22.46
    /// Acquisition time, UTC (the paper's scene: 12 November 2020, about 10:30 local solar time).
    public var acquisitionTime = "2020-11-12 03:15:42"
    public var satelliteID = "GF2"
    public var sensorID = "PMS1"

    // MARK: Sensor (the radiometry the DNs are made with; blue, green, red, NIR)
    /// Absolute calibration `L = gain · DN + offset` (W·m⁻²·sr⁻¹·µm⁻¹) of the simulated GF-2 PMS1
    /// multispectral camera: CRESDA's published coefficients for 2018 ("国产陆地观测卫星绝对辐射定标系数",
    /// China Centre for Resources Satellite Data and Application, yearly), which common GF-2 tools
    /// apply to later scenes such as this 2020 one. The same GF-2 rows (2014–2018, offsets only in
    /// 2014) appear in public GF-2 processing code: desertstsung/Project_JiaoTang
    /// `sourceCode/gainOffsetExtForMSPN.pro`, OKzsy/work `auto_process/atm/atm_GF2.py` (2016–2018).
    public var sensorGains = [0.1356, 0.1736, 0.1644, 0.1788]
    public var sensorOffsets = [0.0, 0.0, 0.0, 0.0]
    public var sensorCalibrationYear = 2018
    /// Band-averaged exo-atmospheric solar irradiance ESUN at 1 AU (W·m⁻²·µm⁻¹). CRESDA's GF-2 PMS
    /// figures were not found in a citable source. These are the values Regolith has used from the
    /// start; they are CRESDA's GF-1 PMS figures to within 0.04 (GF-1 PMS2 blue 1945.34 and green
    /// 1854.15, PMS1 red 1542.63, NIR between PMS1's 1080.81 and PMS2's 1081.93, as a public IDL GF-1
    /// routine `GetEs` tabulates them). Calibration's `CalibrationTable` holds the same values, so
    /// replace both together when GF-2's are at hand.
    public var solarIrradiance = [1945.3, 1854.15, 1542.63, 1080.77]

    // MARK: Sampling area and anomaly zones (fractions of the sampling area's side)
    /// Side of the square sampling area: this fraction of the scene's shorter side, at most `samplingAreaMaxSide` m.
    public var samplingAreaFraction = 0.8
    public var samplingAreaMaxSide = 2400.0
    /// Zone I, the known mine: an isotropic Gaussian bump.
    public var zoneICenter = [0.30, 0.40]
    public var zoneISigma = 0.10
    public var zoneIAmplitude = 9.0
    /// Zone II, acid volcanic rock beside a fault: an elongated bump along the fault's strike.
    public var zoneIICenter = [0.68, 0.64]
    public var zoneIISigmaAlong = 0.14
    public var zoneIISigmaAcross = 0.06
    /// Fault strike, degrees clockwise from north; the fault passes `faultOffset` (fraction) east of zone II's axis.
    public var faultStrike = 35.0
    public var faultOffset = 0.07
    public var zoneIIAmplitude = 7.0
    /// Seeded jitter of the zone centres (fraction of the side).
    public var zoneJitter = 0.04
    /// A zone's true extent: where its bump exceeds this fraction of its amplitude.
    public var zoneMaskLevel = 0.5

    // MARK: Content field (RE2O3, the paper's Table 1 units)
    /// Background: lognormal, `exp(μ + σ g)` with g an exponential-covariance Gaussian field.
    public var contentLogMean = 0.75
    public var contentLogSigma = 0.60
    public var contentRange = 150.0
    /// Enrichment along the river downstream (south) of the mine: amplitude, decay length (m), bank width (m).
    public var riverEnrichment = 2.5
    public var riverEnrichmentDecay = 900.0
    public var riverEnrichmentBank = 40.0

    // MARK: Land cover
    /// Vegetation: fraction f = clamp((g − threshold) / softness), g a Gaussian field of this range (m).
    public var vegetationRange = 220.0
    public var vegetationThreshold = 0.55
    public var vegetationSoftness = 0.6
    /// Rivers: one every `riverSpacing` m east–west; the main river runs through the sampling area
    /// `mainRiverOffset` (fraction) from its west edge; width in metres; meanders (amplitude m, wavelength m).
    public var riverSpacing = 8000.0
    public var mainRiverOffset = 0.10
    public var riverWidth = 14.0
    public var meanders = [[90.0, 1300.0], [35.0, 430.0]]
    /// Villages: at most one per cell (m) with this probability, radius range (m); houses on a grid (m).
    public var villageCell = 1200.0
    public var villageProbability = 0.45
    public var villageRadius = [70.0, 150.0]
    public var houseGrid = 24.0
    public var houseProbability = 0.55
    /// The village placed in every sampling area (fractions), so every world shows the false anomaly.
    public var knownVillage = [0.80, 0.22]

    // MARK: Reflectance (top of atmosphere), bands blue, green, red, NIR
    /// Bare weathering crust at zero content, and the decrease per content unit.
    public var soilReflectance = [0.085, 0.125, 0.185, 0.265]
    public var soilContentSlope = [0.00002, 0.00065, 0.00100, 0.00130]
    /// Soil brightness: a smooth field (relative sd, range m) and per-pixel variation (relative sd).
    public var albedoFieldSigma = 0.015
    public var albedoRange = 100.0
    public var albedoPixelSigma = 0.07
    public var vegetationReflectance = [0.035, 0.065, 0.040, 0.360]
    public var vegetationPixelSigma = 0.10
    public var waterReflectance = [0.055, 0.062, 0.045, 0.020]
    /// Roofs and yards: like bare crust at this content in the visible bands, dark in the NIR.
    public var buildingMimicsContent = 15.0
    public var buildingNIR = 0.19
    /// Sensor noise in DN (on top of `SimulatedSensor`'s exact DN): constant part plus a fraction of the signal.
    public var sensorNoiseDN = 0.6
    public var sensorNoiseFraction = 0.004
    public var dnMaximum = 1023.0

    // MARK: Samples
    public var sampleCount = 374
    /// Relative laboratory error (lognormal sd) and GPS error (m, per axis).
    public var labErrorSigma = 0.05
    public var gpsErrorSigma = 2.5
    public var minimumContent = 0.10

    // MARK: Optional layers (absent from world.json when not made)
    /// `--terrain`: the DEM and how it shapes the crust and the vegetation.
    public var terrain: TerrainParameters? = nil
    /// `--sar`: the Sentinel-1-like backscatter raster.
    public var backscatter: BackscatterParameters? = nil

    public init() {}
}
