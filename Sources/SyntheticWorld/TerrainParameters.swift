import Foundation

/// The terrain of a world made with `regolith synth --terrain` and how it shapes the weathering crust.
/// The README's "The synthetic world" section explains the relations; `world.json` records the values
/// used (under `parameters.terrain`).
public struct TerrainParameters: Sendable, Codable, Equatable {
    // MARK: The DEM (dem.tif)
    /// Highest minus lowest DEM cell, metres; the lowest cell lies at `baseHeight`.
    public var relief = 300.0
    public var baseHeight = 150.0
    /// Correlation range of the height field and spacing of its lattice, metres (see `RandomField`).
    public var range = 1500.0
    public var latticeSpacing = 64.0
    /// DEM cells beyond the scene (an L1A world: beyond the image's ground footprint) on every side.
    public var margin = 16

    // MARK: Regolith (the weathering crust and so the RE2O3 content)
    /// The crust's thickness factor T multiplies the content's background and both zones:
    /// `ln T = −slopeCoefficient · (slope° − referenceSlope)
    ///        + positionCoefficient · clamp(TPI, ±positionLimit)
    ///        − elevationCoefficient · ((z − base) / relief − elevationOptimum)² / elevationWidth²`.
    /// Steep slopes shed their crust, ridge tops and convex upper slopes (TPI > 0) keep it,
    /// incised valleys (TPI < 0) lose it, and the mid-to-upper hills hold the best-preserved profile.
    public var slopeCoefficient = 0.035
    public var referenceSlope = 12.0
    /// Topographic position index: height minus the height smoothed by a Gaussian of this sd (m).
    public var positionSmoothing = 120.0
    public var positionCoefficient = 0.015
    public var positionLimit = 30.0
    public var elevationCoefficient = 0.06
    public var elevationOptimum = 0.6
    public var elevationWidth = 0.35

    // MARK: Land cover
    /// Valley floors are wetter and greener: the vegetation field is raised by this much per metre
    /// of negative TPI (the field has unit sd; vegetation grows where it exceeds 0.55).
    public var valleyVegetation = 0.02

    public init() {}

    /// The terrain an L1A product is made with when the world's content does not depend on it.
    public init(l1a: L1AParameters) {
        relief = l1a.demRelief
        baseHeight = l1a.terrainBaseHeight
        range = l1a.terrainRange
        latticeSpacing = l1a.terrainLatticeSpacing
        margin = l1a.demMargin
    }

    /// The crust's thickness factor T at a point of slope `slope` degrees, topographic position
    /// `position` metres and height `height` metres.
    @inline(__always)
    public func regolithFactor(slope: Double, position: Double, height: Double) -> Double {
        let relative = relief > 0 ? (height - baseHeight) / relief : elevationOptimum
        let band = (relative - elevationOptimum) / elevationWidth
        return exp(-slopeCoefficient * (slope - referenceSlope)
            + positionCoefficient * min(positionLimit, max(-positionLimit, position))
            - elevationCoefficient * band * band)
    }
}
