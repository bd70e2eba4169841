import Foundation
import Yams

/// A configuration as read: its values, its text (for the report) and the folder its relative
/// paths start from.
public struct LoadedConfiguration: Sendable {
    public var configuration: RunConfiguration
    public var text: String
    public var base: String
    /// The configuration file (nil: the bundled fixture world's defaults).
    public var file: String?

    /// A path of the configuration, relative to its folder unless absolute.
    public func resolve(_ path: String?) -> String? {
        guard let path else { return nil }
        return path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }
}

extension RunConfiguration {
    /// Larger files are not configurations; refusing them keeps the YAML parser's memory bounded.
    static let maximumFileSize = 1 << 20

    /// Reads and checks a YAML configuration; every problem names the file and the key.
    public static func load(_ path: String) throws -> LoadedConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, key: "", "cannot read the configuration")
        }
        guard data.count <= maximumFileSize else {
            throw ConfigurationError(file: path, key: "", "\(data.count) bytes is too large for a configuration (at most \(maximumFileSize))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, key: "", "not UTF-8 text")
        }
        let configuration = try decode(text, file: path)
        return LoadedConfiguration(configuration: configuration, text: text, base: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                   file: path)
    }

    /// Decodes and checks YAML text; `file` names it in errors.
    public static func decode(_ text: String, file: String) throws -> RunConfiguration {
        let configuration: RunConfiguration
        do {
            configuration = try YAMLDecoder().decode(RunConfiguration.self, from: text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "{}" : text)
        } catch let error as ConfigurationError {
            throw error.inFile(file)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ConfigurationError(file: file, key: dotted(context.codingPath), "expected \(typeName(type)) (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            // Yams wraps what a decoder throws (our own errors among them) and its parser's errors.
            if let error = context.underlyingError as? ConfigurationError { throw error.inFile(file) }
            if let error = context.underlyingError {
                throw ConfigurationError(file: file, key: "", "not valid YAML (\(String(describing: error).replacingOccurrences(of: "\n", with: " ")))")
            }
            throw ConfigurationError(file: file, key: dotted(context.codingPath), context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(file: file, key: dotted(context.codingPath), "has no value")
        } catch {
            throw ConfigurationError(file: file, key: "", "not valid YAML (\(String(describing: error).replacingOccurrences(of: "\n", with: " ")))")
        }
        do { try configuration.check() } catch let error as ConfigurationError { throw error.inFile(file) }
        return configuration
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        default: "\(type)"
        }
    }

    /// The bundled fixture world, described by its `world.json`, with Regolith's defaults.
    public static func fixtureWorld(folder: String = "fixtures/world") throws -> LoadedConfiguration {
        let manifest = (folder as NSString).appendingPathComponent("world.json")
        guard let data = FileManager.default.contents(atPath: manifest),
              let world = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let files = world["files"] as? [String: String] else {
            throw ConfigurationError(file: manifest, key: "", "no configuration given and no fixture world here; run from the repository or give a configuration")
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
        try configuration.check()
        return LoadedConfiguration(configuration: configuration, text: text, base: folder)
    }
}
