// Release timing of the NeuralNet module (not a test): `cd Benchmarks && swift run -c release neuralnet-timing`.
// 1. Trains the paper preset for 5000 full-batch Adam steps on 249 samples (the budget: < 10 s).
// 2. Runs the generic InferenceEngine over 1 Mpixel on one thread and reports Mpixel/s and GFLOP/s.
import Foundation
import NeuralNet
import SeededRandom

/// Processor time of this process: robust to other jobs sharing the 2 cores.
func processorSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

func seconds(_ work: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try work()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var generator = SplitMix64(seed: 2026)
let samples = (0..<374).map { _ in (0..<4).map { Float(300 + 40 * $0) + 100 * generator.nextUnitFloat() - 50 } }
let targets = samples.map { 3 + ($0[1] - 340) / 60 - pow(($0[3] - 420) / 60, 2) / 2 + generator.nextUnitFloat() * 0.2 }
let split = DataSplit.random(count: 374, validationFraction: 1.0 / 3, seed: 7)
let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 5000

var trainingTimes: [Double] = [], trainingProcessorTimes: [Double] = []
var trained: Model?
for _ in 0..<3 {
    let processorStart = processorSeconds()
    defer { trainingProcessorTimes.append(processorSeconds() - processorStart) }
    var options = TrainingOptions()
    options.iterations = iterations
    trainingTimes.append(try seconds {
        trained = try Trainer.train(network: try NetworkPreset.paper.network(seed: 1), preset: .paper, inputLayout: .replicatedRows(rows: 4),
                                    bands: BandDescriptor.gf2, target: .re2o3, data: TrainingData(samples: samples, targets: targets),
                                    split: split, options: options).0
    })
}
let model = trained!
let times = trainingTimes.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
let median = trainingTimes.sorted()[1]
let finalTraining = model.training!.finalTrainingLoss!, finalValidation = model.training!.finalValidationLoss ?? .nan
print("training paper preset, \(iterations) full-batch steps on \(split.training.count) samples: \(times)"
      + String(format: " (median %.2f s wall, %.2f s processor); final training MSE %.4f, validation MSE %.4f",
               median, trainingProcessorTimes.sorted()[1], finalTraining, finalValidation))

// `neuralnet-timing <steps> <folder>` also saves the trained model, for tools/check-regolith-model.py.
if CommandLine.arguments.count > 2, CommandLine.arguments[2] != "mc" {
    try model.save(to: CommandLine.arguments[2])
    for sample: [Float] in [[300, 340, 380, 420], [352.5, 401, 366.25, 480], [250, 300, 450, 390]] {
        print("Regolith prediction for \(sample): \(model.referencePrediction(sample: sample))")
    }
}

let engine = InferenceEngine(model: model)
let workspace = engine.makeWorkspace()
let pixels = 1 << 20
let bands: [Float] = (0..<4 * pixels).map { (index: Int) -> Float in
    let band = index / pixels
    return Float(300 + 40 * band + index % 97 - 48)
}
var output = [Float](repeating: 0, count: pixels)
var rates: [Double] = [], processorRates: [Double] = []
for _ in 0..<5 {
    let processorStart = processorSeconds()
    defer { processorRates.append(Double(pixels) / (processorSeconds() - processorStart) / 1e6) }
    let time = bands.withUnsafeBufferPointer { values in
        output.withUnsafeMutableBufferPointer { output in
            seconds { engine.predict(bandSequential: values.baseAddress!, pixelCount: pixels, into: output.baseAddress!, workspace: workspace) }
        }
    }
    rates.append(Double(pixels) / time / 1e6)
}
let rate = rates.sorted()[2]
let flops = 2.0 * Double(model.network.multiplyAddsPerSample) * rate * 1e6 / 1e9
print(String(format: "generic InferenceEngine, paper preset, one thread: %@ Mpixel/s (median %.2f Mpixel/s = %.1f GFLOP/s at 11,328 MACs/pixel)",
             rates.map { String(format: "%.2f", $0) }.joined(separator: ", "), rate, flops))
print(String(format: "  per processor second: median %.2f Mpixel/s", processorRates.sorted()[2]))
print("checksum", output.reduce(0, +))

// Monte-Carlo dropout, 30 passes (the layers after the dropout run per pass).
let mcPixels = 1 << (CommandLine.arguments.count > 2 ? 20 : 16)
var deviation = [Float](repeating: 0, count: mcPixels)
let mcTime = bands.withUnsafeBufferPointer { values in
    output.withUnsafeMutableBufferPointer { mean in
        deviation.withUnsafeMutableBufferPointer { deviation in
            seconds {
                engine.monteCarloDropout(bandSequential: values.baseAddress!, pixelCount: mcPixels, firstPixelIndex: 0, passes: 30, seed: 1,
                                         mean: mean.baseAddress!, standardDeviation: deviation.baseAddress!, workspace: workspace)
            }
        }
    }
}
print(String(format: "Monte-Carlo dropout, 30 passes, one thread: %.3f Mpixel/s", Double(mcPixels) / mcTime / 1e6))

// The patch preset (5×5 window, 4 bands) over a 512×512 core with its 2-pixel halo.
let patchModel = try Model(preset: .patch, network: try NetworkPreset.patch.network(size: 5, seed: 3), inputLayout: .patch(size: 5),
                           bands: BandDescriptor.gf2, standardisation: model.standardisation, target: .re2o3)
let patchEngine = InferenceEngine(model: patchModel)
let patchWorkspace = patchEngine.makeWorkspace()
let side = 512, windowSide = side + 4
let window: [Float] = (0..<4 * windowSide * windowSide).map { Float(300 + $0 % 131) }
var patchOutput = [Float](repeating: 0, count: side * side)
var patchRates: [Double] = []
for _ in 0..<3 {
    let time = window.withUnsafeBufferPointer { values in
        patchOutput.withUnsafeMutableBufferPointer { output in
            seconds {
                patchEngine.predictWindows(bandSequential: values.baseAddress!, windowWidth: windowSide, windowHeight: windowSide,
                                           into: output.baseAddress!, workspace: patchWorkspace)
            }
        }
    }
    patchRates.append(Double(side * side) / time / 1e6)
}
let patchRate = patchRates.sorted()[1]
print(String(format: "generic InferenceEngine, patch preset 5×5, one thread: median %.2f Mpixel/s (%.1f GFLOP/s at %d MACs/pixel)",
             patchRate, 2 * Double(patchModel.network.multiplyAddsPerSample) * patchRate / 1e3, patchModel.network.multiplyAddsPerSample))
