import Foundation
import RasterIO
import TileEngine

/// What `regolith info` reports about a raster, as text for people and JSON for scripts.
struct RasterSummary: Codable {
    struct Band: Codable {
        var number: Int
        var type: String
        var nodata: Double?
        var block: [Int]
        var description: String
        var overviews: Int
        var statistics: Statistics?
    }

    struct Statistics: Codable {
        var validPixels: Int
        var minimum: Double?
        var maximum: Double?
        var mean: Double?
        var standardDeviation: Double?
    }

    struct Corner: Codable {
        var name: String
        var x: Double, y: Double
        var longitude: Double?, latitude: Double?
    }

    var path: String
    var driver: String
    var width: Int
    var height: Int
    var bandCount: Int
    var compression: String?
    var crs: String?
    var epsg: Int?
    var crsWKT: String?
    /// Unit of the CRS axes ("metre", "degree").
    var unit: String?
    var geoTransform: [Double]?
    var pixelSize: [Double]?
    var extent: [Double]?
    var corners: [Corner]
    var metadataDomains: [String]
    var metadata: [String: String]
    var bands: [Band]

    init(raster: Raster, statistics: [BandStatistics]?) {
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

    /// A readable multi-line summary, like `gdalinfo` but shorter.
    var text: String {
        var lines: [String] = []
        lines.append(path)
        lines.append("  driver       \(driver)\(compression.map { ", \($0) compressed" } ?? "")")
        lines.append("  size         \(width) × \(height) pixels, \(bandCount) band\(bandCount == 1 ? "" : "s")  (\(format(Double(width * height) / 1e6, 2)) Mpixel)")
        if let crs {
            lines.append("  CRS          \(crs)\(epsg.map { " (EPSG:\($0))" } ?? "")")
        } else {
            lines.append("  CRS          none")
        }
        if let pixelSize {
            lines.append("  pixel size   \(format(pixelSize[0], 6)) × \(format(abs(pixelSize[1]), 6))\(unit.map { " \($0)" } ?? "")")
        }
        if let extent {
            lines.append("  extent       x \(format(extent[0], 3)) … \(format(extent[2], 3)),  y \(format(extent[1], 3)) … \(format(extent[3], 3))")
        }
        for corner in corners where corner.longitude != nil {
            let lon = corner.longitude!, lat = corner.latitude!
            lines.append("  \(corner.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(degrees(lon, "E", "W")) \(degrees(lat, "N", "S"))")
        }
        if !metadataDomains.isEmpty {
            lines.append("  metadata     domains: \(metadataDomains.map { $0.isEmpty ? "(default)" : $0 }.joined(separator: ", "))")
        }
        for key in metadata.keys.sorted() where key != "AREA_OR_POINT" {
            lines.append("               \(key)=\(metadata[key]!)")
        }
        lines.append("")
        var header = ["band", "type", "nodata", "block", "description"]
        let hasStatistics = bands.contains { $0.statistics != nil }
        if hasStatistics { header += ["valid", "min", "max", "mean", "std"] }
        var rows = [header]
        for band in bands {
            var row = ["\(band.number)", band.type, band.nodata.map { format($0, 6) } ?? "-",
                       "\(band.block[0])×\(band.block[1])", band.description.isEmpty ? "-" : band.description]
            if let s = band.statistics {
                row += ["\(s.validPixels)", s.minimum.map { format($0, 4) } ?? "-", s.maximum.map { format($0, 4) } ?? "-",
                        s.mean.map { format($0, 4) } ?? "-", s.standardDeviation.map { format($0, 4) } ?? "-"]
            }
            rows.append(row)
        }
        lines += table(rows)
        return lines.joined(separator: "\n")
    }
}

private func format(_ value: Double, _ significant: Int) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(format: "%.\(significant)g", value)
}

private func degrees(_ value: Double, _ positive: String, _ negative: String) -> String {
    String(format: "%10.6f°%@", abs(value), value >= 0 ? positive : negative)
}

/// Left-aligned columns separated by two spaces.
private func table(_ rows: [[String]]) -> [String] {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
}
