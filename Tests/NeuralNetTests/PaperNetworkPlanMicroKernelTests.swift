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

    /// Runs a panel; with `startingFrom` it combines into those values by `storeMaximum`, else `store`.
    private func runPanel(width: Int, inputs: [[Float]], weights: [Float], startingFrom: [[Float]]?) -> [[Float]] {
        let inputVectors = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: max(inputs.count, 1))
        let destination = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: width)
        defer { inputVectors.deallocate(); destination.deallocate() }
        for (k, input) in inputs.enumerated() { inputVectors[k] = SIMD16(input) }
        for j in 0..<width { destination[j] = startingFrom.map { SIMD16($0[j]) } ?? .zero }
        weights.withUnsafeBufferPointer { w in
            let pointer = w.baseAddress ?? UnsafePointer(bitPattern: 64)!
            switch (width, startingFrom == nil) {
            case (6, true): PaperNetworkPanel6(inputs: inputVectors, depth: inputs.count, weights: pointer).store(to: destination)
            case (6, false): PaperNetworkPanel6(inputs: inputVectors, depth: inputs.count, weights: pointer).storeMaximum(to: destination)
            case (_, true): PaperNetworkPanel4(inputs: inputVectors, depth: inputs.count, weights: pointer).store(to: destination)
            default: PaperNetworkPanel4(inputs: inputVectors, depth: inputs.count, weights: pointer).storeMaximum(to: destination)
            }
        }
        return (0..<width).map { j in (0..<16).map { destination[j][$0] } }
    }
}
