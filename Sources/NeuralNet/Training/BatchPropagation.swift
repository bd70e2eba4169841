/// Forward and backward passes of a whole batch through a `Network` in the lane layout (see
/// `LaneKernels`), keeping every layer's activations for the backward pass. One instance serves
/// one training run: buffers are sized once for `capacity` samples.
final class BatchPropagation {
    let layers: [Layer]
    let shapes: [TensorShape]
    let capacity: Int
    /// Distance between consecutive features of the batch: `capacity` rounded up to 16.
    let laneStride: Int
    /// `activations[i]` is the input of layer i; the last one the network output.
    let activations: [UnsafeMutablePointer<Float>]
    /// `gradients[i]` is ∂loss/∂`activations[i]`.
    let gradients: [UnsafeMutablePointer<Float>]
    /// Per parameter layer: ∂loss/∂weight and ∂loss/∂bias, in PyTorch layout (summed since `clearParameterGradients`).
    let weightGradients: [UnsafeMutablePointer<Float>?]
    let biasGradients: [UnsafeMutablePointer<Float>?]
    /// Per dropout layer: the factor (0 or 1/(1−p)) each activation was multiplied by.
    let dropoutFactors: [UnsafeMutablePointer<Float>?]
    private let forwardTables: [ConvTables?]
    private let backwardTables: [ConvTables?]
    private let packedForward: [UnsafeMutablePointer<Float>?]
    private let packedBackward: [UnsafeMutablePointer<Float>?]
    private let packedBias: [UnsafeMutablePointer<Float>?]
    private var allocations: [UnsafeMutablePointer<Float>] = []

