import Foundation

/// The forward radiometry of the world's sensor: top-of-atmosphere reflectance → radiance at the
/// sensor → DN, for one scene's illumination. `L = ρ · ESUN_b · cos θs / (π d²)`, then
/// `DN = (L − offset_b) / gain_b`, the absolute calibration `L = gain · DN + offset` read backwards.
///
/// The world makes its DNs with this alone; calibration (in `Inversion`) is tested against it.
public struct SimulatedSensor: Sendable, Equatable {
    /// `L = gain · DN + offset`, W·m⁻²·sr⁻¹·µm⁻¹, per band.
    public let gains: [Double]
    public let offsets: [Double]
    /// Band-averaged exo-atmospheric solar irradiance at 1 AU, W·m⁻²·µm⁻¹, per band.
    public let solarIrradiance: [Double]
    /// Sun zenith (degrees) and Earth–Sun distance (AU) of the scene.
    public let solarZenith: Double
    public let earthSunDistance: Double
    /// Radiance per unit reflectance in each band: `ESUN cos θs / (π d²)`.
    public let radiancePerReflectance: [Double]

    public init(gains: [Double], offsets: [Double], solarIrradiance: [Double], solarZenith: Double, earthSunDistance: Double) {
        precondition(gains.count == offsets.count && gains.count == solarIrradiance.count, "one gain, offset and irradiance per band")
        self.gains = gains
        self.offsets = offsets
        self.solarIrradiance = solarIrradiance
        self.solarZenith = solarZenith
        self.earthSunDistance = earthSunDistance
        let irradianceOnGround = cos(solarZenith * .pi / 180) / (.pi * earthSunDistance * earthSunDistance)
        radiancePerReflectance = solarIrradiance.map { $0 * irradianceOnGround }
    }

    /// The sensor of `parameters`, lit by the sun of the scene.
    public init(parameters p: WorldParameters, solarZenith: Double, earthSunDistance: Double) {
        self.init(gains: p.sensorGains, offsets: p.sensorOffsets, solarIrradiance: p.solarIrradiance,
                  solarZenith: solarZenith, earthSunDistance: earthSunDistance)
    }

    /// Radiance at the sensor from a surface of top-of-atmosphere reflectance `rho`.
    @inlinable public func radiance(reflectance rho: Double, band: Int) -> Double { rho * radiancePerReflectance[band] }

    /// The exact (unrounded, noise-free) DN the sensor records for radiance `l`.
    @inlinable public func dn(radiance l: Double, band: Int) -> Double { (l - offsets[band]) / gains[band] }

    /// The exact (unrounded, noise-free) DN of reflectance `rho`.
    @inlinable public func dn(reflectance rho: Double, band: Int) -> Double { dn(radiance: radiance(reflectance: rho, band: band), band: band) }
}
