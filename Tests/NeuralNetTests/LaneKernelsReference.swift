@testable import NeuralNet

/// Plain per-sample definitions of what each `LaneKernels` kernel computes, in Double and written from
/// the layer's formula (direct loops over kernel taps and windows, not `ConvTables`), for the
/// kernel-level tester. Weights are PyTorch's `[out, in, k, k]`; `leading` is the zero padding before
/// the first row and column.
enum LaneKernelsReference {
    static func convolution(_ input: [Double], from inShape: TensorShape, to outShape: TensorShape, weight: [Double],
                            bias: [Double]?, kernel: Int, leading: Int) -> [Double] {
        var output = (0..<outShape.count).map { bias?[$0 / outShape.positions] ?? 0 }
        forEachTap(inShape, outShape, kernel: kernel, leading: leading) { o, c, tap, outputIndex, inputIndex in
            output[outputIndex] += weight[(o * inShape.channels + c) * kernel * kernel + tap] * input[inputIndex]
        }
        return output
    }

    /// ∂loss/∂input: each output gradient scattered back along the taps that produced its output.
    static func convolutionInputGradient(_ outputGradient: [Double], from inShape: TensorShape, to outShape: TensorShape,
                                         weight: [Double], kernel: Int, leading: Int) -> [Double] {
        var gradient = [Double](repeating: 0, count: inShape.count)
        forEachTap(inShape, outShape, kernel: kernel, leading: leading) { o, c, tap, output, input in
            gradient[input] += weight[(o * inShape.channels + c) * kernel * kernel + tap] * outputGradient[output]
        }
        return gradient
    }

    /// ∂loss/∂weight (`[out, in, k, k]`) and ∂loss/∂bias of one sample.
    static func convolutionParameterGradient(_ input: [Double], _ outputGradient: [Double], from inShape: TensorShape,
                                             to outShape: TensorShape, kernel: Int, leading: Int) -> (weight: [Double], bias: [Double]) {
        var weight = [Double](repeating: 0, count: outShape.channels * inShape.channels * kernel * kernel)
        forEachTap(inShape, outShape, kernel: kernel, leading: leading) { o, c, tap, output, inputIndex in
            weight[(o * inShape.channels + c) * kernel * kernel + tap] += input[inputIndex] * outputGradient[output]
        }
        let bias = (0..<outShape.channels).map { o in
            (0..<outShape.positions).reduce(0.0) { $0 + outputGradient[o * outShape.positions + $1] }
        }
        return (weight, bias)
    }

    /// Calls `body(outputChannel, inputChannel, tap ky·k+kx, output feature, input feature)` for every
    /// tap of the convolution that reads a real (not padding) input.
    private static func forEachTap(_ inShape: TensorShape, _ outShape: TensorShape, kernel: Int, leading: Int,
                                   _ body: (Int, Int, Int, Int, Int) -> Void) {
        for o in 0..<outShape.channels {
            for oy in 0..<outShape.height {
                for ox in 0..<outShape.width {
                    for c in 0..<inShape.channels {
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let iy = oy + ky - leading, ix = ox + kx - leading
                                guard (0..<inShape.height).contains(iy), (0..<inShape.width).contains(ix) else { continue }
                                body(o, c, ky * kernel + kx, (o * outShape.height + oy) * outShape.width + ox,
                                     (c * inShape.height + iy) * inShape.width + ix)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Window corners of a max-pool, as (channel, output feature, input feature of the window's top left).
    private static func forEachWindow(_ inShape: TensorShape, _ outShape: TensorShape, stride: Int, _ body: (Int, Int, Int) -> Void) {
        for c in 0..<outShape.channels {
            for oy in 0..<outShape.height {
                for ox in 0..<outShape.width {
                    body(c, (c * outShape.height + oy) * outShape.width + ox, (c * inShape.height + oy * stride) * inShape.width + ox * stride)
                }
            }
        }
    }

    static func maxPool(_ input: [Double], from inShape: TensorShape, to outShape: TensorShape, size: Int, stride: Int) -> [Double] {
        var output = [Double](repeating: 0, count: outShape.count)
        forEachWindow(inShape, outShape, stride: stride) { _, out, corner in
            output[out] = (0..<size).flatMap { dy in (0..<size).map { dx in input[corner + dy * inShape.width + dx] } }.max()!
        }
        return output
    }

    /// Each pooled gradient goes to the first (row-major) maximum of its window; overlaps add up.
    static func maxPoolInputGradient(_ input: [Double], _ outputGradient: [Double], from inShape: TensorShape,
                                     to outShape: TensorShape, size: Int, stride: Int) -> [Double] {
        var gradient = [Double](repeating: 0, count: inShape.count)
        forEachWindow(inShape, outShape, stride: stride) { _, out, corner in
            let window = (0..<size).flatMap { dy in (0..<size).map { dx in corner + dy * inShape.width + dx } }
            let first = window.first { input[$0] == window.map { input[$0] }.max()! }!
            gradient[first] += outputGradient[out]
        }
        return gradient
    }
}
