import Foundation
@testable import NeuralNet
import TestSupport
import Testing

@Suite struct ModelFileTests {
    func paperModel() throws -> Model {
        try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 21), inputLayout: .replicatedRows(rows: 4),
                  bands: BandDescriptor.gf2, standardisation: .init(inputMeans: [1, 2, 3, 4], inputStandardDeviations: [5, 6, 7, 8],
                                                                   targetMean: 2.5, targetStandardDeviation: 0.75), target: .re2o3)
    }

    @Test func paperPresetHasPyTorchNamesAndCost() throws {
        let network = try NetworkPreset.paper.network(seed: 1)
        #expect(network.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "10.weight", "10.bias"])
        #expect(network.namedParameters.map(\.shape) == [[16, 1, 2, 2], [16], [32, 16, 2, 2], [32], [64, 32], [64], [1, 64], [1]])
        #expect(network.multiplyAddsPerSample == 11_328)
        #expect(network.parameter(named: "7.bias")?.count == 64)
        #expect(network.parameter(named: "1.weight") == nil)
        #expect(try NetworkPreset.patch.network(size: 5, seed: 1).multiplyAddsPerSample == 11_904)
    }

    @Test func roundTripKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        var model = try paperModel()
        model.training = nil
        try model.save(to: directory.path)
        #expect(directory.contents() == ["model.json", "model.safetensors"])
        let loaded = try Model.load(from: directory.path)
        #expect(loaded.network == model.network)
        #expect(loaded.standardisation == model.standardisation)
        #expect(loaded.bands == model.bands && loaded.target == model.target && loaded.preset == .paper)
        #expect(loaded.inputLayout == model.inputLayout)

        let patch = try Model(preset: .patch, network: try NetworkPreset.patch.network(bands: 3, size: 3, seed: 2), inputLayout: .patch(size: 3),
                              bands: Array(BandDescriptor.gf2.prefix(3)), standardisation: .identity(bands: 3), target: .re2o3)
        try patch.save(to: directory.file("patch"))
        let loadedPatch = try Model.load(from: directory.file("patch"))
        #expect(loadedPatch.network == patch.network && loadedPatch.inputLayout == .patch(size: 3))
    }

    /// Saves a good model, damages one file, and expects one line naming the file and the problem.
    func expectFailure(_ file: String, _ expected: String, damage: (inout Data) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        try paperModel().save(to: directory.path)
        let path = directory.file(file)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        try damage(&data)
        try data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try Model.load(from: directory.path)
            Issue.record("loading a damaged \(file) succeeded")
        } catch {
            #expect(error.file == path)
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    func editJSON(_ data: inout Data, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        edit(&object)
        data = try JSONSerialization.data(withJSONObject: object)
    }

    func replaceHeader(_ data: inout Data, _ transform: (String) -> String) {
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = transform(String(decoding: data[8..<8 + length], as: UTF8.self))
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count)) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header.utf8)
        bytes.append(data[(8 + length)...])
        data = bytes
    }

    @Test func damagedFilesGiveOneClearLine() throws {
        try expectFailure("model.json", "not valid JSON") { $0 = Data("{\"format\": \"regolith-model\", ".utf8) }
        try expectFailure("model.json", "format version 2 is newer") { try editJSON(&$0) { $0["formatVersion"] = 2 } }
        try expectFailure("model.json", "missing key \"target\"") { try editJSON(&$0) { $0["target"] = nil } }
        try expectFailure("model.json", "unknown type \"gelu\"") {
            try editJSON(&$0) { object in
                var architecture = object["architecture"] as! [String: Any]
                var layers = architecture["layers"] as! [[String: Any]]
                layers[1]["type"] = "gelu"
                architecture["layers"] = layers
                object["architecture"] = architecture
            }
        }
        try expectFailure("model.safetensors", "truncated") { $0 = $0.prefix($0.count - 10) }
        try expectFailure("model.safetensors", "truncated") { $0 = $0.prefix(5) }
        try expectFailure("model.safetensors", "runs past the end of the file") {
            $0.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        }
        try expectFailure("model.safetensors", "header is not a JSON object") { $0[9] = UInt8(ascii: "#") }
        try expectFailure("model.safetensors", "dtype F16") { replaceHeader(&$0) { $0.replacingOccurrences(of: "\"F32\"", with: "\"F16\"") } }
        try expectFailure("model.safetensors", "missing tensor \"3.bias\"") { replaceHeader(&$0) { $0.replacingOccurrences(of: "\"3.bias\"", with: "\"3.biaz\"") } }
        try expectFailure("model.safetensors", "tensor \"0.weight\" has shape [16, 4]") {
            replaceHeader(&$0) { $0.replacingOccurrences(of: "[16,1,2,2]", with: "[16,4]") }
        }
    }
}
