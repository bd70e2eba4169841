import Testing
import TestSupport
@testable import NeuralNet

/// Every `LaneKernels` kernel against its plain per-sample definition (`LaneKernelsReference`), over
/// random layer shapes (output channels not multiples of the kernel's block of four, kernels 1–4 with
/// every padding split) and batch sizes around the 16-lane width (1, 15, 16, 17, 31, 33, … 100), with
/// garbage in the padding lanes, which must neither leak into real lanes nor be written past the batch.
@Suite struct LaneKernelsTests {
    /// Batch sizes: 1, width − 1, width, width + 1, and larger tails.
    static let sampleCounts = [1, 15, 16, 17, 31, 33, 47, 64, 100, 5]
    /// Float sums against Double references: error ≤ this × Σ|terms| (measured worst 2.4e-7 over these
    /// trials, about two Float ulps of the magnitude).
    static let relativeTolerance = 2.5e-6
    /// What lanes a kernel must not write hold, so that a stray store shows up.
    static let sentinel: Float = 12345

    struct Geometry {
        let input: TensorShape, output: TensorShape, kernel: Int, leading: Int
        var rows: Int { input.channels * kernel * kernel }
    }

    struct Batch {
        let count: Int, groups: Int, laneStride: Int
        init(count: Int, spare: Bool) {
            self.count = count
            groups = (count + 15) / 16
            laneStride = groups * 16 + (spare ? 16 : 0)
        }
    }

    static func geometry(_ random: inout SeededGenerator) -> Geometry {
        while true {
            let kernel = Int.random(in: 1...4, using: &random)
            let leading = Int.random(in: 0..<kernel, using: &random), trailing = Int.random(in: 0..<kernel, using: &random)
            let input = TensorShape(channels: Int.random(in: 1...5, using: &random), height: Int.random(in: 1...6, using: &random),
                                    width: Int.random(in: 1...6, using: &random))
            let output = TensorShape(channels: Int.random(in: 1...9, using: &random), height: input.height - kernel + 1 + leading + trailing,
                                     width: input.width - kernel + 1 + leading + trailing)
            if output.height >= 1 && output.width >= 1 { return Geometry(input: input, output: output, kernel: kernel, leading: leading) }
        }
    }

