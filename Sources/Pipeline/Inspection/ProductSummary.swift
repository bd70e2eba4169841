import Foundation
import Inversion
import RasterIO

/// What `regolith info` reports about a GF-2 product: what was found in it, and the facts of its
/// metadata XML that calibration and orthorectification use.
public struct ProductSummary: Codable {
    public struct Image: Codable {
        public var raster: String
        public var rpc: String?
        public var metadata: String?
        public var width: Int
        public var height: Int
        public var bands: Int
        /// Whether the image is mapped: by a geotransform in a CRS, or through its RPC from sensor geometry.
        public var georeferenced: Bool
        public var hasRPC: Bool
        public var crs: String?

        init(_ image: ProductImage) throws {
            let raster = try Raster.open(image.raster)
            self.raster = image.raster
            rpc = image.rpc
            metadata = image.metadata
            (width, height, bands) = (raster.width, raster.height, raster.bandCount)
            georeferenced = raster.geoTransform != nil
            hasRPC = !raster.metadata(domain: "RPC").isEmpty
            crs = raster.spatialReference?.name
        }
    }

    public var source: String
    public var name: String
    public var satellite: String?
    public var sensor: String?
    /// Acquisition time, UTC, "yyyy-MM-dd HH:mm:ss".
    public var acquired: String?
    public var solarZenith: Double?
    public var solarAzimuth: Double?
    public var satelliteZenith: Double?
    /// Why the MSS image's XML could not be read, when it could not.
    public var metadataProblem: String?
    public var mss: Image
    public var pan: Image?

    public init(_ product: GF2Product) throws {
        source = product.source
        name = product.name
        mss = try Image(product.mss)
        pan = try product.pan.map(Image.init)
        guard let xml = product.mss.metadata else {
            metadataProblem = "no metadata XML beside the MSS image"
            return
        }
        do {
            let metadata = try GF2Metadata.read(xml)
            (satellite, sensor) = (metadata.satelliteID, metadata.sensorID)
            let format = DateFormatter()
            (format.dateFormat, format.timeZone, format.locale) = ("yyyy-MM-dd HH:mm:ss", TimeZone(identifier: "UTC"), Locale(identifier: "en_US_POSIX"))
            acquired = format.string(from: metadata.receiveTime)
            (solarZenith, solarAzimuth, satelliteZenith) = (metadata.solarZenith, metadata.solarAzimuth, metadata.satelliteZenith)
        } catch {
            metadataProblem = "\(error)"
        }
    }
}
