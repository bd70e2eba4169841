import ArgumentParser
import Foundation
import Geostatistics
import Inversion
import NeuralNet
import RasterIO
import TileEngine
import Yams

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole method, scene and samples to anomaly areas, into one folder with an HTML report.",
        discussion: """
            Steps: calibrate (TOA reflectance, optional DOS) → samples (surface-to-surface sample
            set) → correlate (band screening) → train (CNN against MLR and PLS, random and spatial
            validation) → invert (content map) → krige (geochemical map on the same grid) → compare →
            anomalies → render → report.html. Without a configuration it runs on the bundled fixture
            world (fixtures/world), where the true content and anomaly zones are known, and the
            report scores the map against them.

            Configuration (YAML, every key optional; paths relative to the file):
              scene: GF2_PMS1_…-MSS1.tiff     samples: samples.csv     out: regolith-run
              samples_crs: EPSG:4326          column: re2o3            dos: false
              kriging: {model: auto, nmax: 32, block: 4}
              model: {arch: paper, iterations: 5000, learning_rate: 0.001, seed: 1, mc_dropout: 0}
              validation: {train_fraction: 0.6667, folds: 5, seed: 1}
              anomalies: {percentile: 95, min_area: 2000, mask_vegetation: 0.4, mask_water: 0.0}
              truth: {content: truth/re2o3.tif, zones: truth/zones.tif}
              memory: 512MiB                  threads: 2

            Examples:
              regolith run
              regolith run survey.yml --out results/
            """
    )

    @Argument(help: "YAML configuration (default: the fixture world).") var config: String?
    @Option(help: "Output folder (overrides the configuration's `out`).") var out: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        var (configuration, text, base) = try Self.load(config)
        if let out { configuration.out = out }
        try PipelineRun(configuration: configuration, configurationText: text, base: base, quiet: global.quiet).run()
    }

    /// The configuration, its text for the report, and the folder its relative paths start from.
    static func load(_ path: String?) throws -> (RunConfiguration, String, String) {
        guard let path else { return try fixtureWorld() }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(message: "\(path): cannot read the configuration")
        }
        do {
            let configuration = try YAMLDecoder().decode(RunConfiguration.self, from: text.isEmpty ? "{}" : text)
            return (configuration, text, URL(fileURLWithPath: path).deletingLastPathComponent().path)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw CommandFailure(message: "\(path): \(key.isEmpty ? "" : "key '\(key)': ")\(context.debugDescription)")
        } catch {
            throw CommandFailure(message: "\(path): not a valid configuration (\(error))")
        }
    }

    /// The bundled fixture world, described by its world.json.
    static func fixtureWorld() throws -> (RunConfiguration, String, String) {
        let folder = "fixtures/world"
        let manifest = (folder as NSString).appendingPathComponent("world.json")
        guard let data = FileManager.default.contents(atPath: manifest),
              let world = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let files = world["files"] as? [String: String] else {
            throw CommandFailure(message: "\(manifest): no configuration given and no fixture world here; run from the repository or give a configuration")
        }
        var configuration = RunConfiguration()
        configuration.scene = files["scene"]
        configuration.xml = files["metadata"]
        configuration.samples = files["samples"]
        configuration.truth.content = files["content"]
        configuration.truth.zones = files["zones"]
        configuration.anomalies.maskVegetation = 0.45
        configuration.memory = "512MiB"
        let text = """
            # the fixture world (\(manifest)), Regolith's defaults
            scene: \(files["scene"] ?? "")
            samples: \(files["samples"] ?? "")
            truth: {content: \(files["content"] ?? ""), zones: \(files["zones"] ?? "")}
            anomalies: {percentile: 95, min_area: 2000, mask_vegetation: 0.45}
            memory: 512MiB
            """
        return (configuration, text, folder)
    }
}
