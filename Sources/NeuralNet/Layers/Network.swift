import SeededRandom

/// A feed-forward stack of layers with its parameters, laid out exactly like a PyTorch
/// `nn.Sequential` of the same layers: layer `i`'s tensors are `"i.weight"` and `"i.bias"`, conv
/// weights `[out, in, kh, kw]` and dense weights `[out, in]`, row-major float32.
public struct Network: Sendable, Hashable {
    public let inputShape: TensorShape
    public let layers: [Layer]
    /// `shapes[i]` is the input shape of layer `i`; `shapes[layers.count]` the network's output.
    public let shapes: [TensorShape]
    /// Per layer; empty for parameterless layers.
    public internal(set) var weights: [[Float]]
    public internal(set) var biases: [[Float]]

    /// A network with the given parameters (`weights[i]`/`biases[i]` empty for parameterless layers).
    public init(inputShape: TensorShape, layers: [Layer], weights: [[Float]], biases: [[Float]]) throws(NetworkError) {
        if let problem = inputShape.problem { throw .invalidLayer("input: \(problem)") }
        var shapes = [inputShape]
        for (index, layer) in layers.enumerated() {
            switch layer.outputShape(for: shapes[index]) {
            case let .success(shape):
                // Checked before the next layer multiplies its sizes (a model file may hold any).
                if let problem = shape.problem { throw .invalidLayer("layer \(index): output \(problem)") }
                shapes.append(shape)
            case let .failure(error): throw .invalidLayer("layer \(index): \(error.description)")
            }
        }
        guard weights.count == layers.count, biases.count == layers.count else {
            throw .invalidParameters("\(weights.count) weight and \(biases.count) bias entries for \(layers.count) layers")
        }
        for (index, layer) in layers.enumerated() {
            let expected = layer.parameterShapes.map { ($0.weight.checkedProduct ?? -1, $0.bias.checkedProduct ?? -1) } ?? (0, 0)
            guard weights[index].count == expected.0, biases[index].count == expected.1 else {
                throw .invalidParameters("layer \(index) (\(layer.kind)) needs \(expected.0) weights and \(expected.1) biases, has \(weights[index].count) and \(biases[index].count)")
            }
        }
        self.inputShape = inputShape
        self.layers = layers
        self.shapes = shapes
        self.weights = weights
        self.biases = biases
    }

    /// A network initialised like PyTorch's `Conv2d`/`Linear.reset_parameters`: weights and biases
    /// uniform in ±1/√fan_in (kaiming-uniform with a = √5), drawn in layer order from `seed`.
    public init(inputShape: TensorShape, layers: [Layer], seed: UInt64) throws(NetworkError) {
        var generator = SplitMix64(seed: seed)
        var weights: [[Float]] = []
        var biases: [[Float]] = []
        for layer in layers {
            guard let shapes = layer.parameterShapes else { weights.append([]); biases.append([]); continue }
            let fanIn = shapes.weight.dropFirst().reduce(1, *)
            let bound = 1 / Float(fanIn).squareRoot()
            let draw = { (count: Int) in (0..<count).map { _ in (generator.nextUnitFloat() * 2 - 1) * bound } }
            weights.append(draw(shapes.weight.reduce(1, *)))
            biases.append(draw(shapes.bias.reduce(1, *)))
        }
        try self.init(inputShape: inputShape, layers: layers, weights: weights, biases: biases)
    }

    public var outputShape: TensorShape { shapes[layers.count] }

    /// Multiply-adds per sample of a plain (PyTorch-like) evaluation.
    public var multiplyAddsPerSample: Int {
        layers.indices.reduce(0) { $0 + layers[$1].multiplyAdds(output: shapes[$1 + 1]) }
    }

    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } + biases.reduce(0) { $0 + $1.count } }

    /// Every parameter tensor in PyTorch `state_dict` order: name, shape, values.
    public var namedParameters: [(name: String, shape: [Int], values: [Float])] {
        layers.indices.flatMap { index -> [(name: String, shape: [Int], values: [Float])] in
            guard let shapes = layers[index].parameterShapes else { return [] }
            return [("\(index).weight", shapes.weight, weights[index]), ("\(index).bias", shapes.bias, biases[index])]
        }
    }

    /// The values of `"<index>.weight"` or `"<index>.bias"`, or nil for an unknown name.
    public func parameter(named name: String) -> [Float]? {
        guard let (index, isWeight) = Self.parse(name), layers.indices.contains(index),
              layers[index].parameterShapes != nil else { return nil }
        return isWeight ? weights[index] : biases[index]
    }

    /// Replaces one parameter tensor (same element count).
    public mutating func setParameter(named name: String, to values: [Float]) throws(NetworkError) {
        guard let (index, isWeight) = Self.parse(name), layers.indices.contains(index),
              layers[index].parameterShapes != nil else { throw .invalidParameters("no parameter named \"\(name)\"") }
        let current = isWeight ? weights[index] : biases[index]
        guard current.count == values.count else {
            throw .invalidParameters("\"\(name)\" has \(current.count) values, given \(values.count)")
        }
        if isWeight { weights[index] = values } else { biases[index] = values }
    }

    private static func parse(_ name: String) -> (Int, Bool)? {
        let parts = name.split(separator: ".")
        guard parts.count == 2, let index = Int(parts[0]), parts[1] == "weight" || parts[1] == "bias" else { return nil }
        return (index, parts[1] == "weight")
    }
}
