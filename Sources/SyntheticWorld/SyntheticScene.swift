import Foundation
import RasterIO

/// A synthetic GF-2 PMS scene: the world model placed on a UTM grid, with its product name and
/// the metadata XML a real product carries.
public struct SyntheticScene: Sendable {
    public private(set) var model: WorldModel
    public let metadata: ProductMetadata
    public let geoTransform: GeoTransform
    public let spatialReference: SpatialReference
    /// e.g. `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1` (no extension).
    public let productName: String

    public var width: Int { model.columns }
    public var height: Int { model.rows }

    public init(width: Int, height: Int, seed: UInt64, parameters p: WorldParameters = WorldParameters()) throws {
        guard width >= 64, height >= 64 else {
            throw SynthError("a synthetic scene needs at least 64 × 64 pixels, got \(width) × \(height)")
        }
        guard let time = AcquisitionTime(p.acquisitionTime) else {
            throw SynthError("acquisition time '\(p.acquisitionTime)' is not 'yyyy-MM-dd HH:mm:ss'")
        }
        let utm = try SpatialReference.utm(longitude: p.centerLongitude, latitude: p.centerLatitude)
        let toUTM = try CoordinateTransformer(from: .wgs84, to: utm)
        let center = try toUTM.transform(x: p.centerLongitude, y: p.centerLatitude)
        let ps = p.pixelSize
        let originX = ((center.x - Double(width) * ps / 2) / ps).rounded() * ps
        let originY = ((center.y + Double(height) * ps / 2) / ps).rounded() * ps
        let transform = GeoTransform(originX: originX, originY: originY, pixelWidth: ps, pixelHeight: ps)
        let toLonLat = try CoordinateTransformer(from: utm, to: .wgs84)
        let corners = try toLonLat.transform([(0.0, 0.0), (Double(width), 0), (Double(width), Double(height)), (0, Double(height))]
            .map { transform.map(column: $0.0, row: $0.1) })
        let sceneCenter = try toLonLat.transform(x: originX + Double(width) * ps / 2, y: originY - Double(height) * ps / 2)
        let sun = SunPosition(at: time, longitude: sceneCenter.x, latitude: sceneCenter.y)
        let hash = WorldHash(seed: seed)
        // Angles are rounded as the XML prints them, and the DNs are made with the printed sun
        // zenith, so the XML holds exactly the illumination of the DNs.
        func r6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        let productID = 5_218_440 + Int(seed % 1_000_000)
        let day = String(time.text.prefix(10)).replacingOccurrences(of: "-", with: "")
        productName = Self.productName(parameters: p, longitude: sceneCenter.x, latitude: sceneCenter.y, day: day, productID: productID) + "-MSS1"
        metadata = ProductMetadata(
            satelliteID: p.satelliteID, sensorID: p.sensorID, receiveTime: time,
            solarZenith: r6(sun.zenith), solarAzimuth: r6(sun.azimuth),
            satelliteZenith: r6(1 + 7 * hash.uniform(Stream.satellite.rawValue, 1)),
            satelliteAzimuth: r6(360 * hash.uniform(Stream.satellite.rawValue, 2)),
            widthInPixels: width, heightInPixels: height,
            corners: corners.map { .init(longitude: r6($0.x), latitude: r6($0.y)) },
            otherTags: Self.otherTags(productID: productID, pixelSize: ps, cloudPercent: 0, utm: utm, seed: seed))
        let sensor = SimulatedSensor(parameters: p, solarZenith: metadata.solarZenith, earthSunDistance: sun.earthSunDistance)
        model = WorldModel(columns: width, rows: height, seed: seed, parameters: p, sensor: sensor)
        geoTransform = transform
        spatialReference = utm
    }

    /// The CRESDA product name (without `-MSS1`), e.g. `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441`;
    /// `day` is `yyyyMMdd`.
    static func productName(parameters p: WorldParameters, longitude: Double, latitude: Double, day: String, productID: Int) -> String {
        String(format: "%@_%@_E%.1f_N%.1f_%@_L1A%010d", p.satelliteID, p.sensorID, longitude, latitude, day, productID)
    }

    /// The product XML's tags after `ReceiveTime`, as the world's products carry them.
    static func otherTags(productID: Int, pixelSize: Double, cloudPercent: Int, utm: SpatialReference, seed: UInt64) -> [(tag: String, value: String)] {
        [("ProductID", "\(productID)"), ("ProductLevel", "LEVEL1A"), ("ProductFormat", "GEOTIFF"),
         ("Bands", "1,2,3,4"), ("ImageGSD", "\(pixelSize)"), ("CloudPercent", "\(cloudPercent)"),
         ("MapProjection", "UTM"), ("EarthEllipsoid", "WGS84"), ("ZoneNo", "\(utm.epsg.map { $0 % 100 } ?? 0)"),
         ("GeneratedBy", "regolith synth (synthetic world, seed \(seed))")]
    }

    /// The same scene in a world with terrain (`regolith synth --terrain`): a DEM covering the scene
    /// (an L1A world's: its products' footprints, by default the scene's own product) plus
    /// `terrain.margin` cells, which shapes the crust.
    public func withTerrain(_ terrain: TerrainParameters, l1a: L1AParameters? = nil, acquisitions: [ProductAcquisition]? = nil) -> SyntheticScene {
        let m = terrain.margin
        let extent = l1a.map { L1AProductWriter.demExtent(scene: self, acquisitions: acquisitions, parameters: $0, terrain: terrain) }
            ?? Window(x: -m, y: -m, width: width + 2 * m, height: height + 2 * m)
        var parameters = model.parameters
        parameters.terrain = terrain
        let field = TerrainField(seed: model.seed, parameters: terrain, extent: extent, pixelSize: geoTransform.pixelWidth)
        var scene = self
        scene.model = WorldModel(columns: width, rows: height, seed: model.seed, parameters: parameters, sensor: model.sensor,
                                 terrain: field)
        return scene
    }

    /// Scene-local metres (x east, y south from the north-west corner) to map coordinates.
    public func mapPoint(x: Double, y: Double) -> (x: Double, y: Double) {
        (geoTransform.originX + x, geoTransform.originY - y)
    }
}

public struct SynthError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
