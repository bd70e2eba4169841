import Foundation
import NeuralNet
import RasterIO
import Testing
import TestSupport

/// Inputs that used to give a constant or empty map with exit 0 (issue 14, item 7) are refused
/// before any output exists.
@Suite("regolith refuses implausible inputs")
struct PlausibilityCommandTests {
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    static let metadata = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.xml")
    static let samples = Fixtures.path("world/samples.csv")

    /// The fixture samples moved one degree east (about 103 km at 22.5°N), or read in the wrong CRS.
    @Test(arguments: [(1.0, [String]()), (0.0, ["--samples-crs", "EPSG:32648"])])
    func samplesFarFromTheSceneAreRefusedSayingWhereBothAre(shift: Double, options: [String]) throws {
        let dir = try TemporaryDirectory()
        let lines = try String(contentsOfFile: Self.samples, encoding: .utf8).split(separator: "\n").map(String.init)
        let moved = lines.dropFirst().map { line -> String in
            var fields = line.split(separator: ",").map(String.init)
            fields[1] = String(format: "%.7f", Double(fields[1])! + shift)
            return fields.joined(separator: ",")
        }
        try ([lines[0]] + moved).joined(separator: "\n").write(toFile: dir.file("far.csv"), atomically: true, encoding: .utf8)
        let commands = [["krige", dir.file("far.csv"), "--like", Self.scene, "--out", dir.file("map.tif"), "--variance", dir.file("var.tif")],
                        ["samples", Self.scene, dir.file("far.csv"), "--out", dir.file("set.csv")]]
        for command in commands {
            let result = try ChildProcess.regolith(command + options)
            #expect(result.status == 1)
            let line = result.stderr.trimmingCharacters(in: .newlines)
            #expect(!line.contains("\n") && line.hasPrefix("regolith: \(dir.file("far.csv")): no sample lies in"), "\(line)")
            // Where the scene is (the fixture world's grid, 600 × 600 pixels of 4 m) and where the samples are.
            #expect(line.contains("the scene x 727244.0…729644.0, y 2484236.0…2486636.0 (WGS 84 / UTM zone 48N (EPSG:32648))"), "\(line)")
            #expect(line.contains("the samples span x "), "\(line)")
            #expect(dir.contents() == ["far.csv"], "\(dir.contents())")
        }
    }

    @Test func calibrateRefusesAByteSceneUnlessAllowed() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("quicklook.tif"), width: 600, height: 600, bands: 4, type: .byte)
        try FileManager.default.copyItem(atPath: Self.metadata, toPath: dir.file("quicklook.xml"))
        let refused = try ChildProcess.regolith(["calibrate", dir.file("quicklook.tif"), "--out", dir.file("refl.tif")])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("regolith: \(dir.file("quicklook.tif")): band 1 is Byte, but GF-2 PMS scenes hold DNs as UInt16")
                && refused.stderr.contains("--allow-any-type"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("refl.tif")))
        let allowed = try ChildProcess.regolith(["calibrate", dir.file("quicklook.tif"), "--out", dir.file("refl.tif"), "--allow-any-type", "--quiet"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try Raster.open(dir.file("refl.tif")).bands.map(\.pixelType) == Array(repeating: .float32, count: 4))
    }

    /// The paper CNN with the standardisation `train` would give a reflectance scene (or a broken one).
    static func model(in dir: TemporaryDirectory, deviations: [Float] = [0.01, 0.02, 0.02, 0.05]) throws -> String {
        let model = try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 5), inputLayout: .replicatedRows(rows: 4),
                              bands: BandDescriptor.gf2,
                              standardisation: Standardisation(inputMeans: [0.09, 0.12, 0.16, 0.27], inputStandardDeviations: deviations,
                                                               targetMean: 2.9, targetStandardDeviation: 1.3),
                              target: .re2o3)
        try model.save(to: dir.file("model"))
        return dir.file("model")
    }

    @Test func invertRefusesDNsForAReflectanceModelAndTakesReflectance() throws {
        let dir = try TemporaryDirectory()
        let model = try Self.model(in: dir)
        // Without its product XML beside it (with it, `invert` calibrates it on the fly: FusedInversionTests).
        try FileManager.default.copyItem(atPath: Self.scene, toPath: dir.file("dn.tif"))
        let refused = try ChildProcess.regolith(["invert", model, dir.file("dn.tif"), "--out", dir.file("content.tif"), "--everywhere"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "regolith: \(dir.file("dn.tif")): DN scene (UInt16) but no product metadata XML; give --xml or calibrate first\n",
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("content.tif")))
        try TestRasters.write(dir.file("refl.tif"), width: 64, height: 48, bands: 4, type: .float32)
        let accepted = try ChildProcess.regolith(["invert", model, dir.file("refl.tif"), "--out", dir.file("content.tif"), "--everywhere", "--quiet"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test func invertRefusesAModelWithoutSpreadNamingItsFile() throws {
        let dir = try TemporaryDirectory()
        let model = try Self.model(in: dir, deviations: [0.01, 0, 0.02, 0.05])
        try TestRasters.write(dir.file("refl.tif"), width: 64, height: 48, bands: 4, type: .float32)
        let result = try ChildProcess.regolith(["invert", model, dir.file("refl.tif"), "--out", dir.file("content.tif")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("regolith: \(dir.file("model/model.json")): standardisation.inputStandardDeviations[1] is 0.0"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("content.tif")))
    }

    /// Non-finite numbers are usage errors wherever a command takes a real-valued option; the files
    /// need not exist, as the options are checked first.
    @Test(arguments: [
        (["anomalies", "map.tif", "--out", "a.gpkg", "--threshold", "nan"], "--threshold"),
        (["anomalies", "map.tif", "--out", "a.gpkg", "--percentile", "nan"], "--percentile"),
        (["anomalies", "map.tif", "--out", "a.gpkg", "--percentile", "95", "--min-area", "-inf"], "--min-area"),
        (["krige", "s.csv", "--like", "s.tif", "--out", "m.tif", "--block", "nan"], "--block"),
        (["krige", "s.csv", "--like", "s.tif", "--out", "m.tif", "--nmax", "8", "--maxdist", "inf"], "--maxdist"),
        (["samples", "s.tif", "s.csv", "--out", "set.csv", "--block", "-4"], "--block"),
        (["train", "set.csv", "--out", "model", "--learning-rate", "nan"], "--learning-rate"),
        (["train", "set.csv", "--out", "model", "--block-size", "inf"], "--block-size"),
        (["train", "set.csv", "--out", "model", "--train-fraction", "nan"], "--train-fraction"),
        (["compare", "a.tif", "b.tif", "--percentile", "nan"], "--percentile"),
        (["ndvi", "s.tif", "--out", "n.tif", "--checkpoint-seconds", "nan"], "--checkpoint-seconds"),
    ])
    func nonFiniteOptionsAreUsageErrors(arguments: [String], option: String) throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(arguments.map { $0.contains(".") || $0 == "model" ? dir.file($0) : $0 })
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(option), "\(result.stderr)")
        #expect(dir.contents().isEmpty)
    }
}
