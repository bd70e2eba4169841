import Benchmark
import Dispatch
import Glibc
import NeuralNet
import SeededRandom

/// Paper-CNN inference throughput: `PaperNetworkPlan` on one and two threads, and for comparison the
/// generic layer-by-layer `InferenceEngine` and the literal scalar `PaperNetworkReference`.
///
/// Each plan iteration pushes 256 batches of 4096 pixels through the network (inputs stay
/// cache-resident: this measures compute, not memory). Custom metrics give kpixel/s and MFLOP/s at
/// the nominal 11,328 multiply-adds per pixel and at the 6,944 the plan executes, per wall-clock
/// second and per CPU-second of the process (the machine is shared: per CPU-second is what a core
/// delivers when the benchmark gets less than a whole one). Run with `simd16-fma` (RasterBenchmarks)
/// for the machine's FMA peak side by side:
/// `swift package --allow-writing-to-package-directory benchmark --filter 'paper-.*' --filter 'simd16-fma.*'`
/// (filters must match the whole name).
let benchmarks: @Sendable () -> Void = {
    let kpixelsPerSecond = BenchmarkMetric.custom("kpixel/s", polarity: .prefersLarger, useScalingFactor: false)
    let nominalMFLOPS = BenchmarkMetric.custom("MFLOP/s at 11,328 MAC/px", polarity: .prefersLarger, useScalingFactor: false)
    let executedMFLOPS = BenchmarkMetric.custom("MFLOP/s at 6,944 MAC/px", polarity: .prefersLarger, useScalingFactor: false)
    let kpixelsPerCPUSecond = BenchmarkMetric.custom("kpixel/CPU-s", polarity: .prefersLarger, useScalingFactor: false)
    let executedMFLOPSPerCPUSecond = BenchmarkMetric.custom("MFLOP/CPU-s at 6,944 MAC/px", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, kpixelsPerSecond, nominalMFLOPS, executedMFLOPS,
                                                     kpixelsPerCPUSecond, executedMFLOPSPerCPUSecond],
                                           maxDuration: .seconds(4), maxIterations: 40)

    let batchSize = 4096
    let weights = randomPaperWeights(seed: 42)
    let plan = PaperNetworkPlan(weights: weights)
    let pixels = randomBandSequentialPixels(batchSize, weights: weights, seed: 7)

    /// Records the throughput custom metrics for `pixels` processed in `seconds` of wall clock and
    /// `cpuSeconds` of process CPU time.
    func record(_ benchmark: Benchmark, pixels: Int, seconds: Double, cpuSeconds: Double) {
        let pixelsPerCPUSecond = Double(pixels) / cpuSeconds
        benchmark.measurement(kpixelsPerCPUSecond, Int(pixelsPerCPUSecond / 1e3))
        benchmark.measurement(executedMFLOPSPerCPUSecond, Int(pixelsPerCPUSecond * Double(2 * PaperNetworkPlan.executedMultiplyAddsPerPixel) / 1e6))
        let pixelsPerSecond = Double(pixels) / seconds
        benchmark.measurement(kpixelsPerSecond, Int(pixelsPerSecond / 1e3))
        benchmark.measurement(nominalMFLOPS, Int(pixelsPerSecond * Double(2 * PaperNetworkPlan.nominalMultiplyAddsPerPixel) / 1e6))
        benchmark.measurement(executedMFLOPS, Int(pixelsPerSecond * Double(2 * PaperNetworkPlan.executedMultiplyAddsPerPixel) / 1e6))
    }

    let batchesPerIteration = 256  // 1,048,576 pixels per iteration
    // The build's own choice, and both ways of running groups side by side (pairs of 16-pixel
    // groups are the AVX-512 path; on AVX2 they spill, which this shows too).
    let plans = [("paper-plan 1 thread (1 Mi px/iteration, batches of 4096)", plan),
                 ("paper-plan single groups 1 thread (1 Mi px/iteration, batches of 4096)", PaperNetworkPlan(weights: weights, pairsGroups: false)),
                 ("paper-plan paired groups 1 thread (1 Mi px/iteration, batches of 4096)", PaperNetworkPlan(weights: weights, pairsGroups: true))]
    for (name, plan) in plans {
        Benchmark(name) { benchmark in
            let workspace = PaperNetworkWorkspace()
            var output = [Float](repeating: 0, count: batchSize)
            let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
            benchmark.startMeasurement()
            pixels.withUnsafeBufferPointer { input in
                for _ in 0..<batchesPerIteration {
                    plan.predict(bandSequential: input.baseAddress!, bandStride: batchSize, count: batchSize,
                                 into: &output, workspace: workspace)
                }
            }
            benchmark.stopMeasurement()
            blackHole(output)
            record(benchmark, pixels: batchesPerIteration * batchSize, seconds: seconds(clock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
        }
    }

    Benchmark("paper-plan 2 threads (1 Mi px/iteration, batches of 4096)") { benchmark in
        let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
        benchmark.startMeasurement()
        // Each worker owns its workspace and output, as tile-engine workers do; the plan is shared.
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let workspace = PaperNetworkWorkspace()
            var output = [Float](repeating: 0, count: batchSize)
            pixels.withUnsafeBufferPointer { input in
                for _ in 0..<(batchesPerIteration / 2) {
                    plan.predict(bandSequential: input.baseAddress!, bandStride: batchSize, count: batchSize,
                                 into: &output, workspace: workspace)
                }
            }
            blackHole(output)
        }
        benchmark.stopMeasurement()
        record(benchmark, pixels: batchesPerIteration * batchSize, seconds: seconds(clock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
    }

    // The same network through the generic engine (layer by layer, no algebraic compilation).
    let model = try! Model(preset: .paper, network: Network(inputShape: TensorShape(channels: 1, height: 4, width: 4),
                                                            layers: NetworkPreset.paper.layers(bands: 4),
                                                            weights: [weights.conv1Weight, [], [], weights.conv2Weight, [], [], [],
                                                                      weights.dense1Weight, [], [], weights.dense2Weight],
                                                            biases: [weights.conv1Bias, [], [], weights.conv2Bias, [], [], [],
                                                                     weights.dense1Bias, [], [], weights.dense2Bias]),
                           inputLayout: NetworkPreset.paper.inputLayout(), bands: BandDescriptor.gf2,
                           standardisation: Standardisation(inputMeans: weights.inputMeans, inputStandardDeviations: weights.inputStandardDeviations,
                                                            targetMean: weights.targetMean, targetStandardDeviation: weights.targetStandardDeviation),
                           target: .re2o3)
    let engine = InferenceEngine(model: model)
    let enginePixels = 16 * batchSize
    Benchmark("paper-engine 1 thread (generic InferenceEngine, 64 Ki px/iteration, batches of 4096)") { benchmark in
        let workspace = engine.makeWorkspace()
        var output = [Float](repeating: 0, count: batchSize)
        let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
        benchmark.startMeasurement()
        pixels.withUnsafeBufferPointer { input in
            for _ in 0..<(enginePixels / batchSize) {
                engine.predict(bandSequential: input.baseAddress!, pixelCount: batchSize, into: &output, workspace: workspace)
            }
        }
        benchmark.stopMeasurement()
        blackHole(output)
        record(benchmark, pixels: enginePixels, seconds: seconds(clock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
    }

    let reference = PaperNetworkReference(weights: weights)
    let referencePixels = 1024
    Benchmark("paper-reference 1 thread (literal scalar network, 1024 px/iteration)",
              configuration: .init(maxDuration: .seconds(3), maxIterations: 10)) { benchmark in
        let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
        benchmark.startMeasurement()
        var sum: Float = 0
        for pixel in 0..<referencePixels {
            sum += reference.predict((pixels[pixel], pixels[batchSize + pixel], pixels[2 * batchSize + pixel], pixels[3 * batchSize + pixel]))
        }
        benchmark.stopMeasurement()
        blackHole(sum)
        record(benchmark, pixels: referencePixels, seconds: seconds(clock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
    }
}

/// CPU time of the whole process (all threads), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// PyTorch-default-like uniform initialisation; the biases are centred so about half the ReLUs fire.
func randomPaperWeights(seed: UInt64) -> PaperNetworkWeights {
    var random = SplitMix64(seed: seed)
    func uniform(_ count: Int, fanIn: Int) -> [Float] {
        let bound = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in Float.random(in: -bound...bound, using: &random) }
    }
    return try! PaperNetworkWeights(
        conv1Weight: uniform(64, fanIn: 4), conv1Bias: uniform(16, fanIn: 4),
        conv2Weight: uniform(2048, fanIn: 64), conv2Bias: uniform(32, fanIn: 64),
        dense1Weight: uniform(2048, fanIn: 32), dense1Bias: uniform(64, fanIn: 32),
        dense2Weight: uniform(64, fanIn: 64), dense2Bias: uniform(1, fanIn: 64),
        inputMeans: [420, 510, 480, 760], inputStandardDeviations: [60, 75, 90, 140],
        targetMean: 300, targetStandardDeviation: 120)
}

/// Band-sequential GF-2-like reflectances around the means.
func randomBandSequentialPixels(_ count: Int, weights: PaperNetworkWeights, seed: UInt64) -> [Float] {
    var random = SplitMix64(seed: seed)
    return (0..<(4 * count)).map { index in
        let band = index / count
        return weights.inputMeans[band] + weights.inputStandardDeviations[band] * Float.random(in: -2.5...2.5, using: &random)
    }
}
