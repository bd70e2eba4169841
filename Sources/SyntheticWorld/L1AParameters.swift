/// The coefficients of a synthetic L1A product (`regolith synth --level L1A`): its terrain, camera
/// geometry, PAN radiometry and RPC fit. `world.json` records the values used.
public struct L1AParameters: Sendable, Codable, Equatable {
    // MARK: Terrain (dem.tif)
    /// Highest minus lowest DEM cell, metres.
    public var demRelief = 300.0
    /// The lowest DEM cell, metres (the study area's valleys lie at about 150 m).
    public var terrainBaseHeight = 150.0
    /// Correlation range of the terrain field and spacing of its lattice, metres: hills a few hundred
    /// metres across, slopes far below the 1 / tan(view zenith) the sensor model's inversion needs.
    public var terrainRange = 1500.0
    public var terrainLatticeSpacing = 64.0
    /// DEM cells beyond the L1A image's ground footprint on every side.
    public var demMargin = 16

    // MARK: Camera (see `L1AGeometry`)
    /// Image axes against the map, degrees: GF-2's sun-synchronous orbit (inclination 97.9°) crosses
    /// 22.5° N about 10° off north, and a push-broom camera's lines run across the track.
    public var rotation = 10.5
    public var skew = 1.5
    /// Line spacing / sample spacing.
    public var alongTrackScale = 1.06
    /// PAN pixels per MSS pixel along each axis (GF-2 PMS: 1 m PAN, 4 m MSS).
    public var panFactor = 4

    // MARK: PAN radiometry
    /// The PAN band's radiance is a weighted mean of the MSS bands' radiances (blue, green, red,
    /// NIR) at the PAN pixel's ground point; the weights are each band's width (70, 70, 60, 120 nm)
    /// over their sum, the PAN band (450–900 nm) spanning all four.
    public var panWeights = [0.21875, 0.21875, 0.1875, 0.375]
    /// `L = gain · DN + offset` of GF-2 PMS1's PAN band, CRESDA's 2018 figure (the MSS gains'
    /// year), as the 2018 GF-2 row of OKzsy/work `auto_process/atm/atm_GF2.py` lists it
    /// ([PAN, B1…B4] = [0.1725, 0.1356, 0.1736, 0.1644, 0.1788]).
    public var panGain = 0.1725
    public var panOffset = 0.0

    // MARK: RPC fit
    /// Fit grid: image positions per axis × height layers, over the image and the DEM's heights
    /// widened by `rpcHeightMargin` metres each way; then `rpcCheckPoints` random positions.
    public var rpcGridSize = 21
    public var rpcHeightLayers = 7
    public var rpcHeightMargin = 100.0
    public var rpcCheckPoints = 2000

    public init() {}
}
