import Foundation
import RasterIO

/// `province.json`: how a province's products were laid over its world (`SyntheticProvince`), for
/// tests and reports: each product's window on the truth grid, acquisition, calibration, clouds,
/// and its image's camera and RPC fit.
struct ProvinceDescription: Codable {
    var rows: Int
    var columns: Int
    var productWidth: Int
    var productHeight: Int
    /// Pixels shared by neighbours across and down.
    var overlap: [Int]
    /// The truth grid (truth/*.tif): size and geotransform.
    var width: Int
    var height: Int
    var geoTransform: [Double]
    var cloudyProduct: String
    var products: [Product]

    struct Product: Codable {
        var name: String
        var file: String
        /// [x, y, width, height] on the truth grid: the ground the product is made to cover.
        var window: [Int]
        var receiveTime: String
        var calibrationYear: Int
        var gains: [Double]
        var solarZenith: Double
        var solarAzimuth: Double
        var satelliteZenith: Double
        var satelliteAzimuth: Double
        var cloudPercent: Int
        var l1a: L1AProductSummary
    }

    init(province: SyntheticProvince, files: [String], summaries: [L1AProductSummary]) {
        rows = province.rows
        columns = province.columns
        productWidth = province.productWidth
        productHeight = province.productHeight
        overlap = [province.overlapX, province.overlapY]
        width = province.scene.width
        height = province.scene.height
        geoTransform = province.scene.geoTransform.coefficients
        cloudyProduct = province.acquisitions[province.cloudyProduct].productName
        products = province.acquisitions.indices.map { k in
            let a = province.acquisitions[k], m = a.metadata
            return Product(name: a.productName, file: (files[k] as NSString).lastPathComponent,
                           window: [a.window.x, a.window.y, a.window.width, a.window.height], receiveTime: m.receiveTime.text,
                           calibrationYear: province.calibrationYears[k], gains: a.sensor.gains, solarZenith: m.solarZenith,
                           solarAzimuth: m.solarAzimuth, satelliteZenith: m.satelliteZenith, satelliteAzimuth: m.satelliteAzimuth,
                           cloudPercent: Int(m.tag("CloudPercent") ?? "") ?? 0, l1a: summaries[k])
        }
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
