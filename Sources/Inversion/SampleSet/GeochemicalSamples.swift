import Foundation
import Geostatistics
import RasterIO

/// Drill samples as a field team delivers them (`id,lon,lat,re2o3` in WGS 84, or x/y columns in a
/// named CRS; any delimiter and line ends a spreadsheet writes), placed in a scene's CRS.
public struct GeochemicalSamples: Sendable {
    public let path: String
    public let ids: [String]
    /// Coordinates in the target CRS.
    public let x: [Double]
    public let y: [Double]
    public let values: [Double]
    public let valueColumn: String
    /// The CRS the file's coordinates are in.
    public let sourceCRS: SpatialReference
    /// File line of each sample, for messages.
    public let lines: [Int]

    /// Reads `path`; coordinates come from the columns `format` names or recognises (`lon`/`lat`,
    /// `x`/`y`, …) in `sourceCRS` (WGS 84 longitude/latitude by default) and are transformed to
    /// `targetCRS`. Sample ids (an `id` column) must be unique.
    public init(path: String, valueColumn: String = "re2o3", sourceCRS: SpatialReference = .wgs84,
                targetCRS: SpatialReference?, format: SampleTableFormat = SampleTableFormat()) throws {
        let table = try CSVTable(path: path, delimiter: format.delimiter)
        let geographic = sourceCRS.isGeographic
        let (xColumn, yColumn) = try format.coordinateColumns(in: table, geographic: geographic)
        let xs = try table.numbers(table.header[xColumn]), ys = try table.numbers(table.header[yColumn])
        let values = try table.numbers(valueColumn)
        let idColumn = table.columnIfPresent("id")
        if idColumn != nil { try table.requireUnique("id", what: "sample id") }
        ids = table.rows.enumerated().map { i, row in idColumn.map { row.fields[$0] } ?? "row \(i + 1)" }
        lines = table.rows.map(\.line)
        if geographic {
            for (i, row) in table.rows.enumerated() where abs(xs[i]) > 180 || abs(ys[i]) > 90 {
                throw CSVTable.Failure(path: path, line: row.line,
                                       message: "(\(xs[i]), \(ys[i])) in columns '\(table.header[xColumn])', '\(table.header[yColumn])' is not a longitude/latitude; give the samples' CRS with --samples-crs")
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
        self.sourceCRS = sourceCRS
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

    /// The samples' bounding box in the target CRS.
    public var extent: MapExtent {
        MapExtent(minX: x.min() ?? .nan, minY: y.min() ?? .nan, maxX: x.max() ?? .nan, maxY: y.max() ?? .nan)
    }

    /// Refuses samples none of which lies in the scene's extent or within `margin` map units of it,
    /// saying where the samples are and where the scene is, in the scene's CRS: samples far away or
    /// in another CRS than the one given would otherwise krige a constant map.
    public func requireNear(scene: String, extent sceneExtent: MapExtent, crs: SpatialReference?, margin: Double) throws {
        let near = MapExtent(minX: sceneExtent.minX - margin, minY: sceneExtent.minY - margin,
                             maxX: sceneExtent.maxX + margin, maxY: sceneExtent.maxY + margin)
        guard !zip(x, y).contains(where: { near.contains(x: $0, y: $1) }) else { return }
        let geographic = crs?.isGeographic ?? false
        func describe(_ e: MapExtent) -> String {
            let f = geographic ? "%.5f" : "%.1f"
            return String(format: "x \(f)…\(f), y \(f)…\(f)", e.minX, e.maxX, e.minY, e.maxY)
        }
        let unit = crs?.unitName ?? "map units"
        let within = margin > 0 ? " or within \(String(format: "%g", margin)) \(unit.hasSuffix("s") ? unit : unit + "s") of" : ""
        throw CSVTable.Failure(path: path, line: nil, message: "no sample lies in\(within) \(scene): the samples span \(describe(extent)), the scene \(describe(sceneExtent)) (\(crs?.description ?? "the scene's map coordinates")); check the coordinates and their CRS (--samples-crs, here \(sourceCRS.description))")
    }
}
