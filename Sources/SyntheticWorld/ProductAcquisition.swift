import RasterIO

/// One L1A product of a world: the part of the world's grid its image must cover, when it was
/// taken (its XML: time, sun and satellite angles, cloud cover), the sensor calibration its DNs are
/// made with, the seed of its own sensor noise, and the clouds over it, if any.
///
/// A single-scene world has one, covering the whole scene (`SyntheticScene.acquisition`); a
/// province (`SyntheticProvince`) has one per product, each over its part of one world.
public struct ProductAcquisition: Sendable {
    /// The world-grid pixels the image covers at any height of the terrain (it sees a little more).
    public var window: Window
    /// The CRESDA product name, e.g. `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441`.
    public var productName: String
    /// The product's XML as taken; the writer sets each image's size, corners and GSD.
    public var metadata: ProductMetadata
    /// Reflectance → DN with this product's calibration and sun.
    public var sensor: SimulatedSensor
    /// Seeds the product's sensor noise (and its RPC check points), so overlapping products see
    /// the same ground with independent noise.
    public var noiseSeed: UInt64
    public var clouds: CloudLayer?

    public init(window: Window, productName: String, metadata: ProductMetadata, sensor: SimulatedSensor, noiseSeed: UInt64,
                clouds: CloudLayer? = nil) {
        self.window = window
        self.productName = productName
        self.metadata = metadata
        self.sensor = sensor
        self.noiseSeed = noiseSeed
        self.clouds = clouds
    }
}

extension SyntheticScene {
    /// The scene's own product: the whole scene, with the scene's metadata and sensor.
    public var acquisition: ProductAcquisition {
        ProductAcquisition(window: Window(width: width, height: height), productName: String(productName.dropLast("-MSS1".count)),
                           metadata: metadata, sensor: model.sensor, noiseSeed: model.seed)
    }
}