    init(network: Network, capacity: Int) {
        layers = network.layers
        shapes = network.shapes
        self.capacity = capacity
        laneStride = max(16, (capacity + 15) & ~15)
        var owned: [UnsafeMutablePointer<Float>] = []
        func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 16))
            pointer.initialize(repeating: 0, count: max(count, 16))
            owned.append(pointer)
            return pointer
        }
        let stride = laneStride
        activations = network.shapes.map { allocate($0.count * stride) }
        gradients = network.shapes.map { allocate($0.count * stride) }
        var forward: [ConvTables?] = [], backward: [ConvTables?] = []
        var packedF: [UnsafeMutablePointer<Float>?] = [], packedB: [UnsafeMutablePointer<Float>?] = []
        var bias: [UnsafeMutablePointer<Float>?] = [], weightGrad: [UnsafeMutablePointer<Float>?] = []
        var biasGrad: [UnsafeMutablePointer<Float>?] = [], factors: [UnsafeMutablePointer<Float>?] = []
        for (index, layer) in network.layers.enumerated() {
            let input = network.shapes[index], output = network.shapes[index + 1]
            factors.append(layer.isDropout ? allocate(input.count * stride) : nil)
            guard let geometry = layer.convolutionGeometry else {
                forward.append(nil); backward.append(nil); packedF.append(nil); packedB.append(nil)
                bias.append(nil); weightGrad.append(nil); biasGrad.append(nil)
                continue
            }
            let f = ConvTables.forward(input: input, output: output,
                                       kernel: geometry.kernel, leading: geometry.leading)
            let b = ConvTables.backwardData(input: input, output: output,
                                            kernel: geometry.kernel, leading: geometry.leading)
            forward.append(f); backward.append(b)
            packedF.append(allocate(f.rows * f.paddedOutputs))
            packedB.append(allocate(b.rows * b.paddedOutputs))
            bias.append(allocate(f.paddedOutputs))
            weightGrad.append(allocate(network.weights[index].count))
            biasGrad.append(allocate(network.biases[index].count))
        }
        forwardTables = forward; backwardTables = backward
        packedForward = packedF; packedBackward = packedB; packedBias = bias
        weightGradients = weightGrad; biasGradients = biasGrad; dropoutFactors = factors
        allocations = owned
        setParameters(network)
    }

    deinit { for pointer in allocations { pointer.deallocate() } }

    /// Repacks the kernels' weight copies from `network` (same architecture).
    func setParameters(_ network: Network) {
        for (index, layer) in layers.enumerated() {
            guard let geometry = layer.convolutionGeometry, let f = forwardTables[index] else { continue }
            ConvTables.packForward(weight: network.weights[index], outputChannels: f.outputs, rows: f.rows,
                                   into: packedForward[index]!)
            ConvTables.packBackwardData(weight: network.weights[index], outputChannels: f.outputs,
                                        inputChannels: geometry.inputChannels, kernel: geometry.kernel,
                                        into: packedBackward[index]!)
            packedBias[index]!.update(repeating: 0, count: f.paddedOutputs)
            for (o, value) in network.biases[index].enumerated() { packedBias[index]![o] = value }
        }
    }

    /// Sets input feature `feature` of batch lane `lane`.
    @inline(__always) func setInput(feature: Int, lane: Int, _ value: Float) {
        activations[0][feature * laneStride + lane] = value
    }

    /// The network's output `output` for batch lane `lane`.
    @inline(__always) func output(_ output: Int, lane: Int) -> Float {
        activations[layers.count][output * laneStride + lane]
    }

    /// Runs the batch's first `sampleCount` lanes forward. With `dropoutStream`, dropout layers are
    /// active and lane s uses the masks of stream `dropoutStream(s)` (see `DropoutMask`);
    /// otherwise dropout is the identity.
    func forward(sampleCount: Int, dropoutStream: ((Int) -> UInt64)?) {
        precondition(sampleCount <= capacity)
        let groups = (sampleCount + 15) / 16
        for (index, layer) in layers.enumerated() {
            let input = activations[index], output = activations[index + 1]
            let inShape = shapes[index], outShape = shapes[index + 1]
            switch layer {
            case .conv2d, .dense:
                LaneKernels.convolve(forwardTables[index]!, packed: packedForward[index]!, bias: packedBias[index]!,
                                     input: input, output: output, laneStride: laneStride, groups: groups, relu: false)
            case .relu:
                output.update(from: input, count: inShape.count * laneStride)
                LaneKernels.relu(output, count: inShape.count * laneStride)
            case let .maxPool(size, stride):
                LaneKernels.maxPool(input: input, from: inShape, to: outShape, size: size, stride: stride,
                                    output: output, laneStride: laneStride, groups: groups)
            case .flatten:
                output.update(from: input, count: inShape.count * laneStride)
            case let .dropout(probability):
                let factors = dropoutFactors[index]!
                if let dropoutStream {
                    for lane in 0..<sampleCount {
                        let stream = dropoutStream(lane)
                        for feature in 0..<inShape.count {
                            factors[feature * laneStride + lane] = DropoutMask.factor(
                                stream: stream, layer: index, feature: feature, probability: probability)
                        }
                    }
                } else {
                    for feature in 0..<inShape.count {
                        (factors + feature * laneStride).update(repeating: 1, count: sampleCount)
                    }
                }
                LaneKernels.multiply(input, by: factors, into: output, count: inShape.count * laneStride)
            }
        }
    }

    func clearParameterGradients() {
        for (index, layer) in layers.enumerated() where layer.convolutionGeometry != nil {
            weightGradients[index]!.update(repeating: 0, count: forwardTables[index]!.outputs * forwardTables[index]!.rows)
            biasGradients[index]!.update(repeating: 0, count: forwardTables[index]!.outputs)
        }
    }

    /// Propagates `gradients[layers.count]` (∂loss/∂output, zero on lanes ≥ `sampleCount`) back,
    /// adding parameter gradients; fills `gradients[0]` too when `inputGradient`.
    func backward(sampleCount: Int, inputGradient: Bool) {
        let groups = (sampleCount + 15) / 16
        for index in layers.indices.reversed() {
            let needsInput = index > 0 || inputGradient
            let inShape = shapes[index], outShape = shapes[index + 1]
            let outGradient = gradients[index + 1], inGradient = gradients[index]
            switch layers[index] {
            case .conv2d, .dense:
                LaneKernels.accumulateWeightGradient(forwardTables[index]!, input: activations[index],
                                                     outputGradient: outGradient, laneStride: laneStride, groups: groups,
                                                     weightGradient: weightGradients[index]!, biasGradient: biasGradients[index]!)
                if needsInput {
                    LaneKernels.convolve(backwardTables[index]!, packed: packedBackward[index]!, bias: nil,
                                         input: outGradient, output: inGradient, laneStride: laneStride,
                                         groups: groups, relu: false)
                }
            case .relu:
                guard needsInput else { continue }
                LaneKernels.reluBackward(output: activations[index + 1], outputGradient: outGradient,
                                         inputGradient: inGradient, count: inShape.count * laneStride)
            case let .maxPool(size, stride):
                guard needsInput else { continue }
                LaneKernels.maxPoolBackward(input: activations[index], output: activations[index + 1],
                                            outputGradient: outGradient, inputGradient: inGradient,
                                            from: inShape, to: outShape, size: size, stride: stride,
                                            laneStride: laneStride, groups: groups)
            case .flatten:
                guard needsInput else { continue }
                inGradient.update(from: outGradient, count: inShape.count * laneStride)
            case .dropout:
                guard needsInput else { continue }
                LaneKernels.multiply(outGradient, by: dropoutFactors[index]!, into: inGradient, count: inShape.count * laneStride)
            }
        }
    }
}

/// A conv or dense layer seen as a stride-1 convolution (dense: 1×1 kernel on a 1×1 input).
struct ConvolutionGeometry {
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let leading: Int
}

extension Layer {
    var convolutionGeometry: ConvolutionGeometry? {
        switch self {
        case let .conv2d(input, output, kernel, padding):
            ConvolutionGeometry(inputChannels: input, outputChannels: output, kernel: kernel, leading: padding.leading(kernel: kernel))
        case let .dense(input, output):
            ConvolutionGeometry(inputChannels: input, outputChannels: output, kernel: 1, leading: 0)
        default: nil
        }
    }

    var isDropout: Bool { if case .dropout = self { true } else { false } }
}
