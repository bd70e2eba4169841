/// The plain layer-by-layer forward pass of one sample in Double: the reference every fast path
/// (lane kernels, the inference engine, compiled plans) is tested against, and the function the
/// finite-difference gradient checks differentiate.
extension Network {
    /// Parameters as Doubles, per layer (empty for parameterless layers).
    public struct ReferenceParameters: Sendable {
        public var weights: [[Double]]
        public var biases: [[Double]]
    }

    public var referenceParameters: ReferenceParameters {
        ReferenceParameters(weights: weights.map { $0.map(Double.init) }, biases: biases.map { $0.map(Double.init) })
    }

    /// The network output for one standardised input (`inputShape.count` values, PyTorch order).
    /// `dropoutStream` activates dropout with the masks of that stream (see `DropoutMask`).
    public func referenceForward(_ input: [Double], parameters: ReferenceParameters? = nil,
                                 dropoutStream: UInt64? = nil) -> [Double] {
        let parameters = parameters ?? referenceParameters
        var values = input
        for (index, layer) in layers.enumerated() {
            let inShape = shapes[index], outShape = shapes[index + 1]
            var next = [Double](repeating: 0, count: outShape.count)
            switch layer {
            case let .conv2d(inChannels, outChannels, kernel, padding):
                let lead = padding.leading(kernel: kernel)
                let w = parameters.weights[index], b = parameters.biases[index]
                for o in 0..<outChannels {
                    for oy in 0..<outShape.height {
                        for ox in 0..<outShape.width {
                            var sum = b[o]
                            for i in 0..<inChannels {
                                for ky in 0..<kernel {
                                    for kx in 0..<kernel {
                                        let iy = oy + ky - lead, ix = ox + kx - lead
                                        guard iy >= 0, iy < inShape.height, ix >= 0, ix < inShape.width else { continue }
                                        sum += w[((o * inChannels + i) * kernel + ky) * kernel + kx]
                                            * values[(i * inShape.height + iy) * inShape.width + ix]
                                    }
                                }
                            }
                            next[(o * outShape.height + oy) * outShape.width + ox] = sum
                        }
                    }
                }
            case .relu:
                next = values.map { max($0, 0) }
            case let .maxPool(size, stride):
                for c in 0..<outShape.channels {
                    for oy in 0..<outShape.height {
                        for ox in 0..<outShape.width {
                            var best = -Double.infinity
                            for dy in 0..<size {
                                for dx in 0..<size {
                                    best = max(best, values[(c * inShape.height + oy * stride + dy) * inShape.width + ox * stride + dx])
                                }
                            }
                            next[(c * outShape.height + oy) * outShape.width + ox] = best
                        }
                    }
                }
            case .flatten:
                next = values
            case let .dense(inFeatures, outFeatures):
                let w = parameters.weights[index], b = parameters.biases[index]
                for o in 0..<outFeatures {
                    var sum = b[o]
                    for i in 0..<inFeatures { sum += w[o * inFeatures + i] * values[i] }
                    next[o] = sum
                }
            case let .dropout(probability):
                guard let dropoutStream else { next = values; break }
                for feature in values.indices {
                    next[feature] = values[feature] * Double(DropoutMask.factor(
                        stream: dropoutStream, layer: index, feature: feature, probability: probability))
                }
            }
            values = next
        }
        return values
    }
}
