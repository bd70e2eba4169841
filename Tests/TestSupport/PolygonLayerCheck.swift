import Foundation

/// What GDAL's own tools say about a polygon layer: validity by GEOS (`ST_IsValid` in ogrinfo's
/// SQLite dialect) and the rings of every polygon (ogrinfo's WKT), independent of the code that
/// wrote the layer.
public struct PolygonLayerCheck {
    public let path: String
    public let layer: String
    private let ogrinfo: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ path: String, layer: String) throws {
        guard let ogrinfo = ChildProcess.which("ogrinfo") else { throw Failure(description: "ogrinfo (gdal-bin) is not installed") }
        self.path = path
        self.layer = layer
        self.ogrinfo = ogrinfo
    }

    private func query(_ sql: String) throws -> String {
        let result = try ChildProcess.run(ogrinfo, ["-q", "-dialect", "SQLite", "-sql", sql, path])
        guard result.status == 0 else { throw Failure(description: "ogrinfo \(sql): \(result.stderr)") }
        return result.stdout
    }

    /// The values of one integer column of a query's rows.
    private func integers(_ sql: String, column: String) throws -> [Int] {
        try query(sql).components(separatedBy: "\n").filter { $0.contains("\(column) (Integer") }
            .map { Int($0.components(separatedBy: "=").last!.trimmingCharacters(in: .whitespaces))! }
    }

    /// The number of features, and how many of them GEOS finds invalid.
    public func validity() throws -> (features: Int, invalid: Int) {
        let features = try integers("SELECT COUNT(*) AS n FROM \(layer)", column: "n")
        let invalid = try integers("SELECT COUNT(*) AS n FROM \(layer) WHERE NOT ST_IsValid(geom)", column: "n")
        guard features.count == 1, invalid.count == 1 else { throw Failure(description: "\(path): no counts from ogrinfo") }
        return (features[0], invalid[0])
    }

    /// Every polygon of every feature as rings of (x, y), exterior first, from ogrinfo's WKT.
    public func polygons() throws -> [[[(x: Double, y: Double)]]] {
        let result = try ChildProcess.run(ogrinfo, ["-q", "-al", path, layer])
        guard result.status == 0 else { throw Failure(description: "ogrinfo -al: \(result.stderr)") }
        var polygons: [[[(x: Double, y: Double)]]] = []
        for line in result.stdout.components(separatedBy: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("MULTIPOLYGON") || text.hasPrefix("POLYGON") else { continue }
            let multi = text.hasPrefix("MULTIPOLYGON")
            // Depth of parentheses: rings open at 3 in a multipolygon, 2 in a polygon.
            let ringDepth = multi ? 3 : 2
            var depth = 0, ring = "", current: [[(x: Double, y: Double)]] = []
            for character in text {
                if character == "(" {
                    depth += 1
                    if depth == ringDepth - 1 { current = [] }
                    if depth == ringDepth { ring = "" }
                } else if character == ")" {
                    if depth == ringDepth {
                        current.append(ring.split(separator: ",").map { pair in
                            let xy = pair.split(separator: " ").compactMap { Double($0) }
                            return (x: xy[0], y: xy[1])
                        })
                    }
                    if depth == ringDepth - 1 { polygons.append(current) }
                    depth -= 1
                } else if depth == ringDepth {
                    ring.append(character)
                }
            }
        }
        return polygons
    }

    /// The area of a closed ring (shoelace formula), positive whatever its orientation.
    public static func area(_ ring: [(x: Double, y: Double)]) -> Double {
        guard ring.count > 2 else { return 0 }
        var twice = 0.0
        for i in 0..<ring.count {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// The areas of all interior rings (holes).
    public func holeAreas() throws -> [Double] {
        try polygons().flatMap { $0.dropFirst().map(Self.area) }
    }
}
