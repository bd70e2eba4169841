import Foundation
import RasterIO
import Testing
import TestSupport
@testable import Inversion

@Suite("Anomaly areas: connected components across strips")
struct AnomalyDelineationTests {
    /// A map of random blobs (seeded) with nodata holes.
    static func blobMap(width: Int, height: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var values = [Float](repeating: 1, count: width * height)
        for _ in 0..<(width * height / 60) {
            let cx = Int(rng.next() % UInt64(width)), cy = Int(rng.next() % UInt64(height)), r = Int(rng.next() % 4)
            let level = Float(5 + rng.next() % 50) / 10
            for y in max(0, cy - r)...min(height - 1, cy + r) {
                for x in max(0, cx - r)...min(width - 1, cx + r) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
                    values[y * width + x] = max(values[y * width + x], level)
                }
            }
        }
        for i in stride(from: 13, to: values.count, by: 211) { values[i] = -9999 }
        return values
    }

    /// Components by brute-force flood fill (8-connected), as pixel-index sets.
    static func floodFill(_ values: [Float], width: Int, height: Int, threshold: Float) -> [Set<Int>] {
        var seen = [Bool](repeating: false, count: values.count)
        var components: [Set<Int>] = []
        for start in values.indices where !seen[start] && values[start] >= threshold {
            var stack = [start], members = Set<Int>()
            seen[start] = true
            while let i = stack.popLast() {
                members.insert(i)
                let x = i % width, y = i / width
                for dy in -1...1 { for dx in -1...1 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                    let j = ny * width + nx
                    if !seen[j] && values[j] >= threshold { seen[j] = true; stack.append(j) }
                } }
            }
            components.append(members)
        }
        return components
    }

    @Test(arguments: [1, 7, 64]) func componentsEqualAFloodFill(stripHeight: Int) throws {
        let dir = try TemporaryDirectory()
        let width = 97, height = 83
        let values = Self.blobMap(width: width, height: height, seed: 11)
        try TestRasters.writeFloat(dir.file("map.tif"), width: width, height: height, values: values)
        var delineation = AnomalyDelineation(threshold: 3)
        delineation.stripHeight = stripHeight
        let areas = try delineation.run(map: dir.file("map.tif"), labels: dir.file("labels.tif"))
        let expected = Self.floodFill(values, width: width, height: height, threshold: 3)
        #expect(areas.count == expected.count)
        let labels = try Raster.open(dir.file("labels.tif")).read(Window(width: width, height: height), as: UInt32.self)
        for component in expected {
            let ranks = Set(component.map { labels[$0] })
            #expect(ranks.count == 1 && !ranks.contains(0))
            let area = areas[Int(ranks.first!) - 1]
            #expect(area.pixels == component.count)
            let contents = component.map { Double(values[$0]) }
            #expect(abs(area.meanContent - contents.reduce(0, +) / Double(contents.count)) < 1e-5)
            #expect(area.maxContent == contents.max())
        }
        #expect(labels.filter { $0 != 0 }.count == expected.reduce(0) { $0 + $1.count })
        #expect(zip(areas, areas.dropFirst()).allSatisfy { $0.excess >= $1.excess })
    }

    @Test func polygonsCarryTheAreasAndTheirStatistics() throws {
        let dir = try TemporaryDirectory()
        let width = 97, height = 83
        let values = Self.blobMap(width: width, height: height, seed: 5)
        try TestRasters.writeFloat(dir.file("map.tif"), width: width, height: height, values: values)
        let areas = try AnomalyDelineation(threshold: 3, minimumArea: 5 * 16).run(map: dir.file("map.tif"), labels: dir.file("labels.tif"))
        #expect(!areas.isEmpty && areas.allSatisfy { $0.pixels >= 5 && $0.areaSquareMetres == Double($0.pixels) * 16 })
        let described = try AnomalyDelineation.writePolygons(areas, labels: dir.file("labels.tif"), to: dir.file("areas.gpkg"))
        #expect(described.allSatisfy { $0.centroidX != nil && $0.longitude != nil && $0.withinSupport == nil })
        // Every polygon is valid by GEOS (the polygonizer's pixel outlines touch themselves at
        // corners: 8 of 8 were invalid on the fixture world before MakeValid), and MakeValid keeps
        // their areas: measured by GDAL's SQL, the pixel counts times 16 m².
        let check = try PolygonLayerCheck(dir.file("areas.gpkg"), layer: AnomalyDelineation.layerName)
        let validity = try check.validity()
        #expect(validity.features == areas.count && validity.invalid == 0, "\(validity)")
        let ogrinfo = try #require(ChildProcess.which("ogrinfo"), "ogrinfo (gdal-bin) is installed by tools/install-deps.sh")
        let result = try ChildProcess.run(ogrinfo, ["-q", "-dialect", "SQLite", "-sql",
                                                    "SELECT rank, pixels, ST_Area(geom) AS a FROM anomalies ORDER BY rank", dir.file("areas.gpkg")])
        #expect(result.status == 0, "\(result.stderr)")
        let measured = result.stdout.components(separatedBy: "\n").filter { $0.contains("a (Real) =") }
            .map { Double($0.components(separatedBy: "=").last!.trimmingCharacters(in: .whitespaces))! }
        #expect(measured.count == areas.count)
        for (area, polygonArea) in zip(areas, measured) { #expect(abs(polygonArea - area.areaSquareMetres) < 1e-6) }
    }

    /// A 20 × 20 square of content 5 on 1 with holes of 1, 4 and 9 pixels (16 m² each).
    static func squareWithHoles() -> [Float] {
        var values = [Float](repeating: 1, count: 30 * 30)
        for y in 5..<25 { for x in 5..<25 { values[y * 30 + x] = 5 } }
        values[8 * 30 + 8] = 1
        for y in 8..<10 { for x in 14..<16 { values[y * 30 + x] = 1 } }
        for y in 16..<19 { for x in 10..<13 { values[y * 30 + x] = 1 } }
        return values
    }

    @Test func theSieveFillsHolesBelowTheLimitOnly() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeFloat(dir.file("map.tif"), width: 30, height: 30, values: Self.squareWithHoles())
        for (minimumHole, expectedHoles) in [(0.0, [16.0, 64, 144]), (5 * 16.0, [144.0]), (10 * 16.0, [])] {
            let labels = dir.file("labels-\(Int(minimumHole)).tif"), polygons = dir.file("areas-\(Int(minimumHole)).gpkg")
            let areas = try AnomalyDelineation(threshold: 3, minimumHoleArea: minimumHole).run(map: dir.file("map.tif"), labels: labels)
            let pixels = 400 - Int(expectedHoles.reduce(0, +) / 16)
            #expect(areas.count == 1 && areas[0].pixels == pixels, "\(areas)")
            // A filled hole is part of the area, its values (1) in the area's mean.
            let filled = pixels - (400 - 14)
            #expect(abs((areas.first?.meanContent ?? 0) - Double(5 * (400 - 14) + filled) / Double(pixels)) < 1e-12)
            _ = try AnomalyDelineation.writePolygons(areas, labels: labels, to: polygons)
            let holes = try PolygonLayerCheck(polygons, layer: AnomalyDelineation.layerName).holeAreas().sorted()
            #expect(holes == expectedHoles, "min hole \(minimumHole) m²")
        }
    }

    @Test func noHoleIsSmallerThanTheLimitOnRandomBlobs() throws {
        let dir = try TemporaryDirectory()
        let width = 97, height = 83
        // Blobs dense enough to leave holes between them.
        var values = Self.blobMap(width: width, height: height, seed: 23)
        values = values.map { $0 == -9999 ? $0 : $0 + 1 }
        try TestRasters.writeFloat(dir.file("map.tif"), width: width, height: height, values: values)
        let minimumHole = 4 * 16.0
        var holesBefore: [Double] = []
        for (name, limit) in [("unsieved", 0.0), ("sieved", minimumHole)] {
            var delineation = AnomalyDelineation(threshold: 3, minimumHoleArea: limit)
            delineation.stripHeight = 7
            let areas = try delineation.run(map: dir.file("map.tif"), labels: dir.file("\(name).tif"))
            _ = try AnomalyDelineation.writePolygons(areas, labels: dir.file("\(name).tif"), to: dir.file("\(name).gpkg"))
            let check = try PolygonLayerCheck(dir.file("\(name).gpkg"), layer: AnomalyDelineation.layerName)
            #expect(try check.validity().invalid == 0)
            let holes = try check.holeAreas()
            if limit == 0 { holesBefore = holes } else { #expect(holes.allSatisfy { $0 >= minimumHole }, "\(holes.sorted().prefix(5))") }
        }
        // The map has small holes to fill, or the test proves nothing.
        #expect(holesBefore.contains { $0 < minimumHole }, "\(holesBefore.sorted().prefix(5))")
    }

    @Test func supportIsTheHullOrTheRangeOfASample() {
        let samples = [VectorGeometry.Point(x: 0, y: 0), .init(x: 100, y: 0), .init(x: 0, y: 100)]
        let support = SampleSupport(samples: samples, range: 10)
        #expect(support.contains(.init(x: 20, y: 20)))      // inside the hull
        #expect(support.contains(.init(x: 108, y: 0)))      // outside, 8 from a sample
        #expect(!support.contains(.init(x: 60, y: 60)))     // outside, 14 from the hull, 72 from a sample
        #expect(!support.contains(.init(x: -11, y: -1)))    // just beyond the range
    }

    @Test func masksNeedTheScene() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeFloat(dir.file("map.tif"), width: 8, height: 8, values: [Float](repeating: 5, count: 64))
        let delineation = AnomalyDelineation(threshold: 3, masks: .init(vegetationNDVI: 0.3))
        #expect(throws: InversionError.self) { try delineation.run(map: dir.file("map.tif")) }
    }
}
