/// The Sentinel-1-like backscatter of a world made with `regolith synth --terrain --sar` (`s1.tif`).
/// The README's "The synthetic world" section explains the relations; `world.json` records the
/// values used (under `parameters.backscatter`). Backscatter values are σ⁰ in dB.
public struct BackscatterParameters: Sendable, Codable, Equatable {
    /// Cell size of s1.tif, metres (Sentinel-1 IW GRD), on a grid aligned to multiples of it.
    public var pixelSize = 10.0
    /// Incidence angle on flat ground and look azimuth (degrees clockwise from north): an ascending
    /// pass (heading about 348° at 22° N), right-looking, mid-swath.
    public var incidenceAngle = 39.0
    public var lookAzimuth = 78.0
    /// Bare crust: σ⁰ at the reference moisture on flat ground, the cross-polarised ratio, the
    /// exponent n of the `cosⁿ(local incidence)` law, the moisture sensitivity (dB per m³/m³, i.e.
    /// 0.2 dB per volume per cent) and the content link (dB per content unit: clay-rich crust).
    public var soilVV = -11.0
    public var soilCrossRatio = -9.0
    public var incidenceExponent = 2.0
    public var referenceMoisture = 0.20
    public var moistureSensitivity = 20.0
    public var contentSensitivity = 0.06
    /// Soil moisture (m³/m³): `referenceMoisture − valleyMoisture · TPI`, clamped to `moistureLimits`.
    public var valleyMoisture = 0.004
    public var moistureLimits = [0.08, 0.40]
    /// Vegetation canopy (volume scattering, mixed with the soil linearly by cover fraction), water
    /// (specular, dark) and buildings (double bounce, bright): σ⁰ VV and VH.
    public var vegetation = [-8.5, -14.0]
    public var water = [-21.0, -28.0]
    public var buildings = [-3.0, -10.0]
    /// Multiplicative speckle: gamma-distributed intensity of unit mean with this many looks.
    public var looks = 4

    public init() {}
}
