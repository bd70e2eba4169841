@testable import NeuralNet
import TestSupport
import Testing

/// The SIMD inference engine against the scalar Double reference.
@Suite struct InferenceEngineTests {
    /// max |fast − reference| / max |reference| over a batch.
    func relativeError(_ fast: [Float], _ reference: [Double]) -> Double {
        let scale = max(reference.map(abs).max() ?? 0, 1e-12)
        return zip(fast, reference).map { abs(Double($0) - $1) }.max()! / scale
    }

    /// Raw samples around the model's means, plus their band-sequential window (a patch model's
    /// core is row-major `width × height`, surrounded by its halo).
    func pixels(_ model: Model, width: Int, height: Int, _ generator: inout SeededGenerator) -> (values: [Float], samples: [[Float]]) {
        let halo = model.inputLayout.halo, window = model.inputLayout.window
        let fullWidth = width + 2 * halo, fullHeight = height + 2 * halo
        var values = [Float](repeating: 0, count: model.bands.count * fullWidth * fullHeight)
        for band in 0..<model.bands.count {
            for index in 0..<fullWidth * fullHeight {
                values[band * fullWidth * fullHeight + index] = model.standardisation.inputMeans[band]
                    + model.standardisation.inputStandardDeviations[band] * RandomNetworks.uniform(&generator, -2...2)
            }
        }
        var samples: [[Float]] = []
        for row in 0..<height {
            for column in 0..<width {
                var sample: [Float] = []
                for band in 0..<model.bands.count {
                    for dy in 0..<window {
                        for dx in 0..<window { sample.append(values[band * fullWidth * fullHeight + (row + dy) * fullWidth + column + dx]) }
                    }
                }
                samples.append(sample)
            }
        }
        return (values, samples)
    }

    @Test func randomNetworksMatchTheReference() throws {
        var generator = SeededGenerator(seed: 501)
        var worst = 0.0
        for _ in 0..<40 {
            let model = try RandomNetworks.model(try RandomNetworks.network(&generator), &generator)
            let engine = InferenceEngine(model: model)
            let workspace = engine.makeWorkspace()
            let width = Int.random(in: 1...9, using: &generator), height = Int.random(in: 1...12, using: &generator)
            let (values, samples) = pixels(model, width: width, height: height, &generator)
            var output = [Float](repeating: .nan, count: samples.count)
            values.withUnsafeBufferPointer { values in
                output.withUnsafeMutableBufferPointer { output in
                    if model.inputLayout.window == 1, Bool.random(using: &generator) {
                        engine.predict(bandSequential: values.baseAddress!, pixelCount: samples.count, into: output.baseAddress!, workspace: workspace)
                    } else {
                        engine.predictWindows(bandSequential: values.baseAddress!, windowWidth: width + 2 * model.inputLayout.halo,
                                              windowHeight: height + 2 * model.inputLayout.halo, into: output.baseAddress!, workspace: workspace)
                    }
                }
            }
            let error = relativeError(output, samples.map { model.referencePrediction(sample: $0) })
            worst = max(worst, error)
            #expect(error <= 1e-5, "\(model.network.layers.map(\.kind)) on \(model.network.inputShape): relative error \(error)")
        }
        print("InferenceEngine vs reference over 40 random networks: worst relative error \(worst)")
    }

    @Test func paperAndPatchPresetsMatchTheReference() throws {
        var generator = SeededGenerator(seed: 502)
        for (preset, size) in [(NetworkPreset.paper, 1), (.patch, 5), (.patch, 3)] {
            let network = try preset.network(size: size, seed: 11)
            let model = try Model(preset: preset, network: network, inputLayout: preset.inputLayout(size: size), bands: BandDescriptor.gf2,
                                  standardisation: .init(inputMeans: [300, 350, 400, 450], inputStandardDeviations: [30, 35, 40, 45],
                                                         targetMean: 3, targetStandardDeviation: 1.5), target: .re2o3)
            let engine = InferenceEngine(model: model)
            let (values, samples) = pixels(model, width: 13, height: 11, &generator)
            var output = [Float](repeating: .nan, count: samples.count)
            values.withUnsafeBufferPointer { values in
                output.withUnsafeMutableBufferPointer { output in
                    engine.predictWindows(bandSequential: values.baseAddress!, windowWidth: 13 + 2 * model.inputLayout.halo,
                                          windowHeight: 11 + 2 * model.inputLayout.halo, into: output.baseAddress!, workspace: engine.makeWorkspace())
                }
            }
            let error = relativeError(output, samples.map { model.referencePrediction(sample: $0) })
            #expect(error <= 1e-5, "\(preset) \(size): relative error \(error)")
        }
    }

