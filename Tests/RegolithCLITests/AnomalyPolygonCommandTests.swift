import Foundation
import RasterIO
import Testing
import TestSupport

/// `regolith anomalies` on a salt-and-pepper map of a small synthetic world (its true content plus
/// seeded noise, as a CNN map looks): valid polygons, no small holes, RFC 7946 GeoJSON, and the
/// smoothing does not lose the true zones.
@Suite("regolith anomalies: valid polygons")
struct AnomalyPolygonCommandTests {
    /// A 300 × 300 seed-3 world's true content with uniform noise of ± 1.5 (the content's spread is
    /// about 1; seeded).
    static func noisyWorld(in dir: TemporaryDirectory) throws -> (map: String, zones: String) {
        let synth = try ChildProcess.regolith(["synth", "--width", "300", "--height", "300", "--seed", "3", "--out", dir.file("world"), "--quiet"])
        try #require(synth.status == 0, "\(synth.stderr)")
        let truth = try Raster.open(dir.file("world/truth/re2o3.tif"))
        var values = try truth.read(truth.fullWindow, as: Float.self)
        var random = SeededGenerator(seed: 3)
        for i in values.indices { values[i] += Float(Double(random.next() % 3001) / 1000 - 1.5) }
        let spec = RasterSpec(like: truth, bandCount: 1, pixelType: .float32, nodata: -9999, bandDescriptions: ["noisy content"])
        let output = try GeoTIFFOutput(creating: dir.file("map.tif"), spec: spec)
        try output.raster.write(truth.fullWindow, from: values)
        try output.commit()
        return (dir.file("map.tif"), dir.file("world/truth/zones.tif"))
    }

    /// The IoU of all areas' pixels with all true zones' pixels.
    static func zoneIoU(labels: String, zones: String) throws -> Double {
        let l = try Raster.open(labels), z = try Raster.open(zones)
        let rank = try l.read(l.fullWindow, as: UInt32.self), zone = try z.read(z.fullWindow, as: UInt8.self)
        let both = zip(rank, zone).filter { $0 > 0 && $1 > 0 }.count, either = zip(rank, zone).filter { $0 > 0 || $1 > 0 }.count
        return Double(both) / Double(max(1, either))
    }

    @Test func smoothedSievedAreasAreValidWithoutSmallHoles() throws {
        let dir = try TemporaryDirectory()
        let world = try Self.noisyWorld(in: dir)
        let minimumHole = 2000.0
        var results: [String: (features: Int, iou: Double)] = [:]
        for (name, options) in [("raw", ["--smooth", "1"]), ("clean", ["--smooth", "5", "--min-hole", "\(Int(minimumHole))", "--simplify", "2"])] {
            let result = try ChildProcess.regolith(["anomalies", world.map, "--percentile", "95", "--min-area", "2000",
                                                    "--out", dir.file("\(name).gpkg"), "--labels", dir.file("\(name).tif")] + options)
            try #require(result.status == 0, "\(result.stderr)")
            let check = try PolygonLayerCheck(dir.file("\(name).gpkg"), layer: "anomalies")
            let validity = try check.validity()
            #expect(validity.features > 0 && validity.invalid == 0, "\(name): \(validity)")
            let holes = try check.holeAreas()
            if name == "clean" {
                #expect(holes.allSatisfy { $0 >= minimumHole }, "holes below \(minimumHole) m²: \(holes.filter { $0 < minimumHole })")
            } else {
                // The raw areas are riddled with small holes (109 measured), or the test proves nothing.
                #expect(holes.contains { $0 < minimumHole })
            }
            results[name] = (validity.features, try Self.zoneIoU(labels: dir.file("\(name).tif"), zones: world.zones))
        }
        let raw = try #require(results["raw"]), clean = try #require(results["clean"])
        // The smoothed, sieved areas cover the true zones at least as well as the raw pixels
        // (measured: IoU 0.498 raw, 0.530 smoothed, 3 areas each).
        #expect(clean.iou >= raw.iou, "raw \(raw), smoothed \(clean)")
    }

    /// Every [x, y] position in nested GeoJSON coordinate arrays.
    static func positions(_ coordinates: Any) -> [[Double]] {
        if let position = coordinates as? [Double] { return [position] }
        return (coordinates as? [Any] ?? []).flatMap(positions)
    }

    @Test func geoJSONIsRFC7946() throws {
        let dir = try TemporaryDirectory()
        let world = try Self.noisyWorld(in: dir)
        let result = try ChildProcess.regolith(["anomalies", world.map, "--percentile", "95", "--smooth", "5", "--min-area", "2000",
                                                "--samples", dir.file("world/samples.csv"), "--range", "200", "--out", dir.file("areas.geojson")])
        try #require(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("areas.geojson")))) as? [String: Any])
        #expect(json["crs"] == nil && json["name"] as? String == "anomalies")
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(!features.isEmpty)
        // The world lies at about E107.2 N22.5: every coordinate is a longitude/latitude there.
        for feature in features {
            let geometry = try #require(feature["geometry"] as? [String: Any])
            #expect(["Polygon", "MultiPolygon"].contains(geometry["type"] as? String ?? ""))
            let points = Self.positions(geometry["coordinates"] as Any)
            #expect(!points.isEmpty)
            for point in points {
                #expect((107...108).contains(point[0]) && (22...23).contains(point[1]), "\(point)")
            }
            let properties = try #require(feature["properties"] as? [String: Any])
            let lon = try #require(properties["lon"] as? Double), lat = try #require(properties["lat"] as? Double)
            #expect((107...108).contains(lon) && (22...23).contains(lat))
            #expect(properties["within_support"] as? Int == 0 || properties["within_support"] as? Int == 1)
        }
    }
}
