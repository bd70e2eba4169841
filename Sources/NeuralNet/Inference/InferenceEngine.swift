/// The generic batched inference path for any `Model`: pixels go through the network 64 at a time
/// in the lane layout (`LaneKernels`: features × 16-pixel SIMD vectors, conv/dense as gather-GEMMs
/// with a 4-channel × 16-pixel register block, ReLU fused into the preceding conv/dense).
/// It standardises the raw band values and de-standardises the output itself.
///
/// Immutable and `Sendable`: share one engine between threads, give each thread its own
/// `InferenceWorkspace` (sized once; prediction allocates nothing).
public struct InferenceEngine: Sendable {
    /// Pixels per block: 4 groups of 16 lanes.
    static let blockLanes = 64

    enum Step: Sendable {
        case convolve(tables: ConvTables, packed: [Float], bias: [Float], relu: Bool)
        case relu
        case maxPool(size: Int, stride: Int)
        case dropout(probability: Float)
    }

    let steps: [Step]
    /// Input and output shape of each step (flatten is no step: it keeps the memory layout).
    let stepInputShapes: [TensorShape]
    let stepOutputShapes: [TensorShape]
    /// Network layer index of each step (dropout masks are keyed by it).
    let stepLayers: [Int]
    public let model: Model
    let sourceBand: [Int]
    let sourceOffsetRow: [Int]
    let sourceOffsetColumn: [Int]
    let inverseDeviations: [Float]
    let largestFeatureCount: Int

    public init(model: Model) {
        self.model = model
        let network = model.network
        var steps: [Step] = [], shapes: [TensorShape] = [], outputShapes: [TensorShape] = [], layerIndices: [Int] = []
        var index = 0
        while index < network.layers.count {
            let layer = network.layers[index], inShape = network.shapes[index]
            switch layer {
            case .conv2d, .dense:
                let geometry = layer.convolutionGeometry!
                let tables = ConvTables.forward(input: inShape, output: network.shapes[index + 1],
                                                kernel: geometry.kernel, leading: geometry.leading)
                var packed = [Float](repeating: 0, count: tables.rows * tables.paddedOutputs)
                packed.withUnsafeMutableBufferPointer {
                    ConvTables.packForward(weight: network.weights[index], outputChannels: tables.outputs, rows: tables.rows, into: $0.baseAddress!)
                }
                let bias = network.biases[index] + [Float](repeating: 0, count: tables.paddedOutputs - tables.outputs)
                let fuse = index + 1 < network.layers.count && network.layers[index + 1] == .relu
                steps.append(.convolve(tables: tables, packed: packed, bias: bias, relu: fuse))
                shapes.append(inShape); outputShapes.append(network.shapes[index + 1]); layerIndices.append(index)
                index += fuse ? 2 : 1
                continue
            case .relu: steps.append(.relu)
            case let .maxPool(size, stride): steps.append(.maxPool(size: size, stride: stride))
            case .flatten: index += 1; continue
            case let .dropout(probability): steps.append(.dropout(probability: probability))
            }
            shapes.append(inShape); outputShapes.append(network.shapes[index + 1]); layerIndices.append(index)
            index += 1
        }
        self.steps = steps
        stepInputShapes = shapes
        stepOutputShapes = outputShapes
        stepLayers = layerIndices
        let sources = model.inputLayout.featureSources(bands: model.bands.count)
        sourceBand = sources.map(\.band)
        sourceOffsetRow = sources.map(\.row)
        sourceOffsetColumn = sources.map(\.column)
        inverseDeviations = model.standardisation.inputStandardDeviations.map { 1 / $0 }
        largestFeatureCount = network.shapes.map(\.count).max()!
    }

    public func makeWorkspace() -> InferenceWorkspace { InferenceWorkspace(engine: self) }

    /// Predicts `pixelCount` pixels from band-sequential values (`bands × pixelCount`, as a
    /// per-pixel model's tile input holds them) into `output` (target units).
    public func predict(bandSequential values: UnsafePointer<Float>, pixelCount: Int,
                        into output: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace) {
        for band in 0..<model.bands.count { workspace.bandPlanes[band] = values + band * pixelCount }
        predictPlanes(pixelCount: pixelCount, into: output, workspace: workspace)
    }

    /// Predicts from one plane per band (`bands[b]` points at pixel 0 of band b).
    public func predict(bands: [UnsafePointer<Float>], pixelCount: Int,
                        into output: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace) {
        precondition(bands.count == model.bands.count, "the model reads \(model.bands.count) bands, given \(bands.count)")
        for band in bands.indices { workspace.bandPlanes[band] = bands[band] }
        predictPlanes(pixelCount: pixelCount, into: output, workspace: workspace)
    }

    private func predictPlanes(pixelCount: Int, into output: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace) {
        precondition(model.inputLayout.window == 1, "a patch model needs predictWindows")
        predictBlocks(pixelCount: pixelCount, into: output, workspace: workspace) { start, count in
            gatherPixels(start: start, count: count, workspace: workspace)
        }
    }

