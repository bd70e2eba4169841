/// The parameters of the paper's CNN (preset `paper`) in PyTorch `nn.Sequential` layouts, plus the
/// standardisation statistics, checked for shape and sanity once so the inference code can trust them.
///
/// Layer indices follow the `nn.Sequential`: `0` conv 1→16 (2×2), `3` conv 16→32 (2×2),
/// `7` dense 32→64, `10` dense 64→1. Conv weights are `[out, in, kh, kw]`, dense weights `[out, in]`,
/// all row-major float32.
public struct PaperNetworkWeights: Sendable, Equatable {
    /// `0.weight`, shape [16, 1, 2, 2].
    public let conv1Weight: [Float]
    /// `0.bias`, shape [16].
    public let conv1Bias: [Float]
    /// `3.weight`, shape [32, 16, 2, 2].
    public let conv2Weight: [Float]
    /// `3.bias`, shape [32].
    public let conv2Bias: [Float]
    /// `7.weight`, shape [64, 32].
    public let dense1Weight: [Float]
    /// `7.bias`, shape [64].
    public let dense1Bias: [Float]
    /// `10.weight`, shape [1, 64].
    public let dense2Weight: [Float]
    /// `10.bias`, shape [1].
    public let dense2Bias: [Float]
    /// Per-band means used to standardise the 4 band values, z = (b − mean) / sd.
    public let inputMeans: [Float]
    /// Per-band standard deviations (finite, > 0).
    public let inputStandardDeviations: [Float]
    /// The network predicts the standardised target; y = output · targetStandardDeviation + targetMean.
    public let targetMean: Float
    public let targetStandardDeviation: Float

    /// Channel and feature counts of the paper preset.
    public static let conv1Channels = 16, conv2Channels = 32, hiddenWidth = 64, bandCount = 4

    /// The PyTorch state-dictionary names and shapes the paper preset uses, in layer order.
    public static let tensorShapes: [(name: String, shape: [Int])] = [
        ("0.weight", [16, 1, 2, 2]), ("0.bias", [16]),
        ("3.weight", [32, 16, 2, 2]), ("3.bias", [32]),
        ("7.weight", [64, 32]), ("7.bias", [64]),
        ("10.weight", [1, 64]), ("10.bias", [1]),
    ]

    /// Checks every array's element count against its PyTorch shape and the statistics for sanity.
    public init(conv1Weight: [Float], conv1Bias: [Float], conv2Weight: [Float], conv2Bias: [Float],
                dense1Weight: [Float], dense1Bias: [Float], dense2Weight: [Float], dense2Bias: [Float],
                inputMeans: [Float], inputStandardDeviations: [Float],
                targetMean: Float, targetStandardDeviation: Float) throws(PaperNetworkError) {
        let arrays = [conv1Weight, conv1Bias, conv2Weight, conv2Bias, dense1Weight, dense1Bias, dense2Weight, dense2Bias]
        for (array, expected) in zip(arrays, Self.tensorShapes) where array.count != expected.shape.reduce(1, *) {
            throw .elementCount(tensor: expected.name, expectedShape: expected.shape, actualCount: array.count)
        }
        for (name, values) in [("input means", inputMeans), ("input standard deviations", inputStandardDeviations)]
        where values.count != Self.bandCount {
            throw .statistic(name: name, problem: "has \(values.count) values, expected \(Self.bandCount) (one per band)")
        }
        for (band, (mean, sd)) in zip(inputMeans, inputStandardDeviations).enumerated() {
            if !mean.isFinite { throw .statistic(name: "input mean of band \(band + 1)", problem: "is \(mean), expected a finite value") }
            if !(sd.isFinite && sd > 0) { throw .statistic(name: "input standard deviation of band \(band + 1)", problem: "is \(sd), expected a finite value > 0") }
        }
        if !targetMean.isFinite { throw .statistic(name: "target mean", problem: "is \(targetMean), expected a finite value") }
        if !(targetStandardDeviation.isFinite && targetStandardDeviation > 0) {
            throw .statistic(name: "target standard deviation", problem: "is \(targetStandardDeviation), expected a finite value > 0")
        }
        for (array, expected) in zip(arrays, Self.tensorShapes) where array.contains(where: { !$0.isFinite }) {
            throw .nonFiniteParameter(tensor: expected.name)
        }
        self.conv1Weight = conv1Weight; self.conv1Bias = conv1Bias
        self.conv2Weight = conv2Weight; self.conv2Bias = conv2Bias
        self.dense1Weight = dense1Weight; self.dense1Bias = dense1Bias
        self.dense2Weight = dense2Weight; self.dense2Bias = dense2Bias
        self.inputMeans = inputMeans; self.inputStandardDeviations = inputStandardDeviations
        self.targetMean = targetMean; self.targetStandardDeviation = targetStandardDeviation
    }

    /// Builds the weights from a PyTorch-style state dictionary (`"0.weight"`, …, `"10.bias"`) as read
    /// from a safetensors file: each entry's shape must equal the paper preset's exactly.
    public init(stateDictionary: [String: (shape: [Int], values: [Float])],
                inputMeans: [Float], inputStandardDeviations: [Float],
                targetMean: Float, targetStandardDeviation: Float) throws(PaperNetworkError) {
        var arrays: [[Float]] = []
        for (name, shape) in Self.tensorShapes {
            guard let tensor = stateDictionary[name] else { throw .missingTensor(name) }
            guard tensor.shape == shape else { throw .shape(tensor: name, expected: shape, actual: tensor.shape) }
            arrays.append(tensor.values)
        }
        try self.init(conv1Weight: arrays[0], conv1Bias: arrays[1], conv2Weight: arrays[2], conv2Bias: arrays[3],
                      dense1Weight: arrays[4], dense1Bias: arrays[5], dense2Weight: arrays[6], dense2Bias: arrays[7],
                      inputMeans: inputMeans, inputStandardDeviations: inputStandardDeviations,
                      targetMean: targetMean, targetStandardDeviation: targetStandardDeviation)
    }
}

/// Why a set of parameters cannot be the paper network; each description is one line naming the tensor.
public enum PaperNetworkError: Error, Equatable, CustomStringConvertible {
    case missingTensor(String)
    case shape(tensor: String, expected: [Int], actual: [Int])
    case elementCount(tensor: String, expectedShape: [Int], actualCount: Int)
    case nonFiniteParameter(tensor: String)
    case statistic(name: String, problem: String)
    case architecture(String)

    public var description: String {
        switch self {
        case .missingTensor(let name):
            "paper network: tensor '\(name)' is missing"
        case .shape(let name, let expected, let actual):
            "paper network: tensor '\(name)' has shape \(actual), expected \(expected)"
        case .elementCount(let name, let shape, let count):
            "paper network: tensor '\(name)' has \(count) values, expected \(shape.reduce(1, *)) for shape \(shape)"
        case .nonFiniteParameter(let name):
            "paper network: tensor '\(name)' contains a NaN or infinite value"
        case .statistic(let name, let problem):
            "paper network: \(name) \(problem)"
        case .architecture(let problem):
            "paper network: \(problem)"
        }
    }
}
