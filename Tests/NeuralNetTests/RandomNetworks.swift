@testable import NeuralNet
import TestSupport

/// Random architectures and values for comparing fast paths with the reference.
enum RandomNetworks {
    static func uniform(_ generator: inout SeededGenerator, _ range: ClosedRange<Float> = -1...1) -> Float {
        Float.random(in: range, using: &generator)
    }

    /// A random conv/pool/dense stack ending in `outputs` values; every layer type appears often.
    static func network(_ generator: inout SeededGenerator, outputs: Int = 1, dropout: Bool = true) throws -> Network {
        // Shapes an input layout can produce: replicated rows (1 × rows × bands) or a patch (bands × k × k, k odd).
        let side = [1, 3, 5].randomElement(using: &generator)!
        var shape = Bool.random(using: &generator)
            ? TensorShape(channels: 1, height: Int.random(in: 2...5, using: &generator), width: Int.random(in: 2...5, using: &generator))
            : TensorShape(channels: Int.random(in: 1...3, using: &generator), height: side, width: side)
        let input = shape
        var layers: [Layer] = []
        func append(_ layer: Layer) throws {
            layers.append(layer)
            shape = try layer.outputShape(for: shape).get()
        }
        for _ in 0..<Int.random(in: 1...2, using: &generator) {
            let kernel = Int.random(in: 1...3, using: &generator)
            let padding: ConvPadding = Bool.random(using: &generator) || kernel > min(shape.height, shape.width) ? .same : .valid
            try append(.conv2d(inChannels: shape.channels, outChannels: Int.random(in: 1...6, using: &generator), kernel: kernel, padding: padding))
            try append(.relu)
            let size = Int.random(in: 1...2, using: &generator)
            if Bool.random(using: &generator), min(shape.height, shape.width) >= size {
                try append(.maxPool(size: size, stride: Int.random(in: 1...2, using: &generator)))
            }
        }
        try append(.flatten)
        try append(.dense(inFeatures: shape.count, outFeatures: Int.random(in: 2...9, using: &generator)))
        try append(.relu)
        if dropout { try append(.dropout(probability: Float.random(in: 0.1...0.5, using: &generator))) }
        try append(.dense(inFeatures: shape.count, outFeatures: outputs))
        return try Network(inputShape: input, layers: layers, seed: generator.next())
    }

    /// A model around `network` reading a patch or replicated rows as its input shape allows.
    static func model(_ network: Network, _ generator: inout SeededGenerator) throws -> Model {
        let shape = network.inputShape
        let bands: Int, layout: InputLayout
        if shape.channels == 1, shape.height > 1, !(shape.height == shape.width && shape.height % 2 == 1 && Bool.random(using: &generator)) {
            bands = shape.width; layout = .replicatedRows(rows: shape.height)
        } else {
            guard shape.height == shape.width, shape.height % 2 == 1 else { throw NetworkError.invalidInput("no layout for \(shape)") }
            bands = shape.channels; layout = .patch(size: shape.height)
        }
        let standardisation = Standardisation(
            inputMeans: (0..<bands).map { _ in uniform(&generator, 100...500) },
            inputStandardDeviations: (0..<bands).map { _ in uniform(&generator, 10...60) },
            targetMean: uniform(&generator, 1...4), targetStandardDeviation: uniform(&generator, 0.5...2))
        return try Model(preset: nil, network: network, inputLayout: layout,
                         bands: (1...bands).map { BandDescriptor(name: "b\($0)", number: $0) },
                         standardisation: standardisation, target: .re2o3)
    }
}