    static func values(_ count: Int, _ range: ClosedRange<Float>, _ random: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &random) }
    }

    /// Samples (one feature vector each) in the lane layout; lanes past the batch get `padding()`.
    static func lanes(_ samples: [[Float]], features: Int, batch: Batch, padding: () -> Float) -> [Float] {
        var buffer = [Float](repeating: 0, count: features * batch.laneStride)
        for f in 0..<features {
            for lane in 0..<batch.laneStride { buffer[f * batch.laneStride + lane] = lane < batch.count ? samples[lane][f] : padding() }
        }
        return buffer
    }

    static func sample(_ buffer: [Float], _ lane: Int, features: Int, batch: Batch) -> [Double] {
        (0..<features).map { Double(buffer[$0 * batch.laneStride + lane]) }
    }

    static func expectClose(_ actual: [Double], _ expected: [Double], magnitude: [Double], _ context: @autoclosure () -> String) {
        for i in expected.indices {
            #expect(abs(actual[i] - expected[i]) <= relativeTolerance * magnitude[i] + 1e-30, "\(context()) feature \(i)")
        }
    }

    /// Lanes the kernel must leave alone: beyond its groups in every feature, and past `features`.
    static func expectUntouched(_ buffer: [Float], features: Int, written: Int, batch: Batch, _ context: String) {
        for f in 0..<features {
            let lanes = f < written ? (batch.groups * 16)..<batch.laneStride : 0..<batch.laneStride
            #expect(lanes.allSatisfy { buffer[f * batch.laneStride + $0] == sentinel }, "\(context) feature \(f)")
        }
    }

    /// Runs `LaneKernels.convolve` on lane buffers with the given tables and packed weights.
    static func convolve(_ tables: ConvTables, packed: [Float], bias: [Float]?, input: [Float], outputFeatures: Int,
                         batch: Batch, relu: Bool) -> [Float] {
        var output = [Float](repeating: sentinel, count: (outputFeatures + 2) * batch.laneStride)
        let bias = bias ?? []
        packed.withUnsafeBufferPointer { packed in input.withUnsafeBufferPointer { input in bias.withUnsafeBufferPointer { bias in
            output.withUnsafeMutableBufferPointer { output in
                LaneKernels.convolve(tables, packed: packed.baseAddress!, bias: bias.isEmpty ? nil : bias.baseAddress!, input: input.baseAddress!,
                                     output: output.baseAddress!, laneStride: batch.laneStride, groups: batch.groups, relu: relu)
            }
        } } }
        return output
    }

    /// Weights packed for `tables` by `pack`, NaN wherever `pack` leaves a slot unset.
    static func packed(_ tables: ConvTables, _ pack: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var packed = [Float](repeating: .nan, count: tables.rows * tables.paddedOutputs)
        packed.withUnsafeMutableBufferPointer { pack($0.baseAddress!) }
        return packed
    }

    /// Runs `LaneKernels.convolve` on `samples` (garbage in the padding lanes) and checks every real
    /// lane against `reference(sample, false)` within the tolerance of `reference(|sample|, true)`, the
    /// same sum over absolute values; lanes and features the kernel must not write keep the sentinel.
    static func checkConvolution(_ tables: ConvTables, packed: [Float], bias: [Float]?, samples: [[Float]], outputFeatures: Int,
                                 batch: Batch, relu: Bool, _ random: inout SeededGenerator, _ context: String,
                                 reference: ([Double], _ magnitude: Bool) -> [Double]) {
        let inputFeatures = samples.first?.count ?? 0
        let input = lanes(samples, features: inputFeatures, batch: batch) { Float.random(in: -1e3...1e3, using: &random) }
        let paddedBias = bias.map { $0 + [Float](repeating: 0, count: tables.paddedOutputs - $0.count) }
        let output = convolve(tables, packed: packed, bias: paddedBias, input: input, outputFeatures: outputFeatures, batch: batch, relu: relu)
        for lane in 0..<batch.count {
            let x = samples[lane].map(Double.init)
            let expected = reference(x, false).map { relu ? max($0, 0) : $0 }
            expectClose(sample(output, lane, features: outputFeatures, batch: batch), expected, magnitude: reference(x.map(abs), true),
                        "\(context) lane \(lane)")
        }
        expectUntouched(output, features: outputFeatures + 2, written: outputFeatures, batch: batch, context)
    }

    @Test func forwardConvolutionMatchesDirectConvolution() {
        var random = SeededGenerator(seed: 0x1A4E_0001)
        for trial in 0..<80 {
            let g = Self.geometry(&random), batch = Batch(count: Self.sampleCounts[trial % 10], spare: trial % 3 == 0)
            let weight = Self.values(g.output.channels * g.rows, -1...1, &random)
            let bias = trial % 4 == 2 ? nil : Self.values(g.output.channels, -1...1, &random)
            let samples = (0..<batch.count).map { _ in Self.values(g.input.count, -2...2, &random) }
            let tables = ConvTables.forward(input: g.input, output: g.output, kernel: g.kernel, leading: g.leading)
            let packed = Self.packed(tables) { ConvTables.packForward(weight: weight, outputChannels: g.output.channels, rows: tables.rows, into: $0) }
            let w = weight.map(Double.init), b = bias?.map(Double.init)
            Self.checkConvolution(tables, packed: packed, bias: bias, samples: samples, outputFeatures: g.output.count, batch: batch,
                                  relu: trial % 2 == 1, &random, "trial \(trial) \(g.input)→\(g.output) k\(g.kernel)") { x, magnitude in
                LaneKernelsReference.convolution(x, from: g.input, to: g.output, weight: magnitude ? w.map(abs) : w,
                                                 bias: magnitude ? b?.map(abs) : b, kernel: g.kernel, leading: g.leading)
            }
        }
    }

    /// The transposed map (`ConvTables.backwardData` through the same kernel) against the scatter of
    /// output gradients along the forward taps.
    @Test func inputGradientMatchesScatteredOutputGradient() {
        var random = SeededGenerator(seed: 0x1A4E_0002)
        for trial in 0..<80 {
            let g = Self.geometry(&random), batch = Batch(count: Self.sampleCounts[trial % 10], spare: trial % 3 == 1)
            let weight = Self.values(g.output.channels * g.rows, -1...1, &random)
            let gradients = (0..<batch.count).map { _ in Self.values(g.output.count, -2...2, &random) }
            let tables = ConvTables.backwardData(input: g.input, output: g.output, kernel: g.kernel, leading: g.leading)
            let packed = Self.packed(tables) {
                ConvTables.packBackwardData(weight: weight, outputChannels: g.output.channels, inputChannels: g.input.channels, kernel: g.kernel, into: $0)
            }
            let w = weight.map(Double.init)
            Self.checkConvolution(tables, packed: packed, bias: nil, samples: gradients, outputFeatures: g.input.count, batch: batch,
                                  relu: false, &random, "trial \(trial) \(g.input)→\(g.output) k\(g.kernel)") { dy, magnitude in
                LaneKernelsReference.convolutionInputGradient(dy, from: g.input, to: g.output, weight: magnitude ? w.map(abs) : w,
                                                              kernel: g.kernel, leading: g.leading)
            }
        }
    }

    /// Weight and bias gradients are added to what the buffers hold, summed over the batch's lanes; the
    /// output gradient is zero on padding lanes (BatchPropagation's contract) while the input there is garbage.
    @Test func parameterGradientsAccumulateOverSamples() {
        var random = SeededGenerator(seed: 0x1A4E_0003)
        for trial in 0..<80 {
            let g = Self.geometry(&random), batch = Batch(count: Self.sampleCounts[trial % 10], spare: trial % 3 == 2)
            let samples = (0..<batch.count).map { _ in Self.values(g.input.count, -2...2, &random) }
            let gradients = (0..<batch.count).map { _ in Self.values(g.output.count, -2...2, &random) }
            let tables = ConvTables.forward(input: g.input, output: g.output, kernel: g.kernel, leading: g.leading)
            let input = Self.lanes(samples, features: g.input.count, batch: batch) { Float.random(in: -1e3...1e3, using: &random) }
            let outputGradient = Self.lanes(gradients, features: g.output.count, batch: batch) { 0 }
            let initialWeight = Self.values(g.output.channels * g.rows, -1...1, &random)
            let initialBias = Self.values(g.output.channels, -1...1, &random)
            var weightGradient = initialWeight, biasGradient = initialBias
            input.withUnsafeBufferPointer { input in outputGradient.withUnsafeBufferPointer { outputGradient in
                weightGradient.withUnsafeMutableBufferPointer { weightGradient in biasGradient.withUnsafeMutableBufferPointer { biasGradient in
                    LaneKernels.accumulateWeightGradient(tables, input: input.baseAddress!, outputGradient: outputGradient.baseAddress!,
                                                         laneStride: batch.laneStride, groups: batch.groups,
                                                         weightGradient: weightGradient.baseAddress!, biasGradient: biasGradient.baseAddress!)
                } }
            } }
            var expectedWeight = initialWeight.map(Double.init), expectedBias = initialBias.map(Double.init)
            var weightMagnitude = initialWeight.map { abs(Double($0)) }, biasMagnitude = initialBias.map { abs(Double($0)) }
            for lane in 0..<batch.count {
                let x = samples[lane].map(Double.init), dy = gradients[lane].map(Double.init)
                let exact = LaneKernelsReference.convolutionParameterGradient(x, dy, from: g.input, to: g.output, kernel: g.kernel, leading: g.leading)
                let bound = LaneKernelsReference.convolutionParameterGradient(x.map(abs), dy.map(abs), from: g.input, to: g.output,
                                                                              kernel: g.kernel, leading: g.leading)
                for i in expectedWeight.indices { expectedWeight[i] += exact.weight[i]; weightMagnitude[i] += bound.weight[i] }
                for o in expectedBias.indices { expectedBias[o] += exact.bias[o]; biasMagnitude[o] += bound.bias[o] }
            }
            let context = "trial \(trial) \(g.input)→\(g.output) k\(g.kernel) batch \(batch.count)"
            Self.expectClose(weightGradient.map(Double.init), expectedWeight, magnitude: weightMagnitude, context + " weight")
            Self.expectClose(biasGradient.map(Double.init), expectedBias, magnitude: biasMagnitude, context + " bias")
        }
    }

    static func poolGeometry(_ random: inout SeededGenerator) -> (input: TensorShape, output: TensorShape, size: Int, stride: Int) {
        let size = Int.random(in: 1...3, using: &random), stride = Int.random(in: 1...3, using: &random)
        let input = TensorShape(channels: Int.random(in: 1...4, using: &random), height: Int.random(in: size...9, using: &random),
                                width: Int.random(in: size...9, using: &random))
        let output = TensorShape(channels: input.channels, height: (input.height - size) / stride + 1, width: (input.width - size) / stride + 1)
        return (input, output, size, stride)
    }

    /// Small integers, so windows often hold tied maxima and the first-maximum rule is exercised.
    static func tiedValues(_ count: Int, _ random: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(Int.random(in: -3...3, using: &random)) }
    }

    @Test func maxPoolMatchesWindowMaximum() {
        var random = SeededGenerator(seed: 0x1A4E_0004)
        for trial in 0..<80 {
            let g = Self.poolGeometry(&random), batch = Batch(count: Self.sampleCounts[trial % 10], spare: trial % 2 == 0)
            let samples = (0..<batch.count).map { _ in trial % 2 == 0 ? Self.tiedValues(g.input.count, &random) : Self.values(g.input.count, -5...5, &random) }
            let input = Self.lanes(samples, features: g.input.count, batch: batch) { Float.random(in: -1e3...1e3, using: &random) }
            var output = [Float](repeating: Self.sentinel, count: (g.output.count + 2) * batch.laneStride)
            input.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { output in
                LaneKernels.maxPool(input: input.baseAddress!, from: g.input, to: g.output, size: g.size, stride: g.stride,
                                    output: output.baseAddress!, laneStride: batch.laneStride, groups: batch.groups)
            } }
            for lane in 0..<batch.count {
                let expected = LaneKernelsReference.maxPool(samples[lane].map(Double.init), from: g.input, to: g.output, size: g.size, stride: g.stride)
                #expect(Self.sample(output, lane, features: g.output.count, batch: batch) == expected, "trial \(trial) lane \(lane)")
            }
            Self.expectUntouched(output, features: g.output.count + 2, written: g.output.count, batch: batch, "trial \(trial)")
        }
    }

    /// The pooled gradients routed to each window's first maximum, into a buffer that held garbage.
    @Test func maxPoolBackwardRoutesToFirstMaximum() {
        var random = SeededGenerator(seed: 0x1A4E_0005)
        for trial in 0..<80 {
            let g = Self.poolGeometry(&random), batch = Batch(count: Self.sampleCounts[trial % 10], spare: trial % 2 == 1)
            let samples = (0..<batch.count).map { _ in Self.tiedValues(g.input.count, &random) }
            let gradients = (0..<batch.count).map { _ in Self.values(g.output.count, -2...2, &random) }
            let input = Self.lanes(samples, features: g.input.count, batch: batch) { Float.random(in: -1e3...1e3, using: &random) }
            let pooled = samples.map { LaneKernelsReference.maxPool($0.map(Double.init), from: g.input, to: g.output, size: g.size, stride: g.stride) }
            let output = Self.lanes(pooled.map { $0.map(Float.init) }, features: g.output.count, batch: batch) { 0 }
            let outputGradient = Self.lanes(gradients, features: g.output.count, batch: batch) { 0 }
            var inputGradient = (0..<(g.input.count * batch.laneStride)).map { _ in Float.random(in: -9...9, using: &random) }
            input.withUnsafeBufferPointer { input in output.withUnsafeBufferPointer { output in
                outputGradient.withUnsafeBufferPointer { outputGradient in inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                    LaneKernels.maxPoolBackward(input: input.baseAddress!, output: output.baseAddress!, outputGradient: outputGradient.baseAddress!,
                                                inputGradient: inputGradient.baseAddress!, from: g.input, to: g.output, size: g.size,
                                                stride: g.stride, laneStride: batch.laneStride, groups: batch.groups)
                } }
            } }
            for lane in 0..<batch.count {
                let x = samples[lane].map(Double.init), dy = gradients[lane].map(Double.init)
                let expected = LaneKernelsReference.maxPoolInputGradient(x, dy, from: g.input, to: g.output, size: g.size, stride: g.stride)
                let magnitude = LaneKernelsReference.maxPoolInputGradient(x, dy.map(abs), from: g.input, to: g.output, size: g.size, stride: g.stride)
                Self.expectClose(Self.sample(inputGradient, lane, features: g.input.count, batch: batch), expected, magnitude: magnitude,
                                 "trial \(trial) \(g.input) size \(g.size) stride \(g.stride) lane \(lane)")
            }
        }
    }

    /// ReLU, its backward pass and the dropout product, element by element over buffers of 16·k floats.
    @Test func elementwiseKernelsMatchScalarDefinitions() {
        var random = SeededGenerator(seed: 0x1A4E_0006)
        for groups in [1, 2, 3, 7, 64] {
            let count = groups * 16
            // Exact zeros and negative zeros among the values: ReLU's boundary.
            let values = (0..<count).map { i in i % 5 == 0 ? (i % 10 == 0 ? 0 : -0.0) : Float.random(in: -3...3, using: &random) }
            let gradient = Self.values(count, -2...2, &random), factors = Self.values(count, 0...2, &random)
            var relu = values + [Self.sentinel]
            relu.withUnsafeMutableBufferPointer { LaneKernels.relu($0.baseAddress!, count: count) }
            #expect(relu == values.map { $0 > 0 ? $0 : 0 } + [Self.sentinel], "ReLU over \(count)")
            var passed = [Float](repeating: Self.sentinel, count: count + 1), product = passed
            values.withUnsafeBufferPointer { values in gradient.withUnsafeBufferPointer { gradient in factors.withUnsafeBufferPointer { factors in
                passed.withUnsafeMutableBufferPointer {
                    LaneKernels.reluBackward(output: values.baseAddress!, outputGradient: gradient.baseAddress!, inputGradient: $0.baseAddress!, count: count)
                }
                product.withUnsafeMutableBufferPointer {
                    LaneKernels.multiply(gradient.baseAddress!, by: factors.baseAddress!, into: $0.baseAddress!, count: count)
                }
            } } }
            #expect(passed == (0..<count).map { values[$0] > 0 ? gradient[$0] : 0 } + [Self.sentinel], "ReLU backward over \(count)")
            #expect(product == (0..<count).map { gradient[$0] * factors[$0] } + [Self.sentinel], "product over \(count)")
        }
    }
}
