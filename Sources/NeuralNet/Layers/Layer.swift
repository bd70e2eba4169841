/// Padding of a stride-1 convolution.
public enum ConvPadding: String, Sendable, Hashable, Codable {
    /// No padding: the output shrinks by `kernel − 1`.
    case valid
    /// Zero padding that keeps the size. For an even kernel the extra row/column goes to the
    /// right/bottom, as PyTorch's `padding='same'` does (left = (k−1)/2, right = k−1−left).
    case same

    /// Zero rows/columns before the first input row/column.
    public func leading(kernel: Int) -> Int { self == .same ? (kernel - 1) / 2 : 0 }
}

/// One layer of a `Network`. Its position in `Network.layers` is its PyTorch `nn.Sequential` index,
/// so parameterless layers (ReLU, max-pool, flatten, dropout) take an index too.
public enum Layer: Sendable, Hashable {
    /// `Conv2d(inChannels, outChannels, kernel, stride=1, padding=…)` with bias; weight `[out, in, k, k]`.
    case conv2d(inChannels: Int, outChannels: Int, kernel: Int, padding: ConvPadding)
    case relu
    /// `MaxPool2d(size, stride)`, no padding, floor rounding.
    case maxPool(size: Int, stride: Int)
    case flatten
    /// `Linear(inFeatures, outFeatures)` with bias; weight `[out, in]`.
    case dense(inFeatures: Int, outFeatures: Int)
    /// `Dropout(p)`: in training each activation is zeroed with probability `probability` and the
    /// survivors scaled by 1/(1−p) (inverted dropout); identity at inference.
    case dropout(probability: Float)

    /// PyTorch's class name, for specs and messages.
    public var kind: String {
        switch self {
        case .conv2d: "conv2d"
        case .relu: "relu"
        case .maxPool: "maxpool2d"
        case .flatten: "flatten"
        case .dense: "dense"
        case .dropout: "dropout"
        }
    }

    /// Shapes of the weight and bias tensors in PyTorch layout, or nil for parameterless layers.
    public var parameterShapes: (weight: [Int], bias: [Int])? {
        switch self {
        case let .conv2d(input, output, kernel, _): ([output, input, kernel, kernel], [output])
        case let .dense(input, output): ([output, input], [output])
        default: nil
        }
    }

    /// The output shape for `input`, or a one-line reason why the layer cannot take it.
    public func outputShape(for input: TensorShape) -> Result<TensorShape, NetworkError> {
        switch self {
        case let .conv2d(inChannels, outChannels, kernel, padding):
            guard inChannels > 0, outChannels > 0, kernel > 0 else { return .failure(.invalidLayer("\(kind) needs positive sizes")) }
            guard input.channels == inChannels else {
                return .failure(.invalidLayer("\(kind) expects \(inChannels) input channels, gets \(input)"))
            }
            if padding == .same { return .success(TensorShape(channels: outChannels, height: input.height, width: input.width)) }
            guard input.height >= kernel, input.width >= kernel else {
                return .failure(.invalidLayer("\(kind) kernel \(kernel) is larger than its input \(input)"))
            }
            return .success(TensorShape(channels: outChannels, height: input.height - kernel + 1, width: input.width - kernel + 1))
        case .relu, .dropout:
            if case let .dropout(p) = self, !(p >= 0 && p < 1) {
                return .failure(.invalidLayer("dropout probability \(p) is outside [0, 1)"))
            }
            return .success(input)
        case let .maxPool(size, stride):
            guard size > 0, stride > 0 else { return .failure(.invalidLayer("maxpool2d needs positive size and stride")) }
            guard input.height >= size, input.width >= size else {
                return .failure(.invalidLayer("maxpool2d size \(size) is larger than its input \(input)"))
            }
            return .success(TensorShape(channels: input.channels, height: (input.height - size) / stride + 1,
                                        width: (input.width - size) / stride + 1))
        case .flatten:
            return .success(TensorShape(channels: input.count, height: 1, width: 1))
        case let .dense(inFeatures, outFeatures):
            guard inFeatures > 0, outFeatures > 0 else { return .failure(.invalidLayer("dense needs positive sizes")) }
            guard input.height == 1, input.width == 1, input.channels == inFeatures else {
                return .failure(.invalidLayer("dense expects \(inFeatures) flattened features, gets \(input)"))
            }
            return .success(TensorShape(channels: outFeatures, height: 1, width: 1))
        }
    }

    /// Multiply-adds per sample, counting padded taps as PyTorch does.
    func multiplyAdds(output: TensorShape) -> Int {
        switch self {
        case let .conv2d(input, _, kernel, _): output.count * input * kernel * kernel
        case let .dense(input, _): output.count * input
        default: 0
        }
    }
}

/// Why a network, its input or its parameters are unusable.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidLayer(String)
    case invalidParameters(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .invalidLayer(reason): "invalid layer: \(reason)"
        case let .invalidParameters(reason): "invalid parameters: \(reason)"
        case let .invalidInput(reason): "invalid input: \(reason)"
        }
    }
}
