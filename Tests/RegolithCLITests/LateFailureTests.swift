import Foundation
import Testing
import TestSupport

/// Failures found early and worded with the file and key (issue 14, group 8).
@Suite("Configuration and metadata failures: early, one line, naming the file")
struct LateFailureTests {
    static let world = Fixtures.path("world")
    static let sceneName = "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1"

    /// Every configuration mistake stops `run` before it creates its folder, naming file and key.
    @Test(arguments: [
        ("model: {iteratons: 10}", "model.iteratons: unknown key; did you mean 'iterations'?"),
        ("validation: {train_fraction: 1.5}", "validation.train_fraction: 1.5 is not between 0 and 1"),
        ("anomalies: {percentile: 150}", "anomalies.percentile: 150.0 is not a percentile"),
        ("threads: 0", "threads: 0 is not between 1 and 4096"),
        ("memory: abc", "memory: 'abc' is not a size"),
    ])
    func configurationMistakesStopRunBeforeItsFolder(line: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        let config = dir.file("survey.yml")
        let text = "scene: \(Self.world)/\(Self.sceneName).tiff\nsamples: \(Self.world)/samples.csv\nout: \(dir.file("out"))\n\(line)\n"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", config])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("regolith: \(config): \(expected)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")), "nothing is created before the configuration is checked")
        let check = try ChildProcess.regolith(["run", config, "--check"])
        #expect(check.status == 1 && check.stderr == result.stderr)
    }

    @Test func checkValidatesWithoutRunning() throws {
        let dir = try TemporaryDirectory()
        let config = dir.file("survey.yml")
        try "scene: \(Self.world)/\(Self.sceneName).tiff\nsamples: \(Self.world)/samples.csv\nout: \(dir.file("out"))\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", config, "--check"])
        #expect(result.status == 0 && result.stdout.contains("a valid configuration"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    /// A sensor or year the calibration table does not know is reported against the XML that names it.
    @Test func anUnknownSensorNamesTheMetadataFile() throws {
        let dir = try TemporaryDirectory()
        let scene = dir.file("\(Self.sceneName).tiff"), xml = dir.file("\(Self.sceneName).xml")
        try FileManager.default.copyItem(atPath: "\(Self.world)/\(Self.sceneName).tiff", toPath: scene)
        let original = try String(contentsOfFile: "\(Self.world)/\(Self.sceneName).xml", encoding: .utf8)
        try original.replacingOccurrences(of: "<SensorID>PMS1</SensorID>", with: "<SensorID>PMS9</SensorID>")
            .write(toFile: xml, atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["calibrate", scene, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(result.status == 1 && result.stderr.hasPrefix("regolith: \(xml): no calibration coefficients for GF2 PMS9"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("refl.tif")))
    }
}
