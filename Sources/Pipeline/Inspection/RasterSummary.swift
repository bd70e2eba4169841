import Foundation
import RasterIO
import TileEngine

/// What `regolith info` reports about a raster, as text for people and JSON for scripts.
public struct RasterSummary: Codable {
    public struct Band: Codable {
        public var number: Int
        public var type: String
        public var nodata: Double?
        public var block: [Int]
        public var description: String
        public var overviews: Int
        public var statistics: Statistics?
    }

    public struct Statistics: Codable {
        public var validPixels: Int
        public var minimum: Double?
        public var maximum: Double?
        public var mean: Double?
        public var standardDeviation: Double?
    }

    public struct Corner: Codable {
        public var name: String
        public var x: Double, y: Double
        public var longitude: Double?, latitude: Double?
    }

    public var path: String
    public var driver: String
    public var width: Int
    public var height: Int
    public var bandCount: Int
    public var compression: String?
    public var crs: String?
    public var epsg: Int?
    public var crsWKT: String?
    /// Unit of the CRS axes ("metre", "degree").
    public var unit: String?
    public var geoTransform: [Double]?
    public var pixelSize: [Double]?
    public var extent: [Double]?
    public var corners: [Corner]
    public var metadataDomains: [String]
    public var metadata: [String: String]
    public var bands: [Band]
    /// The GF-2 product the raster is the MSS image of, when it was given as one.
    public var product: ProductSummary?

    public init(raster: Raster, statistics: [BandStatistics]?, product: ProductSummary? = nil) {
        self.product = product
        path = raster.path
        driver = raster.driverName
        width = raster.width
        height = raster.height
        bandCount = raster.bandCount
        compression = raster.compression
        crs = raster.spatialReference?.name
        epsg = raster.spatialReference?.epsg
        crsWKT = raster.spatialReference?.wkt
        unit = raster.spatialReference?.unitName
        geoTransform = raster.geoTransform?.coefficients
        pixelSize = raster.geoTransform.map { [$0.pixelWidth, $0.pixelHeight] }
        extent = raster.extent.map { [$0.minX, $0.minY, $0.maxX, $0.maxY] }
        corners = Self.corners(of: raster)
        metadataDomains = raster.metadataDomains
        metadata = Dictionary(raster.metadata().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        bands = raster.bands.enumerated().map { index, band in
            Band(number: band.number, type: band.pixelType.name, nodata: band.nodata,
                 block: [band.blockWidth, band.blockHeight], description: band.description,
                 overviews: band.overviewCount,
                 statistics: statistics.map { all in
                     let s = all[index]
                     return Statistics(validPixels: s.count, minimum: s.count > 0 ? s.minimum : nil,
                                       maximum: s.count > 0 ? s.maximum : nil, mean: s.count > 0 ? s.mean : nil,
                                       standardDeviation: s.standardDeviation)
                 })
        }
    }

    private static func corners(of raster: Raster) -> [Corner] {
        guard let transform = raster.geoTransform else { return [] }
        let named: [(String, Double, Double)] = [
            ("upper left", 0, 0), ("upper right", Double(raster.width), 0),
            ("lower left", 0, Double(raster.height)), ("lower right", Double(raster.width), Double(raster.height)),
            ("center", Double(raster.width) / 2, Double(raster.height) / 2),
        ]
        let points = named.map { transform.map(column: $0.1, row: $0.2) }
        var geographic: [(x: Double, y: Double)]? = nil
        if let srs = raster.spatialReference {
            geographic = try? CoordinateTransformer(from: srs, to: .wgs84).transform(points)
        }
        return named.indices.map { i in
            Corner(name: named[i].0, x: points[i].x, y: points[i].y,
                   longitude: geographic?[i].x, latitude: geographic?[i].y)
        }
    }
}
