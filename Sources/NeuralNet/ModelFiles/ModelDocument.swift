/// The `model.json` schema (format version 1). The weights live beside it in `model.safetensors`.
struct ModelDocument: Codable {
    static let currentVersion = 1
    static let formatName = "regolith-model"

    struct LayerEntry: Codable {
        var index: Int
        var type: String
        var inChannels: Int?
        var outChannels: Int?
        var kernel: Int?
        var padding: ConvPadding?
        var size: Int?
        var stride: Int?
        var inFeatures: Int?
        var outFeatures: Int?
        var probability: Float?
    }

    struct Architecture: Codable {
        /// "paper", "patch" or "custom".
        var preset: String
        /// [channels, height, width].
        var inputShape: [Int]
        var layers: [LayerEntry]
    }

    struct Input: Codable {
        /// "replicated-rows" (the paper's) or "patch".
        var layout: String
        var rows: Int?
        var size: Int?
        var bands: [BandDescriptor]
        /// Absent in models written before it was recorded, and in models made elsewhere.
        var radiometry: InputRadiometry?
        /// Absent in models that read scene bands only (and in those written before it was recorded).
        var features: FeatureStack?
    }

    var format: String
    var formatVersion: Int
    var architecture: Architecture
    var input: Input
    var standardisation: Standardisation
    var target: TargetDescriptor
    var training: TrainingMetadata?
    var weights: String
    /// `Model.trainingRun`; the weights' `__metadata__` and `domain.json` carry the same.
    var run: String?
}

/// Just the version, read before the rest so a future file fails on its version, not its fields.
struct ModelDocumentVersion: Codable {
    var format: String?
    var formatVersion: Int?
}

extension Layer {
    init(entry: ModelDocument.LayerEntry) throws(NetworkError) {
        func need(_ value: Int?, _ key: String) throws(NetworkError) -> Int {
            guard let value else { throw .invalidLayer("layer \(entry.index) (\(entry.type)) lacks \"\(key)\"") }
            return value
        }
        switch entry.type {
        case "conv2d":
            self = try .conv2d(inChannels: need(entry.inChannels, "inChannels"), outChannels: need(entry.outChannels, "outChannels"),
                               kernel: need(entry.kernel, "kernel"), padding: entry.padding ?? .valid)
        case "relu": self = .relu
        case "maxpool2d":
            let size = try need(entry.size, "size")
            self = .maxPool(size: size, stride: entry.stride ?? size)
        case "flatten": self = .flatten
        case "dense": self = try .dense(inFeatures: need(entry.inFeatures, "inFeatures"), outFeatures: need(entry.outFeatures, "outFeatures"))
        case "dropout":
            guard let probability = entry.probability else { throw .invalidLayer("layer \(entry.index) (dropout) lacks \"probability\"") }
            self = .dropout(probability: probability)
        default: throw .invalidLayer("layer \(entry.index) has unknown type \"\(entry.type)\"")
        }
    }

    func entry(index: Int) -> ModelDocument.LayerEntry {
        var entry = ModelDocument.LayerEntry(index: index, type: kind)
        switch self {
        case let .conv2d(input, output, kernel, padding):
            entry.inChannels = input; entry.outChannels = output; entry.kernel = kernel; entry.padding = padding
        case let .maxPool(size, stride): entry.size = size; entry.stride = stride
        case let .dense(input, output): entry.inFeatures = input; entry.outFeatures = output
        case let .dropout(probability): entry.probability = probability
        case .relu, .flatten: break
        }
        return entry
    }
}
