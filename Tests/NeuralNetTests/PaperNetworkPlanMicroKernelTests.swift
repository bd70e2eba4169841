import Testing
import TestSupport
@testable import NeuralNet

/// The SIMD panels against the plain scalar panel product, over many random depths (XNNPACK style).
@Suite struct PaperNetworkPlanMicroKernelTests {
    @Test func panelsMatchScalarProductOverRandomShapes() {
        var random = SeededGenerator(seed: 0x5EED_0001)
        for trial in 0..<120 {
            let depth = trial < 8 ? trial : Int.random(in: 1...72, using: &random)
            let inputs = (0..<depth).map { _ in (0..<16).map { _ in Float.random(in: -4...4, using: &random) } }
            for width in [6, 4] {
                let weights = (0..<(depth * width)).map { _ in Float.random(in: -1...1, using: &random) }
                let expected = paperNetworkPanelReference(inputs: inputs, weights: weights, width: width)
                let actual = runPanel(width: width, inputs: inputs, weights: weights, startingFrom: nil)
                for j in 0..<width {
                    for lane in 0..<16 {
                        let magnitude = (0..<depth).reduce(0.0) { $0 + abs(Double(weights[$1 * width + j] * inputs[$1][lane])) }
                        #expect(abs(Double(actual[j][lane]) - expected[j][lane]) <= 1e-6 * magnitude + 1e-30,
                                "width \(width) depth \(depth) output \(j) lane \(lane)")
                    }
                }
            }
        }
    }

    /// `storeMaximum` keeps the larger of what is there and the new product, lane by lane.
    @Test func storeMaximumKeepsLaneWiseMaximum() {
        var random = SeededGenerator(seed: 0x5EED_0002)
        for width in [6, 4] {
            let depth = 5
            let inputs = (0..<depth).map { _ in (0..<16).map { _ in Float.random(in: -2...2, using: &random) } }
            let weights = (0..<(depth * width)).map { _ in Float.random(in: -1...1, using: &random) }
            let previous = (0..<width).map { _ in (0..<16).map { _ in Float.random(in: -1...1, using: &random) } }
            let product = runPanel(width: width, inputs: inputs, weights: weights, startingFrom: nil)
            let combined = runPanel(width: width, inputs: inputs, weights: weights, startingFrom: previous)
            for j in 0..<width {
                for lane in 0..<16 { #expect(combined[j][lane] == max(previous[j][lane], product[j][lane])) }
            }
        }
    }

    /// The epilogues against their scalar definitions: bias-initialised accumulators, the fused
    /// max-pool + bias + ReLU store, and ReLU followed by a dot product with the next layer's weights.
    @Test func epiloguesMatchScalarDefinitions() {
        var random = SeededGenerator(seed: 0x5EED_0003)
        for trial in 0..<40 {
            let depth = Int.random(in: 0...40, using: &random)
            let inputs = (0..<depth).map { _ in (0..<16).map { _ in Float.random(in: -3...3, using: &random) } }
            for width in [6, 4] {
                let weights = (0..<(depth * width)).map { _ in Float.random(in: -1...1, using: &random) }
                let bias = (0..<width).map { _ in Float.random(in: -2...2, using: &random) }
                let nextWeights = (0..<width).map { _ in Float.random(in: -1...1, using: &random) }
                let previous = (0..<width).map { _ in (0..<16).map { _ in Float.random(in: -2...2, using: &random) } }
                let product = paperNetworkPanelReference(inputs: inputs, weights: weights, width: width)
                let result = runEpilogues(width: width, inputs: inputs, weights: weights, bias: bias,
                                          nextWeights: nextWeights, previous: previous)
                for lane in 0..<16 {
                    var dot = 0.0, dotMagnitude = 0.0
                    for j in 0..<width {
                        let magnitude = (0..<depth).reduce(abs(Double(bias[j]))) { $0 + abs(Double(weights[$1 * width + j] * inputs[$1][lane])) }
                        let biased = product[j][lane] + Double(bias[j])
                        #expect(abs(Double(result.biased[j][lane]) - biased) <= 1e-6 * magnitude + 1e-30, "trial \(trial) width \(width)")
                        let pooled = max(max(Double(previous[j][lane]), product[j][lane]) + Double(bias[j]), 0)
                        #expect(abs(Double(result.pooled[j][lane]) - pooled) <= 1e-6 * (magnitude + abs(Double(previous[j][lane]))) + 1e-30)
                        dot += max(biased, 0) * Double(nextWeights[j])
                        dotMagnitude += (magnitude + 1) * abs(Double(nextWeights[j]))
                    }
                    #expect(abs(Double(result.dot[lane]) - dot) <= 1e-6 * dotMagnitude, "trial \(trial) width \(width) lane \(lane)")
                }
            }
        }
    }

    /// Runs a panel; with `startingFrom` it combines into those values by `storeMaximum`, else `store`.
    private func runPanel(width: Int, inputs: [[Float]], weights: [Float], startingFrom: [[Float]]?) -> [[Float]] {
        withVectors(inputs, width: width, initial: startingFrom) { inputVectors, destination in
            weights.withUnsafeBufferPointer { w in
                let pointer = w.baseAddress ?? UnsafePointer(bitPattern: 64)!
                switch (width, startingFrom == nil) {
                case (6, true): PaperNetworkPanel6(inputs: inputVectors, depth: inputs.count, weights: pointer).store(to: destination)
                case (6, false): PaperNetworkPanel6(inputs: inputVectors, depth: inputs.count, weights: pointer).storeMaximum(to: destination)
                case (_, true): PaperNetworkPanel4(inputs: inputVectors, depth: inputs.count, weights: pointer).store(to: destination)
                default: PaperNetworkPanel4(inputs: inputVectors, depth: inputs.count, weights: pointer).storeMaximum(to: destination)
                }
            }
        }
    }

    /// The bias-initialised panel stored as is, fused into `previous` by max + bias + ReLU, and its
    /// ReLU dot product with `nextWeights`.
    private func runEpilogues(width: Int, inputs: [[Float]], weights: [Float], bias: [Float], nextWeights: [Float],
                              previous: [[Float]]) -> (biased: [[Float]], pooled: [[Float]], dot: [Float]) {
        func run<Panel: PaperNetworkPanel>(_: Panel.Type) -> (biased: [[Float]], pooled: [[Float]], dot: [Float]) {
            var dot = SIMD16<Float>.zero
            let biased = withVectors(inputs, width: width, initial: nil) { inputVectors, destination in
                weights.withUnsafeBufferPointer { w in bias.withUnsafeBufferPointer { b in nextWeights.withUnsafeBufferPointer { n in
                    let panel = Panel(inputs: inputVectors, depth: inputs.count, weights: w.baseAddress ?? UnsafePointer(bitPattern: 64)!,
                                      bias: b.baseAddress!)
                    panel.store(to: destination)
                    dot = panel.reluDot(n.baseAddress!)
                } } }
            }
            let pooled = withVectors(inputs, width: width, initial: previous) { inputVectors, destination in
                weights.withUnsafeBufferPointer { w in bias.withUnsafeBufferPointer { b in
                    Panel(inputs: inputVectors, depth: inputs.count, weights: w.baseAddress ?? UnsafePointer(bitPattern: 64)!)
                        .storeMaximumBiasReLU(to: destination, bias: b.baseAddress!)
                } }
            }
            return (biased, pooled, (0..<16).map { dot[$0] })
        }
        return width == 6 ? run(PaperNetworkPanel6.self) : run(PaperNetworkPanel4.self)
    }

    /// Copies `inputs` into SIMD16 vectors and `initial` (or zeros) into a `width`-vector destination,
    /// runs `body`, and returns the destination as arrays.
    private func withVectors(_ inputs: [[Float]], width: Int, initial: [[Float]]?,
                             _ body: (UnsafePointer<SIMD16<Float>>, UnsafeMutablePointer<SIMD16<Float>>) -> Void) -> [[Float]] {
        let inputVectors = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: max(inputs.count, 1))
        let destination = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: width)
        defer { inputVectors.deallocate(); destination.deallocate() }
        for (k, input) in inputs.enumerated() { inputVectors[k] = SIMD16(input) }
        for j in 0..<width { destination[j] = initial.map { SIMD16($0[j]) } ?? .zero }
        body(inputVectors, destination)
        return (0..<width).map { j in (0..<16).map { destination[j][$0] } }
    }
}
