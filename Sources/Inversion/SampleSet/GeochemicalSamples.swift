import Foundation
import Geostatistics
import RasterIO

/// Drill samples as a field team delivers them (`id,lon,lat,re2o3` in WGS 84, or x/y columns in a
/// named CRS), placed in a scene's CRS.
public struct GeochemicalSamples: Sendable {
    public let path: String
    public let ids: [String]
    /// Coordinates in the target CRS.
    public let x: [Double]
    public let y: [Double]
    public let values: [Double]
    public let valueColumn: String
    /// File line of each sample, for messages.
    public let lines: [Int]

    /// Reads `path`; coordinates come from `lon`/`lat` (or `x`/`y`) columns in `sourceCRS`
    /// (WGS 84 longitude/latitude by default) and are transformed to `targetCRS`.
    public init(path: String, valueColumn: String = "re2o3", sourceCRS: SpatialReference = .wgs84,
                targetCRS: SpatialReference?) throws {
        let table = try CSVTable(path: path)
        let lower = table.header.map { $0.lowercased() }
        let xName = lower.contains("lon") ? "lon" : lower.contains("longitude") ? "longitude" : "x"
        let yName = lower.contains("lat") ? "lat" : lower.contains("latitude") ? "latitude" : "y"
        let xs = try table.numbers(xName), ys = try table.numbers(yName)
        let values = try table.numbers(valueColumn)
        let idColumn = lower.firstIndex(of: "id")
        ids = table.rows.enumerated().map { i, row in idColumn.map { row.fields[$0] } ?? "row \(i + 1)" }
        lines = table.rows.map(\.line)
        if sourceCRS.isGeographic {
            for (i, row) in table.rows.enumerated() where abs(xs[i]) > 180 || abs(ys[i]) > 90 {
                throw CSVTable.Failure(path: path, line: row.line,
                                       message: "(\(xs[i]), \(ys[i])) is not a longitude/latitude; give the samples' CRS with --samples-crs")
            }
        }
        var points = zip(xs, ys).map { (x: $0, y: $1) }
        if let targetCRS, !targetCRS.isSame(as: sourceCRS) {
            points = try CoordinateTransformer(from: sourceCRS, to: targetCRS).transform(points)
        }
        x = points.map(\.x)
        y = points.map(\.y)
        self.values = values
        self.valueColumn = valueColumn
        self.path = path
    }

    public var count: Int { values.count }

    /// The samples for kriging; duplicate locations are refused naming both samples, or averaged.
    public func spatialSamples(mergeDuplicates: Bool) throws -> SpatialSamples {
        do {
            return try SpatialSamples(x: x, y: y, z: values, duplicates: mergeDuplicates ? .merge : .reject)
        } catch let GeostatisticsError.duplicateLocation(first, second, _, _) {
            throw CSVTable.Failure(path: path, line: lines[second],
                                   message: "sample \(ids[second]) is at the same place as \(ids[first]) (line \(lines[first])); average them with --merge-duplicates")
        }
    }
}
