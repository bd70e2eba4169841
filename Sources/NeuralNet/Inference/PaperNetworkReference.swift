/// The paper network computed literally as PyTorch writes it, one pixel at a time in Double: the real
/// 1×4×4 input image, zero-padded 'same' convolutions, ReLU, 2×2 max-pools, flatten, dense layers.
///
/// It is the oracle for `PaperNetworkPlan` (which skips the replicated rows and padding taps) and the
/// scalar baseline in the benchmarks; it is deliberately naive and slow.
public struct PaperNetworkReference: Sendable {
    public let weights: PaperNetworkWeights

    public init(weights: PaperNetworkWeights) { self.weights = weights }

    /// The de-standardised prediction for one pixel's 4 band values.
    public func predict(_ bands: (Float, Float, Float, Float)) -> Float {
        Float(evaluate([Double(bands.0), Double(bands.1), Double(bands.2), Double(bands.3)]).prediction)
    }

    /// The prediction and an error scale for it: the same network run on absolute values
    /// (|input| + |mean| over sd, |weights|, |biases|), in output units. Rounding in any Float
    /// implementation of the network is bounded by a small multiple of Float.ulpOfOne times it.
    public func evaluate(_ bands: [Double]) -> (prediction: Double, magnitude: Double) {
        let image = standardisedImage(bands, absolute: false)
        let magnitudeImage = standardisedImage(bands, absolute: true)
        let output = forward(image, absolute: false)
        let magnitude = forward(magnitudeImage, absolute: true)
        let sd = Double(weights.targetStandardDeviation)
        return (output * sd + Double(weights.targetMean), magnitude * sd + abs(Double(weights.targetMean)))
    }

    /// The 1×4×4 input: four identical rows [z1 z2 z3 z4].
    private func standardisedImage(_ bands: [Double], absolute: Bool) -> Tensor3 {
        var image = Tensor3(channels: 1, height: 4, width: 4)
        for column in 0..<4 {
            let mean = Double(weights.inputMeans[column]), sd = Double(weights.inputStandardDeviations[column])
            let z = absolute ? (abs(bands[column]) + abs(mean)) / sd : (bands[column] - mean) / sd
            for row in 0..<4 { image[0, row, column] = z }
        }
        return image
    }

    private func forward(_ image: Tensor3, absolute: Bool) -> Double {
        let w = weights
        var x = Self.convolveSame(image, w.conv1Weight, w.conv1Bias, outputChannels: 16, absolute: absolute)
        x = Self.maxPool2(Self.relu(x))
        x = Self.convolveSame(x, w.conv2Weight, w.conv2Bias, outputChannels: 32, absolute: absolute)
        x = Self.maxPool2(Self.relu(x))
        let flat = x.values  // 32×1×1 flattened in channel order
        let hidden = Self.dense(flat, w.dense1Weight, w.dense1Bias, outputs: 64, absolute: absolute).map { max($0, 0) }
        // Dropout(0.3) is the identity at inference.
        return Self.dense(hidden, w.dense2Weight, w.dense2Bias, outputs: 1, absolute: absolute)[0]
    }

    /// A channels × height × width feature map.
    struct Tensor3 {
        let channels: Int, height: Int, width: Int
        var values: [Double]
        init(channels: Int, height: Int, width: Int) {
            self.channels = channels; self.height = height; self.width = width
            values = [Double](repeating: 0, count: channels * height * width)
        }
        subscript(channel: Int, row: Int, column: Int) -> Double {
            get { values[(channel * height + row) * width + column] }
            set { values[(channel * height + row) * width + column] = newValue }
        }
    }

    /// 2×2 convolution, stride 1, PyTorch padding='same': for an even kernel the one padding row and
    /// column go to the bottom and right, so taps beyond the edge read zeros.
    static func convolveSame(_ input: Tensor3, _ weight: [Float], _ bias: [Float], outputChannels: Int,
                             absolute: Bool) -> Tensor3 {
        var output = Tensor3(channels: outputChannels, height: input.height, width: input.width)
        let magnitude: (Float) -> Double = absolute ? { abs(Double($0)) } : { Double($0) }
        for out in 0..<outputChannels {
            for row in 0..<input.height {
                for column in 0..<input.width {
                    var sum = magnitude(bias[out])
                    for channel in 0..<input.channels {
                        for kernelRow in 0..<2 {
                            for kernelColumn in 0..<2 {
                                let inputRow = row + kernelRow, inputColumn = column + kernelColumn
                                let value = inputRow < input.height && inputColumn < input.width
                                    ? input[channel, inputRow, inputColumn] : 0
                                sum += magnitude(weight[((out * input.channels + channel) * 2 + kernelRow) * 2 + kernelColumn]) * value
                            }
                        }
                    }
                    output[out, row, column] = sum
                }
            }
        }
        return output
    }

    static func relu(_ input: Tensor3) -> Tensor3 {
        var output = input
        output.values = input.values.map { max($0, 0) }
        return output
    }

    /// MaxPool2d(2, 2): floor division of the spatial size.
    static func maxPool2(_ input: Tensor3) -> Tensor3 {
        var output = Tensor3(channels: input.channels, height: input.height / 2, width: input.width / 2)
        for channel in 0..<input.channels {
            for row in 0..<output.height {
                for column in 0..<output.width {
                    output[channel, row, column] = max(
                        max(input[channel, 2 * row, 2 * column], input[channel, 2 * row, 2 * column + 1]),
                        max(input[channel, 2 * row + 1, 2 * column], input[channel, 2 * row + 1, 2 * column + 1]))
                }
            }
        }
        return output
    }

    /// y = W x + b with W row-major [outputs, inputs].
    static func dense(_ input: [Double], _ weight: [Float], _ bias: [Float], outputs: Int, absolute: Bool) -> [Double] {
        (0..<outputs).map { out in
            var sum = absolute ? abs(Double(bias[out])) : Double(bias[out])
            for (index, value) in input.enumerated() {
                let w = Double(weight[out * input.count + index])
                sum += (absolute ? abs(w) : w) * value
            }
            return sum
        }
    }
}
