import Foundation
@testable import NeuralNet
import TestSupport
import Testing

/// A model built and saved by PyTorch (tools/reference-cnn.py) loads and runs unchanged.
@Suite struct PyTorchInteropTests {
    let folder = Fixtures.path("reference/cnn")

    @Test func predictionsMatchPyTorch() throws {
        let model = try Model.load(from: folder)
        #expect(model.preset == .paper && model.target == .re2o3)
        let rows = try Fixtures.csv("reference/cnn/pixels.csv")
        #expect(rows.count == 1000)
        let bands = (1...4).map { band in rows.map { Float($0["b\(band)"]!)! } }
        let expected = rows.map { Double($0["prediction"]!)! }
        var output = [Float](repeating: .nan, count: rows.count)
        let engine = InferenceEngine(model: model)
        let values = bands.flatMap { $0 }
        values.withUnsafeBufferPointer {
            engine.predict(bandSequential: $0.baseAddress!, pixelCount: rows.count, into: &output, workspace: engine.makeWorkspace())
        }
        let scale = expected.map(abs).max()!
        let fastError = zip(output, expected).map { abs(Double($0) - $1) }.max()! / scale
        let scalarError = rows.indices.map { index in
            abs(model.referencePrediction(sample: (0..<4).map { bands[$0][index] }) - expected[index])
        }.max()! / scale
        print("PyTorch interop: engine relative error \(fastError), scalar reference \(scalarError)")
        // Measured (Float32 against PyTorch's float32): engine 8.0e-8, scalar reference 7.2e-8.
        #expect(fastError <= 1e-6)
        #expect(scalarError <= 1e-6)
    }

    @Test func lossGradientsMatchPyTorchAutograd() throws {
        let model = try Model.load(from: folder)
        let rows = try Fixtures.csv("reference/cnn/gradient-batch.csv")
        let gradientData = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("reference/cnn/gradients.safetensors")))
        let expected = try Safetensors.decode(gradientData, file: "gradients.safetensors")
        let propagation = BatchPropagation(network: model.network, capacity: rows.count)
        for (lane, row) in rows.enumerated() {
            let input = model.networkInput(sample: (1...4).map { Float(row["b\($0)"]!)! })
            for (feature, value) in input.enumerated() { propagation.setInput(feature: feature, lane: lane, Float(value)) }
        }
        propagation.forward(sampleCount: rows.count, dropoutStream: nil)
        let outputGradient = propagation.gradients[model.network.layers.count]
        outputGradient.update(repeating: 0, count: propagation.laneStride)
        var loss: Double = 0
        for (lane, row) in rows.enumerated() {
            let target = (Float(row["target"]!)! - model.standardisation.targetMean) / model.standardisation.targetStandardDeviation
            let error = propagation.output(0, lane: lane) - target
            loss += Double(error * error) / Double(rows.count)
            outputGradient[lane] = 2 * error / Float(rows.count)
        }
        // Measured: loss 3.9e-8 relative, worst gradient 5.8e-7 relative to its tensor's largest entry.
        #expect(abs(loss - Double(expected.metadata["loss"]!)!) <= 4e-7 * loss)
        propagation.clearParameterGradients()
        propagation.backward(sampleCount: rows.count, inputGradient: false)
        var worst = 0.0
        for (index, layer) in model.network.layers.enumerated() where layer.parameterShapes != nil {
            for (suffix, pointer) in [("weight", propagation.weightGradients[index]!), ("bias", propagation.biasGradients[index]!)] {
                let torch = try #require(expected.tensors["\(index).\(suffix)"]).values
                let scale = Double(torch.map(abs).max()!)
                let error = torch.indices.map { abs(Double(pointer[$0] - torch[$0])) }.max()! / scale
                worst = max(worst, error)
                #expect(error <= 6e-6, "\(index).\(suffix): relative error \(error)")
            }
        }
        print("PyTorch autograd gradients: worst relative error \(worst)")
    }
}
