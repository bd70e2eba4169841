import RasterIO
import Testing
import TestSupport

@Suite("Coordinate transforms")
struct CoordinateTransformTests {
    /// pyproj's values (tools/reference-crs.py), lon/lat in traditional GIS order.
    @Test func utm48NMatchesPyproj() throws {
        let rows = try Fixtures.csv("reference/crs-utm48n.csv")
        #expect(rows.count >= 5)
        let forward = try CoordinateTransformer(from: .wgs84, to: SpatialReference("EPSG:32648"))
        let backward = try CoordinateTransformer(from: SpatialReference("EPSG:32648"), to: .wgs84)
        for row in rows {
            let lon = Double(row["lon"]!)!, lat = Double(row["lat"]!)!
            let e = Double(row["easting"]!)!, n = Double(row["northing"]!)!
            let utm = try forward.transform(x: lon, y: lat)
            // Measured: ≤ 3.4e-7 m (the CSV holds micrometres) and ≤ 3.1e-12° back.
            #expect(abs(utm.x - e) < 3e-6 && abs(utm.y - n) < 3e-6, "\(lon), \(lat) → \(utm) expected \(e), \(n)")
            let back = try backward.transform(x: e, y: n)
            #expect(abs(back.x - lon) < 3e-11 && abs(back.y - lat) < 3e-11, "\(e), \(n) → \(back)")
        }
    }

    @Test func centralMeridianOnTheEquator() throws {
        let utm = try CoordinateTransformer(from: .wgs84, to: SpatialReference("EPSG:32648")).transform(x: 105, y: 0)
        // Measured: 2.9e-9 m east, 0 north.
        #expect(abs(utm.x - 500_000) < 3e-8 && abs(utm.y) < 3e-8)
    }

    @Test func utmZoneOfTheStudyArea() throws {
        #expect(try SpatialReference.utm(longitude: 107.22, latitude: 22.46).epsg == 32648)
        #expect(try SpatialReference.utm(longitude: -70.5, latitude: -33.4).epsg == 32719)
    }

    @Test func crsComparisonAndParsing() throws {
        let a = try SpatialReference("EPSG:32648")
        let b = try SpatialReference("+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs")
        #expect(a.isSame(as: b))
        #expect(!a.isSame(as: .wgs84))
        #expect(SpatialReference.wgs84.isGeographic)
        #expect(a.unitName == "metre")
        let error = #expect(throws: RasterError.self) { try SpatialReference("EPSG:not-a-code") }
        #expect(error?.kind == .invalidArgument)
    }
}
