import Foundation

/// A catalogue of products as a STAC ItemCollection (a GeoJSON FeatureCollection of STAC 1.0.0
/// Items, with the `eo` and `view` extensions), as a province's `catalogue.json`: one Item per
/// product with its id (the product name), acquisition time, cloud cover, view and sun angles,
/// footprint (the MSS image's corners on the terrain, as its XML gives them) and the product
/// tarball as its `product` asset, by a href relative to the catalogue.
public struct STACItemCollection: Codable, Sendable {
    public var type = "FeatureCollection"
    public var features: [Item]

    public struct Item: Codable, Sendable {
        public var type = "Feature"
        public var stacVersion = "1.0.0"
        public var stacExtensions = ["https://stac-extensions.github.io/eo/v1.1.0/schema.json",
                                     "https://stac-extensions.github.io/view/v1.0.0/schema.json"]
        public var id: String
        public var bbox: [Double]
        public var geometry: Polygon
        public var properties: Properties
        public var links: [String] = []
        public var assets: [String: Asset]

        enum CodingKeys: String, CodingKey {
            case type, stacVersion = "stac_version", stacExtensions = "stac_extensions", id, bbox, geometry, properties, links, assets
        }
    }

    public struct Polygon: Codable, Sendable {
        public var type = "Polygon"
        /// One ring, counter-clockwise, closed: [[longitude, latitude], …].
        public var coordinates: [[[Double]]]
    }

    public struct Properties: Codable, Sendable {
        /// RFC 3339, UTC: `2016-11-03T03:12:09Z`.
        public var datetime: String
        public var platform: String
        public var instruments: [String]
        public var gsd: Double
        public var cloudCover: Double
        public var incidenceAngle: Double
        public var offNadir: Double
        public var viewAzimuth: Double
        public var sunAzimuth: Double
        public var sunElevation: Double

        enum CodingKeys: String, CodingKey {
            case datetime, platform, instruments, gsd, cloudCover = "eo:cloud_cover", incidenceAngle = "view:incidence_angle",
                 offNadir = "view:off_nadir", viewAzimuth = "view:azimuth", sunAzimuth = "view:sun_azimuth",
                 sunElevation = "view:sun_elevation"
        }
    }

    public struct Asset: Codable, Sendable {
        public var href: String
        public var type: String
        public var title: String
        public var roles: [String]
    }

    /// Items for products, each given by its id, the tarball's file name (beside the catalogue) and
    /// its MSS image's XML.
    public init(products: [(id: String, file: String, metadata: ProductMetadata)], orbitHeight: Double) {
        features = products.map { id, file, m in
            // XML corners run top left, top right, bottom right, bottom left (clockwise on a map):
            // reversed for GeoJSON's counter-clockwise outer ring.
            let ring = [m.corners[0], m.corners[3], m.corners[2], m.corners[1], m.corners[0]].map { [$0.longitude, $0.latitude] }
            let longitudes = m.corners.map(\.longitude), latitudes = m.corners.map(\.latitude)
            let t = m.receiveTime.text
            return Item(id: id, bbox: [longitudes.min()!, latitudes.min()!, longitudes.max()!, latitudes.max()!],
                        geometry: Polygon(coordinates: [ring]),
                        properties: Properties(datetime: "\(t.prefix(10))T\(t.suffix(8))Z", platform: m.satelliteID.lowercased().replacingOccurrences(of: "gf", with: "gf-"),
                                               instruments: [m.sensorID.lowercased()], gsd: Double(m.tag("ImageGSD") ?? "") ?? 4,
                                               cloudCover: Double(m.tag("CloudPercent") ?? "") ?? 0, incidenceAngle: m.satelliteZenith,
                                               offNadir: (m.offNadir(orbitHeight: orbitHeight) * 1e6).rounded() / 1e6,
                                               viewAzimuth: m.satelliteAzimuth, sunAzimuth: m.solarAzimuth,
                                               sunElevation: ((90 - m.solarZenith) * 1e6).rounded() / 1e6),
                        assets: ["product": Asset(href: "./\(file)", type: "application/gzip",
                                                  title: "CRESDA L1A product: MSS and PAN images with their RPC (.rpb) and metadata (.xml)",
                                                  roles: ["data"])])
        }
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
