@testable import NeuralNet
import TestSupport
import Testing

/// The batched backward pass against central finite differences of the Double reference forward.
@Suite struct GradientCheckTests {
    /// Loss = Σ over samples and outputs of (y − t)² / samples, for the analytic and the numeric side.
    /// `every`: check every n-th parameter (the paper preset has 4,545; debug builds are slow).
    func check(_ network: Network, samples: Int, seed: UInt64, dropout: Bool, every: Int = 1) {
        var generator = SeededGenerator(seed: seed)
        let inputs = (0..<samples).map { _ in (0..<network.inputShape.count).map { _ in RandomNetworks.uniform(&generator) } }
        let targets = (0..<samples).map { _ in (0..<network.outputShape.count).map { _ in Double(RandomNetworks.uniform(&generator)) } }
        let stream = { (lane: Int) in UInt64(lane * 31 + 5) }

        let propagation = BatchPropagation(network: network, capacity: samples)
        for (lane, input) in inputs.enumerated() { for (f, v) in input.enumerated() { propagation.setInput(feature: f, lane: lane, v) } }
        propagation.forward(sampleCount: samples, dropoutStream: dropout ? stream : nil)
        let outputGradient = propagation.gradients[network.layers.count]
        outputGradient.update(repeating: 0, count: network.outputShape.count * propagation.laneStride)
        for lane in 0..<samples {
            for o in 0..<network.outputShape.count {
                outputGradient[o * propagation.laneStride + lane] = Float(2 * (Double(propagation.output(o, lane: lane)) - targets[lane][o]) / Double(samples))
            }
        }
        propagation.clearParameterGradients()
        propagation.backward(sampleCount: samples, inputGradient: true)

        func loss(_ parameters: Network.ReferenceParameters, _ inputs: [[Double]]) -> Double {
            var sum = 0.0
            for (lane, input) in inputs.enumerated() {
                let output = network.referenceForward(input, parameters: parameters, dropoutStream: dropout ? stream(lane) : nil)
                for o in output.indices { sum += (output[o] - targets[lane][o]) * (output[o] - targets[lane][o]) }
            }
            return sum / Double(samples)
        }
        let base = network.referenceParameters
        let doubleInputs = inputs.map { $0.map(Double.init) }
        let h = 1e-6
        func compare(_ analytic: [Float], _ numeric: [Double], _ what: String) {
            let scale = max(numeric.map(abs).max() ?? 0, 1e-3)
            let worst = zip(analytic, numeric).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 2e-3 * scale, "\(what): worst difference \(worst) at gradient scale \(scale) in \(network.layers.map(\.kind))")
        }
        for (index, layer) in network.layers.enumerated() where layer.parameterShapes != nil {
            for isWeight in [true, false] {
                let count = isWeight ? base.weights[index].count : base.biases[index].count
                let checked = Array(stride(from: 0, to: count, by: isWeight ? every : 1))
                let numeric = checked.map { parameter -> Double in
                    var plus = base, minus = base
                    if isWeight { plus.weights[index][parameter] += h; minus.weights[index][parameter] -= h } else {
                        plus.biases[index][parameter] += h; minus.biases[index][parameter] -= h
                    }
                    return (loss(plus, doubleInputs) - loss(minus, doubleInputs)) / (2 * h)
                }
                let analytic = UnsafeBufferPointer(start: isWeight ? propagation.weightGradients[index]! : propagation.biasGradients[index]!, count: count)
                compare(checked.map { analytic[$0] }, numeric, "\(index).\(isWeight ? "weight" : "bias")")
            }
        }
        var numericInput: [Double] = [], analyticInput: [Float] = []
        for lane in 0..<samples {
            for feature in 0..<network.inputShape.count {
                var plus = doubleInputs, minus = doubleInputs
                plus[lane][feature] += h; minus[lane][feature] -= h
                numericInput.append((loss(base, plus) - loss(base, minus)) / (2 * h))
                analyticInput.append(propagation.gradients[0][feature * propagation.laneStride + lane])
            }
        }
        compare(analyticInput, numericInput, "input")
    }

    @Test func convolutionValidAndSameWithOddAndEvenKernels() throws {
        for (kernel, padding) in [(2, ConvPadding.same), (3, .same), (2, .valid), (3, .valid), (1, .valid)] {
            let network = try Network(inputShape: .init(channels: 2, height: 4, width: 5),
                                      layers: [.conv2d(inChannels: 2, outChannels: 3, kernel: kernel, padding: padding)], seed: 3)
            check(network, samples: 5, seed: UInt64(kernel), dropout: false)
        }
    }

    @Test func reluAndMaxPoolWithOverlappingWindows() throws {
        for (size, stride) in [(2, 2), (2, 1), (3, 2)] {
            let network = try Network(inputShape: .init(channels: 2, height: 5, width: 5),
                                      layers: [.relu, .maxPool(size: size, stride: stride)], seed: 4)
            check(network, samples: 17, seed: UInt64(size * 10 + stride), dropout: false)
        }
    }

    @Test func flattenDenseAndDropout() throws {
        let network = try Network(inputShape: .init(channels: 2, height: 2, width: 2),
                                  layers: [.flatten, .dense(inFeatures: 8, outFeatures: 6), .dropout(probability: 0.4),
                                           .dense(inFeatures: 6, outFeatures: 2)], seed: 5)
        check(network, samples: 20, seed: 6, dropout: true)
        check(network, samples: 3, seed: 7, dropout: false)
    }

    @Test func paperPresetAndRandomNetworks() throws {
        check(try NetworkPreset.paper.network(seed: 8), samples: 3, seed: 9, dropout: true, every: 13)
        var generator = SeededGenerator(seed: 10)
        for round in 0..<4 {
            check(try RandomNetworks.network(&generator, outputs: 1 + round % 2), samples: 3, seed: UInt64(round), dropout: true)
        }
    }
}