    /// Runs the network over `pixelCount` pixels in blocks of `blockLanes`: `gather(start, count)` puts
    /// the block's standardised inputs into the workspace's lanes; the outputs go to `output + start`.
    @inline(__always)
    private func predictBlocks(pixelCount: Int, into output: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace,
                               gather: (_ start: Int, _ count: Int) -> Void) {
        var start = 0
        while start < pixelCount {
            let count = min(Self.blockLanes, pixelCount - start)
            gather(start, count)
            let result = run(from: 0, to: steps.count, groups: (count + 15) / 16, workspace: workspace, streams: false)
            destandardise(result, count: count, into: output + start)
            start += count
        }
    }

    /// Predicts the core of a window of band-sequential values (`bands × windowWidth × windowHeight`)
    /// for a patch model: the core is the window minus `inputLayout.halo` on each side, written row-major
    /// to `output`. Works for per-pixel models too (halo 0).
    public func predictWindows(bandSequential values: UnsafePointer<Float>, windowWidth: Int, windowHeight: Int,
                               into output: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace) {
        let halo = model.inputLayout.halo
        let coreWidth = windowWidth - 2 * halo, coreHeight = windowHeight - 2 * halo
        guard coreWidth > 0, coreHeight > 0 else { return }
        let pixelCount = coreWidth * coreHeight, bandStride = windowWidth * windowHeight
        let stride = workspace.laneStride
        predictBlocks(pixelCount: pixelCount, into: output, workspace: workspace) { start, count in
            for lane in 0..<count {
                let pixel = start + lane
                let corner = (pixel / coreWidth) * windowWidth + pixel % coreWidth
                for feature in sourceBand.indices {
                    let band = sourceBand[feature]
                    let raw = values[band * bandStride + corner + sourceOffsetRow[feature] * windowWidth + sourceOffsetColumn[feature]]
                    workspace.input[feature * stride + lane] = (raw - model.standardisation.inputMeans[band]) * inverseDeviations[band]
                }
            }
        }
    }

    /// Monte-Carlo dropout over `pixelCount` pixels (band-sequential like `predict`): `passes`
    /// stochastic passes with dropout active; per pixel the mean and the standard deviation
    /// (n − 1 denominator, as `torch.std`) in target units. Pixel i's masks depend only on
    /// `seed`, `firstPixelIndex + i` and the pass, so tiles and threads do not change the result.
    /// Layers before the first dropout run once per pixel, not once per pass.
    public func monteCarloDropout(bandSequential values: UnsafePointer<Float>, pixelCount: Int, firstPixelIndex: Int,
                                  passes: Int, seed: UInt64, mean: UnsafeMutablePointer<Float>,
                                  standardDeviation: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace) {
        precondition(model.inputLayout.window == 1, "Monte-Carlo dropout reads per-pixel models")
        precondition(passes > 1, "Monte-Carlo dropout needs at least 2 passes")
        for band in 0..<model.bands.count { workspace.bandPlanes[band] = values + band * pixelCount }
        let firstDropout = steps.firstIndex { if case .dropout = $0 { true } else { false } } ?? steps.count
        let stride = workspace.laneStride
        var start = 0
        while start < pixelCount {
            let count = min(Self.blockLanes, pixelCount - start), groups = (count + 15) / 16
            gatherPixels(start: start, count: count, workspace: workspace)
            let shared = run(from: 0, to: firstDropout, groups: groups, workspace: workspace, streams: false)
            let sharedCount = (firstDropout < steps.count ? stepInputShapes[firstDropout] : model.network.outputShape).count * stride
            workspace.saved.update(from: shared, count: sharedCount)
            for lane in 0..<count { workspace.sum[lane] = 0; workspace.sumOfSquares[lane] = 0 }
            // Sums are shifted by the first pass so the variance does not cancel catastrophically.
            for pass in 0..<passes {
                workspace.input.update(from: workspace.saved, count: sharedCount)
                for lane in 0..<count {
                    workspace.laneKeys[lane] = DropoutMask.laneKey(DropoutMask.streamKey(seed: seed, index: UInt64(firstPixelIndex + start + lane), pass: UInt64(pass)))
                }
                let result = run(from: firstDropout, to: steps.count, groups: groups, workspace: workspace, streams: true)
                for lane in 0..<count {
                    let value = Double(result[lane])
                    if pass == 0 { workspace.shift[lane] = value }
                    let shifted = value - workspace.shift[lane]
                    workspace.sum[lane] += shifted
                    workspace.sumOfSquares[lane] += shifted * shifted
                }
            }
            let n = Double(passes)
            let targetDeviation = Double(model.standardisation.targetStandardDeviation)
            for lane in 0..<count {
                let meanShifted = workspace.sum[lane] / n
                let variance = max(0, (workspace.sumOfSquares[lane] - n * meanShifted * meanShifted) / (n - 1))
                mean[start + lane] = Float((workspace.shift[lane] + meanShifted) * targetDeviation + Double(model.standardisation.targetMean))
                standardDeviation[start + lane] = Float(variance.squareRoot() * targetDeviation)
            }
            start += count
        }
    }