    @Test func bandPlanesAndBandSequentialAgree() throws {
        let model = try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 12), inputLayout: .replicatedRows(rows: 4),
                              bands: BandDescriptor.gf2, standardisation: .identity(bands: 4), target: .re2o3)
        let engine = InferenceEngine(model: model)
        var generator = SeededGenerator(seed: 503)
        let count = 150
        let values = (0..<4 * count).map { _ in RandomNetworks.uniform(&generator, -3...3) }
        var sequential = [Float](repeating: 0, count: count), planar = sequential
        let workspace = engine.makeWorkspace()
        values.withUnsafeBufferPointer { values in
            engine.predict(bandSequential: values.baseAddress!, pixelCount: count, into: &sequential, workspace: workspace)
            engine.predict(bands: (0..<4).map { values.baseAddress! + $0 * count }, pixelCount: count, into: &planar, workspace: workspace)
        }
        #expect(sequential == planar)
    }

    @Test func monteCarloDropoutIsReproducibleAcrossSplitsAndMatchesTheReference() throws {
        let model = try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 13), inputLayout: .replicatedRows(rows: 4),
                              bands: BandDescriptor.gf2, standardisation: .init(inputMeans: [0, 0, 0, 0], inputStandardDeviations: [1, 1, 1, 1],
                                                                               targetMean: 2, targetStandardDeviation: 3), target: .re2o3)
        let engine = InferenceEngine(model: model)
        var generator = SeededGenerator(seed: 504)
        let count = 90, passes = 20, seed: UInt64 = 77
        let values = (0..<4 * count).map { _ in RandomNetworks.uniform(&generator, -2...2) }
        func run(_ ranges: [Range<Int>]) -> ([Float], [Float]) {
            var mean = [Float](repeating: 0, count: count), deviation = mean
            let workspace = engine.makeWorkspace()
            for range in ranges {
                // Each piece is its own band-sequential buffer, as a tile would be.
                let piece = (0..<4).flatMap { band in values[band * count + range.lowerBound..<band * count + range.upperBound] }
                piece.withUnsafeBufferPointer { piece in
                    mean.withUnsafeMutableBufferPointer { mean in
                        deviation.withUnsafeMutableBufferPointer { deviation in
                            engine.monteCarloDropout(bandSequential: piece.baseAddress!, pixelCount: range.count, firstPixelIndex: range.lowerBound,
                                                     passes: passes, seed: seed, mean: mean.baseAddress! + range.lowerBound,
                                                     standardDeviation: deviation.baseAddress! + range.lowerBound, workspace: workspace)
                        }
                    }
                }
            }
            return (mean, deviation)
        }
        let whole = run([0..<count]), pieces = run([0..<7, 7..<40, 40..<90])
        #expect(whole.0 == pieces.0)
        #expect(whole.1 == pieces.1)
        for pixel in [0, 33, 89] {
            let sample = (0..<4).map { values[$0 * count + pixel] }
            let outputs = (0..<passes).map { pass in
                model.referencePrediction(sample: sample, dropoutStream: DropoutMask.streamKey(seed: seed, index: UInt64(pixel), pass: UInt64(pass)))
            }
            let mean = outputs.reduce(0, +) / Double(passes)
            let deviation = (outputs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(passes - 1)).squareRoot()
            #expect(abs(Double(whole.0[pixel]) - mean) <= 1e-5 * max(1, abs(mean)))
            #expect(abs(Double(whole.1[pixel]) - deviation) <= 1e-4 * max(1, deviation))
            #expect(deviation > 0)
        }
    }
}
