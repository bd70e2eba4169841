import Dispatch
import Testing
import TestSupport
@testable import NeuralNet

/// `PaperNetworkPlan` (the compiled, SIMD path) against `PaperNetworkReference` (the network as written).
@Suite struct PaperNetworkPlanTests {
    /// Random parameters with PyTorch-like scales; `deadBias` shifts the biases down so that many ReLU
    /// units are dead for most inputs.
    static func randomWeights(using random: inout SeededGenerator, deadBias: Float = 0) -> PaperNetworkWeights {
        func uniform(_ count: Int, _ bound: Float, shift: Float = 0) -> [Float] {
            (0..<count).map { _ in Float.random(in: -bound...bound, using: &random) + shift }
        }
        return try! PaperNetworkWeights(
            conv1Weight: uniform(64, 0.5), conv1Bias: uniform(16, 0.5, shift: deadBias),
            conv2Weight: uniform(2048, 0.125), conv2Bias: uniform(32, 0.125, shift: deadBias),
            dense1Weight: uniform(2048, 0.18), dense1Bias: uniform(64, 0.18, shift: deadBias),
            dense2Weight: uniform(64, 0.125), dense2Bias: uniform(1, 0.125),
            inputMeans: (0..<4).map { _ in Float.random(in: 200...900, using: &random) },
            inputStandardDeviations: (0..<4).map { _ in Float.random(in: 20...200, using: &random) },
            targetMean: Float.random(in: -500...500, using: &random),
            targetStandardDeviation: Float.random(in: 0.1...300, using: &random))
    }

    /// Band-sequential pixels: mostly within a few sd of the means, some negative or very large.
    static func randomPixels(_ count: Int, for weights: PaperNetworkWeights, using random: inout SeededGenerator) -> [Float] {
        var values = [Float](repeating: 0, count: 4 * count)
        for pixel in 0..<count {
            let kind = Int.random(in: 0..<10, using: &random)
            for band in 0..<4 {
                let mean = weights.inputMeans[band], sd = weights.inputStandardDeviations[band]
                values[band * count + pixel] = switch kind {
                case 0: Float.random(in: -20_000...20_000, using: &random)
                case 1: -Float.random(in: 0...1000, using: &random)
                default: mean + sd * Float.random(in: -3...3, using: &random)
                }
            }
        }
        return values
    }