    /// Standardised input features of pixels `start..<start+count` of `workspace.bandPlanes` into `workspace.input`.
    private func gatherPixels(start: Int, count: Int, workspace: InferenceWorkspace) {
        let stride = workspace.laneStride, full = count / 16
        for feature in sourceBand.indices {
            let band = sourceBand[feature]
            let plane = workspace.bandPlanes[band] + start
            let mean = model.standardisation.inputMeans[band], scale = inverseDeviations[band]
            let target = workspace.input + feature * stride
            for group in 0..<full {
                storeLanes((loadLanes(plane + group * 16) - Lanes(repeating: mean)) * Lanes(repeating: scale), target + group * 16)
            }
            for lane in full * 16..<count { target[lane] = (plane[lane] - mean) * scale }
        }
    }

    private func destandardise(_ result: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        let deviation = model.standardisation.targetStandardDeviation, mean = model.standardisation.targetMean
        for lane in 0..<count { output[lane] = result[lane] * deviation + mean }
    }

    /// Runs steps `first..<end` on `workspace.input` and returns where the result is (a workspace buffer).
    /// Without `streams` dropout is the identity; with it, lane i uses `workspace.laneKeys[i]`.
    private func run(from first: Int, to end: Int, groups: Int, workspace: InferenceWorkspace,
                     streams: Bool) -> UnsafeMutablePointer<Float> {
        var current = workspace.input, spare = workspace.scratch
        let stride = workspace.laneStride
        for index in first..<end {
            let inShape = stepInputShapes[index], outShape = stepOutputShapes[index]
            switch steps[index] {
            case let .convolve(tables, packed, bias, relu):
                packed.withUnsafeBufferPointer { packed in
                    bias.withUnsafeBufferPointer { bias in
                        LaneKernels.convolve(tables, packed: packed.baseAddress!, bias: bias.baseAddress!, input: current,
                                             output: spare, laneStride: stride, groups: groups, relu: relu)
                    }
                }
            case .relu:
                LaneKernels.relu(current, count: inShape.count * stride)
                continue
            case let .maxPool(size, poolStride):
                LaneKernels.maxPool(input: current, from: inShape, to: outShape, size: size, stride: poolStride,
                                    output: spare, laneStride: stride, groups: groups)
            case let .dropout(probability):
                guard streams else { continue }
                let layer = stepLayers[index], survivorScale = 1 / (1 - probability)
                for group in 0..<groups {
                    let keys = UnsafeRawPointer(workspace.laneKeys + group * 16).loadUnaligned(as: SIMD16<UInt32>.self)
                    for feature in 0..<inShape.count {
                        let at = current + (feature * stride + group * 16)
                        storeLanes(loadLanes(at) * DropoutMask.survivorFactors(keys: keys, layer: layer, feature: feature,
                                                                                probability: probability, survivorScale: survivorScale), at)
                    }
                }
                continue
            }
            swap(&current, &spare)
        }
        return current
    }
}

/// Per-thread buffers for `InferenceEngine` (one block of pixels through the widest layer).
public final class InferenceWorkspace {
    let laneStride = InferenceEngine.blockLanes
    let input: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let saved: UnsafeMutablePointer<Float>
    let bandPlanes: UnsafeMutablePointer<UnsafePointer<Float>>
    let laneKeys: UnsafeMutablePointer<UInt32>
    let shift: UnsafeMutablePointer<Double>
    let sum: UnsafeMutablePointer<Double>
    let sumOfSquares: UnsafeMutablePointer<Double>
    private let featureCapacity: Int

    init(engine: InferenceEngine) {
        featureCapacity = engine.largestFeatureCount * laneStride
        input = .allocate(capacity: featureCapacity)
        scratch = .allocate(capacity: featureCapacity)
        saved = .allocate(capacity: featureCapacity)
        for buffer in [input, scratch, saved] { buffer.initialize(repeating: 0, count: featureCapacity) }
        bandPlanes = .allocate(capacity: max(1, engine.model.bands.count))
        laneKeys = .allocate(capacity: laneStride)
        laneKeys.initialize(repeating: 0, count: laneStride)
        shift = .allocate(capacity: laneStride)
        sum = .allocate(capacity: laneStride)
        sumOfSquares = .allocate(capacity: laneStride)
    }

    deinit {
        for buffer in [input, scratch, saved] { buffer.deallocate() }
        bandPlanes.deallocate(); laneKeys.deallocate(); shift.deallocate(); sum.deallocate(); sumOfSquares.deallocate()
    }
}
