import Foundation
import RasterIO
import Testing
import TestSupport

/// The pipeline's steps run as a user runs them, on the fixture world.
@Suite("regolith calibrate, samples, compare, anomalies, render")
struct PipelineStepCommandTests {
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    static let samples = Fixtures.path("world/samples.csv")

    @Test func calibrateWithoutMetadataNamesTheXML() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.scene, toPath: dir.file("scene.tiff"))
        let result = try ChildProcess.regolith(["calibrate", dir.file("scene.tiff"), "--out", dir.file("refl.tif"), "--quiet"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(dir.file("scene.xml")) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("refl.tif")))
    }

    @Test func samplesReportDroppedSamplesByID() throws {
        let dir = try TemporaryDirectory()
        var text = try String(contentsOfFile: Self.samples, encoding: .utf8)
        let lines = text.split(separator: "\n")
        text += "FAR-1,108.5,23.5,4.2\n" + lines[1].replacingOccurrences(of: "ZK01-09", with: "DUP-1") + "\n"
        try text.write(toFile: dir.file("samples.csv"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["samples", Self.scene, dir.file("samples.csv"), "--out", dir.file("set.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("dropped sample FAR-1") && result.stderr.contains("outside the scene"))
        #expect(result.stderr.contains("dropped sample DUP-1") && result.stderr.contains("same location as ZK01-09"))
        let rows = try Fixtures.csvFile(dir.file("set.csv"))
        #expect(rows.count == 374)
        #expect(Set(rows[0].keys) == ["id", "x", "y", "column", "row", "pixel_x", "pixel_y", "b1", "b2", "b3", "b4", "re2o3", "re2o3_sample"])
    }

    @Test(arguments: [
        ("id,lon,lat,re2o3\nA,107.21,22.46,abc\n", "bad.csv:2", "not a number"),
        ("id,lon,lat\nA,107.21,22.46\n", "re2o3", "no column"),
        ("id,lon,lat,re2o3\nA,100.0,10.0,1\nB,100.1,10.0,2\nC,100.2,10.1,3\n", "no sample lies in", "the samples span"),
        ("id,lon,lat,re2o3\nA,107.2168478,22.4683958,1\nB,107.2175059,22.4684052,2\nC,100.2,10.1,3\n", "inside", "at least 3"),
    ])
    func badSamplesGiveOneLineAndNoOutput(csv: String, mention: String, also: String) throws {
        let dir = try TemporaryDirectory()
        try csv.write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["samples", Self.scene, dir.file("bad.csv"), "--out", dir.file("set.csv")])
        #expect(result.status == 1)
        let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n") && line.contains("bad.csv") && line.contains(mention) && line.contains(also), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("set.csv")))
    }

    @Test func compareAgreesWithADirectComputation() throws {
        let dir = try TemporaryDirectory()
        let width = 64, height = 40
        var rng = SeededGenerator(seed: 2)
        let reference = (0..<(width * height)).map { i in Float(i % width) / 8 + Float(i / width) / 10 }
        let map = reference.map { $0 + Float(rng.next() % 1000) / 1000 - 0.4 }
        try TestRasters.writeFloat(dir.file("ref.tif"), width: width, height: height, values: reference)
        try TestRasters.writeFloat(dir.file("map.tif"), width: width, height: height, values: map)
        let result = try ChildProcess.regolith(["compare", dir.file("map.tif"), dir.file("ref.tif"), "--json", dir.file("c.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("c.json")))) as! [String: Any]
        let mean = reference.map(Double.init).reduce(0, +) / Double(reference.count)
        let ssRes = zip(map, reference).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
        let ssTot = reference.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +)
        #expect(abs((json["r2"] as! Double) - (1 - ssRes / ssTot)) < 1e-9)
        #expect(abs((json["rmse"] as! Double) - (ssRes / Double(map.count)).squareRoot()) < 1e-9)
        #expect((json["pixels"] as! Int) == width * height)
    }

    @Test func compareRefusesDifferentGrids() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.writeFloat(dir.file("a.tif"), width: 8, height: 8, values: [Float](repeating: 1, count: 64))
        try TestRasters.writeFloat(dir.file("b.tif"), width: 9, height: 8, values: [Float](repeating: 1, count: 72))
        let result = try ChildProcess.regolith(["compare", dir.file("a.tif"), dir.file("b.tif")])
        #expect(result.status == 1 && result.stderr.contains("b.tif") && result.stderr.contains("one pixel grid"), "\(result.stderr)")
    }

    @Test func anomaliesOnTheTrueContentFindBothZones() throws {
        let dir = try TemporaryDirectory()
        let truth = Fixtures.path("world/truth/re2o3.tif")
        let result = try ChildProcess.regolith(["anomalies", truth, "--percentile", "97", "--min-area", "2000",
                                                "--out", dir.file("areas.gpkg"), "--labels", dir.file("labels.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("areas.gpkg")))
        // The two largest areas of the true content map lie on the world's two anomaly zones.
        let labels = try Raster.open(dir.file("labels.tif")), zones = try Raster.open(Fixtures.path("world/truth/zones.tif"))
        let rank = try labels.read(labels.fullWindow, as: UInt32.self), zone = try zones.read(zones.fullWindow, as: UInt8.self)
        var hits: [UInt8: Set<UInt32>] = [:]
        for i in rank.indices where rank[i] > 0 && zone[i] > 0 { hits[zone[i], default: []].insert(rank[i]) }
        #expect(hits[1] != nil && hits[2] != nil, "\(hits)")
    }

    @Test func renderMakesATransparentNodataQuickLook() throws {
        let dir = try TemporaryDirectory()
        var values = (0..<(300 * 200)).map { Float($0 % 300) / 30 }
        for i in 0..<300 { values[i] = -9999 }
        try TestRasters.writeFloat(dir.file("map.tif"), width: 300, height: 200, values: values)
        let result = try ChildProcess.regolith(["render", dir.file("map.tif"), "--out", dir.file("map.png"), "--unit", "%"])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try Raster.open(dir.file("map.png"))
        #expect(png.driverName == "PNG" && png.bandCount == 4 && png.width == 300 && png.height > 200)
        let alpha = try png.read(Window(x: 0, y: 0, width: 300, height: 2), bands: [4], as: UInt8.self)
        #expect(alpha[150] == 0 && alpha[300 + 150] == 255)
        // Left is low (dark purple), right is high (yellow).
        let rgb = try png.read(Window(x: 0, y: 100, width: 300, height: 1), bands: [1, 2, 3], as: UInt8.self)
        #expect(rgb[0] < 100 && rgb[299] > 200 && rgb[600 + 299] < 100)
    }

    @Test func renderOutlinesLabelledAreasInRed() throws {
        let dir = try TemporaryDirectory()
        let width = 100, height = 80
        try TestRasters.writeFloat(dir.file("map.tif"), width: width, height: height, values: [Float](repeating: 2, count: width * height))
        // Area 1: columns 20..<40, rows 10..<30.
        let labels = (0..<(width * height)).map { i -> Float in (20..<40).contains(i % width) && (10..<30).contains(i / width) ? 1 : 0 }
        try TestRasters.writeFloat(dir.file("labels.tif"), width: width, height: height, values: labels, nodata: nil)
        let result = try ChildProcess.regolith(["render", dir.file("map.tif"), "--outlines", dir.file("labels.tif"), "--out", dir.file("a.png")])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try Raster.open(dir.file("a.png"))
        let rgb = try png.read(Window(x: 0, y: 0, width: width, height: height), bands: [1, 2, 3], as: UInt8.self)
        func isRed(_ x: Int, _ y: Int) -> Bool {
            let i = y * width + x
            return rgb[i] == 230 && rgb[width * height + i] == 30 && rgb[2 * width * height + i] == 30
        }
        #expect(isRed(20, 15) && isRed(39, 20) && isRed(25, 10) && isRed(30, 29))
        #expect(!isRed(30, 20) && !isRed(5, 5) && !isRed(19, 15))
    }

    /// A scene in colour: red, green, blue from bands 4, 3, 2 (false colour), each stretched between
    /// its own 2nd and 98th percentiles, so about 2 % of each channel is black and 2 % white
    /// (measured on the fixture scene: 2.0–2.2 % at each end, the histogram's bins rounding; the
    /// bounds 1–4 % allow about 10 × that deviation from 2 %), and a channel is ordered like its band.
    @Test func renderDrawsAFalseColourSceneWithAPerBandStretch() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["render", Self.scene, "--bands", "4,3,2", "--out", dir.file("scene.png")])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try Raster.open(dir.file("scene.png"))
        let scene = try Raster.open(Self.scene)
        #expect(png.bandCount == 4 && png.width == scene.width && png.height == scene.height)
        let n = png.width * png.height
        let pixels = try png.read(png.fullWindow, bands: [1, 2, 3, 4], as: UInt8.self)
        let opaque = (0..<n).filter { pixels[3 * n + $0] == 255 }
        #expect(Double(opaque.count) > 0.9 * Double(n))
        for (channel, band) in zip(0..<3, [4, 3, 2]) {
            let values = opaque.map { pixels[channel * n + $0] }
            let black = Double(values.filter { $0 == 0 }.count) / Double(values.count)
            let white = Double(values.filter { $0 == 255 }.count) / Double(values.count)
            #expect((0.01...0.04).contains(black) && (0.01...0.04).contains(white), "channel \(channel): \(black) black, \(white) white")
            // Brighter DN, brighter channel: the darkest and brightest pixels of the band land at the ends.
            let dn = try scene.read(scene.fullWindow, bands: [band], as: Float.self)
            let darkest = opaque.min { dn[$0] < dn[$1] }!, brightest = opaque.max { dn[$0] < dn[$1] }!
            #expect(pixels[channel * n + darkest] == 0 && pixels[channel * n + brightest] == 255)
        }
        let refused = try ChildProcess.regolith(["render", Self.scene, "--bands", "4,3", "--out", dir.file("two.png")])
        #expect(refused.status == 2 && refused.stderr.contains("three band numbers"), "\(refused.stderr)")
    }
}