    /// Batch counts 1…48 (every tail length with 0, 1 and 2 full groups) and a few up to 100, each with
    /// fresh weights; every third set has its biases shifted down so many ReLU units are dead. Both
    /// ways of running groups (one at a time, and in pairs as AVX-512 builds do), on any machine.
    @Test(arguments: [false, true])
    func planMatchesLiteralNetworkOverRandomWeightsInputsAndBatchCounts(pairsGroups: Bool) {
        var random = SeededGenerator(seed: 0x9A9E_0005)
        var worstRelativeToMagnitude = 0.0
        let workspace = PaperNetworkWorkspace()
        for count in Array(1...48) + [63, 64, 65, 99, 100] {
            let weights = Self.randomWeights(using: &random, deadBias: count % 3 == 0 ? -0.4 : 0)
            let plan = PaperNetworkPlan(weights: weights, pairsGroups: pairsGroups), reference = PaperNetworkReference(weights: weights)
            let pixels = Self.randomPixels(count, for: weights, using: &random)
            var output = [Float](repeating: .nan, count: count + 1)
            output[count] = 12345  // guard value: the plan must write exactly `count` outputs
            pixels.withUnsafeBufferPointer { input in
                plan.predict(bandSequential: input.baseAddress!, bandStride: count, count: count,
                             into: &output, workspace: workspace)
            }
            #expect(output[count] == 12345)
            for pixel in 0..<count {
                let bands = (0..<4).map { Double(pixels[$0 * count + pixel]) }
                let (expected, magnitude) = reference.evaluate(bands)
                let error = abs(Double(output[pixel]) - expected)
                worstRelativeToMagnitude = max(worstRelativeToMagnitude, error / magnitude)
                // Relative 1e-5, with an absolute floor scaled by the sizes of the summed terms for
                // outputs that are small through cancellation.
                #expect(error <= 1e-5 * abs(expected) + 1e-6 * magnitude,
                        "count \(count) pixel \(pixel): plan \(output[pixel]), reference \(expected), magnitude \(magnitude)")
            }
        }
        #expect(worstRelativeToMagnitude < 1e-6)
    }

    /// Pairs of groups give the bits single groups give, for every batch length up to 5 pairs (so
    /// every mix of pairs, a single group and a padded tail) and dead-ReLU weights: a pixel's value
    /// never depends on where it falls in a batch, hence not on tile or strip sizes either.
    @Test func pairedGroupsAreBitIdenticalToSingleGroups() {
        var random = SeededGenerator(seed: 0x9A9E_0006)
        let workspace = PaperNetworkWorkspace()
        for count in 1...160 {
            let weights = Self.randomWeights(using: &random, deadBias: count % 4 == 0 ? -0.4 : 0)
            let pixels = Self.randomPixels(count, for: weights, using: &random)
            var outputs: [[Float]] = []
            for pairsGroups in [false, true] {
                let plan = PaperNetworkPlan(weights: weights, pairsGroups: pairsGroups)
                var output = [Float](repeating: .nan, count: count)
                pixels.withUnsafeBufferPointer { input in
                    plan.predict(bandSequential: input.baseAddress!, bandStride: count, count: count, into: &output, workspace: workspace)
                }
                outputs.append(output)
            }
            #expect(outputs[0].map(\.bitPattern) == outputs[1].map(\.bitPattern), "count \(count)")
        }
    }

    /// A hand-worked network that tells the padding side apart: z = [1 2 3 4], conv1 takes only the
    /// bottom-right tap, so 'same' padding at the bottom/right gives rows [2 3 4 0] (and a zero row 3);
    /// pool → [[3 4] [3 4]]; conv2's bottom-right tap at (0,0) reads 4; the dense layers pass it on;
    /// 4 · sd 2 + mean 1 = 9. Padding at the top/left would give a different value.
    @Test func handWorkedNetworkPadsBottomRight() throws {
        var conv1 = [Float](repeating: 0, count: 64), conv2 = [Float](repeating: 0, count: 2048)
        var dense1 = [Float](repeating: 0, count: 2048), dense2 = [Float](repeating: 0, count: 64)
        conv1[3] = 1; conv2[3] = 1; dense1[0] = 1; dense2[0] = 1
        let weights = try PaperNetworkWeights(
            conv1Weight: conv1, conv1Bias: .init(repeating: 0, count: 16), conv2Weight: conv2,
            conv2Bias: .init(repeating: 0, count: 32), dense1Weight: dense1, dense1Bias: .init(repeating: 0, count: 64),
            dense2Weight: dense2, dense2Bias: [0], inputMeans: [0, 0, 0, 0], inputStandardDeviations: [1, 1, 1, 1],
            targetMean: 1, targetStandardDeviation: 2)
        #expect(PaperNetworkReference(weights: weights).predict((1, 2, 3, 4)) == 9)
        #expect(PaperNetworkPlan(weights: weights).predict(bandSequential: [1, 2, 3, 4]) == [9])
    }

    /// A `paper` preset model (the layer library's own network and scalar reference) runs through the
    /// plan unchanged: an oracle independent of `PaperNetworkReference`.
    @Test func paperPresetModelMatchesLayerLibraryReference() throws {
        var random = SeededGenerator(seed: 0x9A9E_000A)
        let standardisation = Standardisation(inputMeans: [420, 510, 480, 760], inputStandardDeviations: [60, 75, 90, 140],
                                              targetMean: 3.5, targetStandardDeviation: 1.25)
        let model = try Model(preset: .paper, network: NetworkPreset.paper.network(seed: 11),
                              inputLayout: NetworkPreset.paper.inputLayout(), bands: BandDescriptor.gf2,
                              standardisation: standardisation, target: .re2o3)
        let weights = try PaperNetworkWeights(model: model)
        let plan = PaperNetworkPlan(weights: weights), reference = PaperNetworkReference(weights: weights)
        let count = 37
        let pixels = Self.randomPixels(count, for: weights, using: &random)
        let output = plan.predict(bandSequential: pixels)
        for pixel in 0..<count {
            let sample = (0..<4).map { pixels[$0 * count + pixel] }
            let expected = model.referencePrediction(sample: sample)
            let magnitude = reference.evaluate(sample.map(Double.init)).magnitude
            #expect(abs(Double(output[pixel]) - expected) <= 1e-5 * abs(expected) + 1e-6 * magnitude, "pixel \(pixel)")
        }

        let patch = try Model(preset: .patch, network: NetworkPreset.patch.network(size: 3, seed: 1),
                              inputLayout: NetworkPreset.patch.inputLayout(size: 3), bands: BandDescriptor.gf2,
                              standardisation: standardisation, target: .re2o3)
        #expect(throws: PaperNetworkError.self) { try PaperNetworkWeights(model: patch) }
    }

    /// The model PyTorch built and saved (tools/reference-cnn.py, fixtures/reference/cnn) gives PyTorch's
    /// predictions for its 1000 pixels through the plan.
    @Test func predictionsMatchPyTorchFixture() throws {
        let model = try Model.load(from: Fixtures.path("reference/cnn"))
        let weights = try PaperNetworkWeights(model: model)
        let reference = PaperNetworkReference(weights: weights)
        let rows = try Fixtures.csv("reference/cnn/pixels.csv")
        let bands = (1...4).map { band in rows.map { Float($0["b\(band)"]!)! } }
        let output = PaperNetworkPlan(weights: weights).predict(bandSequential: bands.flatMap { $0 })
        #expect(output.count == 1000)
        for (index, row) in rows.enumerated() {
            let expected = Double(row["prediction"]!)!, error = abs(Double(output[index]) - expected)
            // The absolute floor (sizes of the summed terms) only matters for outputs near zero; the
            // Double reference that gives it is slow in debug builds, so it runs only when needed.
            guard error > 1e-5 * abs(expected) else { continue }
            let magnitude = reference.evaluate((0..<4).map { Double(bands[$0][index]) }).magnitude
            #expect(error <= 1e-5 * abs(expected) + 1e-6 * magnitude, "pixel \(index)")
        }
    }

    @Test func fourPlaneAndBandSequentialFormsAgree() {
        var random = SeededGenerator(seed: 0x9A9E_0006)
        let weights = Self.randomWeights(using: &random)
        let plan = PaperNetworkPlan(weights: weights), count = 37
        let pixels = Self.randomPixels(count, for: weights, using: &random)
        let planes = (0..<4).map { Array(pixels[($0 * count)..<(($0 + 1) * count)]) }
        var output = [Float](repeating: 0, count: count)
        planes[0].withUnsafeBufferPointer { b1 in planes[1].withUnsafeBufferPointer { b2 in
            planes[2].withUnsafeBufferPointer { b3 in planes[3].withUnsafeBufferPointer { b4 in
                plan.predict(bands: (b1.baseAddress!, b2.baseAddress!, b3.baseAddress!, b4.baseAddress!),
                             count: count, into: &output, workspace: PaperNetworkWorkspace())
            } }
        } }
        #expect(output == plan.predict(bandSequential: pixels))
    }

    /// NaN pixels (nodata the caller did not mask) neither crash nor disturb their neighbours' lanes.
    @Test func nanPixelsLeaveOtherPixelsUntouched() {
        var random = SeededGenerator(seed: 0x9A9E_0007)
        let weights = Self.randomWeights(using: &random)
        let plan = PaperNetworkPlan(weights: weights), count = 40
        let clean = Self.randomPixels(count, for: weights, using: &random)
        var dirty = clean
        let nanPixels: Set = [0, 7, 16, 33, 39]
        for pixel in nanPixels { dirty[(pixel % 4) * count + pixel] = .nan }
        let expected = plan.predict(bandSequential: clean), actual = plan.predict(bandSequential: dirty)
        for pixel in 0..<count where !nanPixels.contains(pixel) { #expect(actual[pixel] == expected[pixel]) }
    }

    /// One shared plan, one workspace per thread: the results equal a single-threaded run bit for bit.
    @Test func concurrentCallersWithOwnWorkspacesAgreeWithSerialRun() {
        var random = SeededGenerator(seed: 0x9A9E_0008)
        let weights = Self.randomWeights(using: &random)
        let plan = PaperNetworkPlan(weights: weights), count = 4 * 48
        let pixels = Self.randomPixels(count, for: weights, using: &random)
        let serial = plan.predict(bandSequential: pixels)
        let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { output.deallocate() }
        let outputAddress = UInt(bitPattern: output.baseAddress!)
        pixels.withUnsafeBufferPointer { input in
            let inputAddress = UInt(bitPattern: input.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 4) { slice in
                let workspace = PaperNetworkWorkspace()
                let base = UnsafePointer<Float>(bitPattern: inputAddress)! + slice * 48
                plan.predict(bands: (base, base + count, base + 2 * count, base + 3 * count), count: 48,
                             into: UnsafeMutablePointer<Float>(bitPattern: outputAddress)! + slice * 48,
                             workspace: workspace)
            }
        }
        #expect(Array(output) == serial)
    }

    @Test func weightsRejectWrongShapesAndStatistics() {
        var random = SeededGenerator(seed: 0x9A9E_0009)
        let good = Self.randomWeights(using: &random)
        func dictionary(_ override: (String, [Int], [Float])? = nil) -> [String: (shape: [Int], values: [Float])] {
            let arrays = [good.conv1Weight, good.conv1Bias, good.conv2Weight, good.conv2Bias,
                          good.dense1Weight, good.dense1Bias, good.dense2Weight, good.dense2Bias]
            var result: [String: (shape: [Int], values: [Float])] = [:]
            for ((name, shape), values) in zip(PaperNetworkWeights.tensorShapes, arrays) { result[name] = (shape, values) }
            if let (name, shape, values) = override { result[name] = (shape, values) }
            return result
        }
        func load(_ entries: [String: (shape: [Int], values: [Float])], sds: [Float]? = nil, targetSd: Float = 1) throws(PaperNetworkError) -> PaperNetworkWeights {
            try PaperNetworkWeights(stateDictionary: entries, inputMeans: good.inputMeans,
                                    inputStandardDeviations: sds ?? good.inputStandardDeviations,
                                    targetMean: 0, targetStandardDeviation: targetSd)
        }
        #expect((try? load(dictionary()))?.conv2Weight == good.conv2Weight)
        var missing = dictionary(); missing["7.bias"] = nil
        #expect(throws: PaperNetworkError.missingTensor("7.bias")) { try load(missing) }
        #expect(throws: PaperNetworkError.shape(tensor: "3.weight", expected: [32, 16, 2, 2], actual: [32, 16, 3, 3])) {
            try load(dictionary(("3.weight", [32, 16, 3, 3], [Float](repeating: 0, count: 32 * 16 * 9))))
        }
        #expect(throws: PaperNetworkError.nonFiniteParameter(tensor: "10.weight")) {
            try load(dictionary(("10.weight", [1, 64], [Float](repeating: .infinity, count: 64))))
        }
        #expect(throws: PaperNetworkError.self) { try load(dictionary(), sds: [1, 1, 0, 1]) }
        #expect(throws: PaperNetworkError.self) { try load(dictionary(), targetSd: -1) }
        #expect(throws: PaperNetworkError.self) { try load(dictionary(), sds: [1, 1, 1]) }
        #expect(throws: PaperNetworkError.elementCount(tensor: "0.bias", expectedShape: [16], actualCount: 15)) {
            try PaperNetworkWeights(conv1Weight: good.conv1Weight, conv1Bias: Array(good.conv1Bias.dropLast()),
                                    conv2Weight: good.conv2Weight, conv2Bias: good.conv2Bias,
                                    dense1Weight: good.dense1Weight, dense1Bias: good.dense1Bias,
                                    dense2Weight: good.dense2Weight, dense2Bias: good.dense2Bias,
                                    inputMeans: good.inputMeans, inputStandardDeviations: good.inputStandardDeviations,
                                    targetMean: 0, targetStandardDeviation: 1)
        }
        #expect(PaperNetworkError.shape(tensor: "3.weight", expected: [32, 16, 2, 2], actual: [32, 16, 3, 3]).description
                == "paper network: tensor '3.weight' has shape [32, 16, 3, 3], expected [32, 16, 2, 2]")
    }
}
