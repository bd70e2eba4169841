import Foundation

/// Reading and writing a model folder: `model.json` (spec) + `model.safetensors` (weights, PyTorch
/// `nn.Sequential` state_dict names and layouts).
extension Model {
    public static let specificationFile = "model.json"
    public static let weightsFile = "model.safetensors"
    /// The `__metadata__` key of the weights that holds `trainingRun` (safetensors metadata is a
    /// map of strings, which PyTorch's loader ignores).
    public static let runMetadataKey = "regolith_run"

    /// Writes `model.json` and `model.safetensors` into `folder` (created if needed).
    public func save(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let document = ModelDocument(
            format: ModelDocument.formatName, formatVersion: ModelDocument.currentVersion,
            architecture: .init(preset: preset?.rawValue ?? "custom",
                                inputShape: [network.inputShape.channels, network.inputShape.height, network.inputShape.width],
                                layers: network.layers.enumerated().map { $0.element.entry(index: $0.offset) }),
            input: { () -> ModelDocument.Input in
                switch inputLayout {
                case let .replicatedRows(rows): .init(layout: "replicated-rows", rows: rows, size: nil, bands: bands, radiometry: radiometry, features: features)
                case let .patch(size): .init(layout: "patch", rows: nil, size: size, bands: bands, radiometry: radiometry, features: features)
                }
            }(),
            standardisation: standardisation, target: target, training: training, weights: Self.weightsFile, run: trainingRun)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(document).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(Self.specificationFile)))
        let tensors = network.namedParameters.map { (name: $0.name, tensor: Safetensors.Tensor(shape: $0.shape, values: $0.values)) }
        var metadata = ["format": "pt", "producer": "regolith"]
        metadata[Self.runMetadataKey] = trainingRun
        try Safetensors.encode(tensors, metadata: metadata)
            .write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(Self.weightsFile)))
    }

    /// Reads a model folder written by `save(to:)` or by `tools/reference-cnn.py` (PyTorch).
    public static func load(from folder: String) throws(ModelFileError) -> Model {
        let specificationPath = (folder as NSString).appendingPathComponent(specificationFile)
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: specificationPath, problem: problem) }
        guard let json = FileManager.default.contents(atPath: specificationPath) else { throw fail("cannot read the file") }
        let decoder = JSONDecoder()
        guard let version = try? decoder.decode(ModelDocumentVersion.self, from: json) else { throw fail("not valid JSON") }
        guard version.format == ModelDocument.formatName else {
            throw fail("\"format\" is \(version.format.map { "\"\($0)\"" } ?? "missing"), expected \"\(ModelDocument.formatName)\"")
        }
        guard let formatVersion = version.formatVersion else { throw fail("\"formatVersion\" is missing") }
        guard formatVersion <= ModelDocument.currentVersion, formatVersion >= 1 else {
            throw fail("format version \(formatVersion) is newer than this Regolith reads (\(ModelDocument.currentVersion)); update Regolith")
        }
        let document: ModelDocument
        do { document = try decoder.decode(ModelDocument.self, from: json) } catch let error as DecodingError {
            throw fail(error.oneLine)
        } catch { throw fail("\(error)") }

        if let problem = document.standardisation.problem { throw fail(problem) }
        let layout: InputLayout
        switch (document.input.layout, document.input.rows, document.input.size) {
        case let ("replicated-rows", rows?, _): layout = .replicatedRows(rows: rows)
        case let ("patch", _, size?): layout = .patch(size: size)
        default: throw fail("input layout \"\(document.input.layout)\" is unknown or lacks its rows/size")
        }
        let shape = document.architecture.inputShape
        guard shape.count == 3 else { throw fail("architecture.inputShape must be [channels, height, width]") }
        let layers: [Layer]
        do throws(NetworkError) {
            layers = try document.architecture.layers.sorted { $0.index < $1.index }.map { (entry) throws(NetworkError) in try Layer(entry: entry) }
        } catch { throw fail(error.description) }
        guard document.architecture.layers.map(\.index).sorted() == Array(layers.indices) else {
            throw fail("layer indices must be 0..<\(layers.count) without gaps")
        }

        let weightsPath = (folder as NSString).appendingPathComponent(document.weights)
        guard let weightData = FileManager.default.contents(atPath: weightsPath) else {
            throw ModelFileError(file: weightsPath, problem: "cannot read the file")
        }
        let (tensors, metadata) = try Safetensors.decode(weightData, file: weightsPath)
        try checkSameTraining(weightsPath, run: metadata[runMetadataKey], modelRun: document.run)
        var weights: [[Float]] = [], biases: [[Float]] = []
        for (index, layer) in layers.enumerated() {
            guard let shapes = layer.parameterShapes else { weights.append([]); biases.append([]); continue }
            for (suffix, expected) in [("weight", shapes.weight), ("bias", shapes.bias)] {
                let name = "\(index).\(suffix)"
                guard let tensor = tensors[name] else {
                    throw ModelFileError(file: weightsPath, problem: "missing tensor \"\(name)\" (\(layer.kind) layer \(index))")
                }
                guard tensor.shape == expected else {
                    throw ModelFileError(file: weightsPath, problem: "tensor \"\(name)\" has shape \(tensor.shape), layer \(index) (\(layer.kind)) needs \(expected)")
                }
                if suffix == "weight" { weights.append(tensor.values) } else { biases.append(tensor.values) }
            }
        }
        if let features = document.input.features, features.featureNames != document.input.bands.map(\.name) {
            throw fail("input.features name \(features.featureNames.joined(separator: ", ")) but input.bands \(document.input.bands.map(\.name).joined(separator: ", "))")
        }
        do throws(NetworkError) {
            let network = try Network(inputShape: TensorShape(channels: shape[0], height: shape[1], width: shape[2]),
                                      layers: layers, weights: weights, biases: biases)
            let preset = NetworkPreset(rawValue: document.architecture.preset)
            var model = try Model(preset: preset, network: network, inputLayout: layout, bands: document.input.bands,
                                  standardisation: document.standardisation, target: document.target, training: document.training)
            model.trainingRun = document.run
            model.radiometry = document.input.radiometry
            model.features = document.input.features
            return model
        } catch { throw fail(error.description) }
    }

    /// Refuses a file of the folder (weights, domain) written by another training than `model.json`.
    public static func checkSameTraining(_ file: String, run: String?, modelRun: String?) throws(ModelFileError) {
        guard run != modelRun else { return }
        throw ModelFileError(file: file, problem: "written by another training (run \(run ?? "none")) than \(specificationFile) beside it (run \(modelRun ?? "none")); the folder mixes two trainings: train into it again")
    }
}

extension DecodingError {
    /// "missing key "x" at a.b" and the like, without Swift's multi-line debug text.
    public var oneLine: String {
        func path(_ context: Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch self {
        case let .keyNotFound(key, context): return "missing key \"\(key.stringValue)\" at \(path(context))"
        case let .typeMismatch(type, context): return "wrong type at \(path(context)), expected \(type)"
        case let .valueNotFound(type, context): return "missing value at \(path(context)), expected \(type)"
        case let .dataCorrupted(context): return "invalid value at \(path(context))"
        @unknown default: return "undecodable JSON"
        }
    }
}
