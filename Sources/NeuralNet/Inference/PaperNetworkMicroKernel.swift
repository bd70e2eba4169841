/// Register-blocked panel products for the pixels-in-lanes layout of `PaperNetworkPlan`: each
/// `SIMD16<Float>` holds one feature of 16 pixels, so a layer is a GEMM (16 pixels × K) · (K × N)
/// computed as N output features, each the sum over k of a broadcast weight times feature vector k.
///
/// A panel keeps `width` output features of 16 pixels in registers while it walks the K inputs once:
/// per k it loads one feature vector (2 ymm) and broadcasts `width` weights. Width 6 uses 12 of
/// AVX2's 16 ymm registers for accumulators (enough independent FMA chains to cover the FMA latency
/// on two pipes) and leaves room for the input and a broadcast; width 4 finishes layers whose output
/// count is not a multiple of 6. Weights are packed k-major, `weights[k · width + j]`, so a panel
/// reads them sequentially.
protocol PaperNetworkPanel {
    static var width: Int { get }
    /// Accumulators zero.
    init()
    /// Accumulator j = bias[j].
    init(bias: UnsafePointer<Float>)
    /// One step of the product: accumulator j += weights[j] · input.
    mutating func accumulate(_ input: SIMD16<Float>, _ weights: UnsafePointer<Float>)
    /// Σ_j max(accumulator j, 0) · outputWeights[j]: ReLU then a dot product with the next layer.
    func reluDot(_ outputWeights: UnsafePointer<Float>) -> SIMD16<Float>
    /// destination[j] = accumulator j.
    func store(to destination: UnsafeMutablePointer<SIMD16<Float>>)
    /// destination[j] = max(destination[j], accumulator j).
    func storeMaximum(to destination: UnsafeMutablePointer<SIMD16<Float>>)
    /// destination[j] = max(max(destination[j], accumulator j) + bias[j], 0): the last step of a
    /// max-pool, then the layer's bias and ReLU (both commute with the pool).
    func storeMaximumBiasReLU(to destination: UnsafeMutablePointer<SIMD16<Float>>, bias: UnsafePointer<Float>)
}

extension PaperNetworkPanel {
    /// Accumulator j = Σ_{k < depth} weights[k · width + j] · inputs[k].
    @inline(__always)
    init(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>) {
        self.init()
        accumulate(inputs: inputs, depth: depth, weights: weights)
    }

    /// Accumulator j = bias[j] + Σ_{k < depth} weights[k · width + j] · inputs[k].
    @inline(__always)
    init(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>) {
        self.init(bias: bias)
        accumulate(inputs: inputs, depth: depth, weights: weights)
    }

    @inline(__always)
    private mutating func accumulate(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>) {
        var w = weights
        for k in 0..<depth {
            accumulate(inputs[k], w)
            w += Self.width
        }
    }
}

/// Six output features of 16 pixels.
struct PaperNetworkPanel6: PaperNetworkPanel {
    static var width: Int { 6 }
    var a0, a1, a2, a3, a4, a5: SIMD16<Float>

    @inline(__always)
    init() { a0 = .zero; a1 = .zero; a2 = .zero; a3 = .zero; a4 = .zero; a5 = .zero }

    @inline(__always)
    init(bias: UnsafePointer<Float>) {
        a0 = .init(repeating: bias[0]); a1 = .init(repeating: bias[1]); a2 = .init(repeating: bias[2])
        a3 = .init(repeating: bias[3]); a4 = .init(repeating: bias[4]); a5 = .init(repeating: bias[5])
    }

    @inline(__always)
    mutating func accumulate(_ x: SIMD16<Float>, _ w: UnsafePointer<Float>) {
        a0 = a0.addingProduct(x, w[0]); a1 = a1.addingProduct(x, w[1]); a2 = a2.addingProduct(x, w[2])
        a3 = a3.addingProduct(x, w[3]); a4 = a4.addingProduct(x, w[4]); a5 = a5.addingProduct(x, w[5])
    }

    @inline(__always)
    func store(to destination: UnsafeMutablePointer<SIMD16<Float>>) {
        destination[0] = a0; destination[1] = a1; destination[2] = a2
        destination[3] = a3; destination[4] = a4; destination[5] = a5
    }

    @inline(__always)
    func storeMaximum(to destination: UnsafeMutablePointer<SIMD16<Float>>) {
        destination[0] = laneMaximum(destination[0], a0); destination[1] = laneMaximum(destination[1], a1)
        destination[2] = laneMaximum(destination[2], a2); destination[3] = laneMaximum(destination[3], a3)
        destination[4] = laneMaximum(destination[4], a4); destination[5] = laneMaximum(destination[5], a5)
    }

    @inline(__always)
    func storeMaximumBiasReLU(to destination: UnsafeMutablePointer<SIMD16<Float>>, bias: UnsafePointer<Float>) {
        let zero = SIMD16<Float>.zero
        destination[0] = laneMaximum(laneMaximum(destination[0], a0) + bias[0], zero)
        destination[1] = laneMaximum(laneMaximum(destination[1], a1) + bias[1], zero)
        destination[2] = laneMaximum(laneMaximum(destination[2], a2) + bias[2], zero)
        destination[3] = laneMaximum(laneMaximum(destination[3], a3) + bias[3], zero)
        destination[4] = laneMaximum(laneMaximum(destination[4], a4) + bias[4], zero)
        destination[5] = laneMaximum(laneMaximum(destination[5], a5) + bias[5], zero)
    }

    @inline(__always)
    func reluDot(_ outputWeights: UnsafePointer<Float>) -> SIMD16<Float> {
        let zero = SIMD16<Float>.zero
        let head = (laneMaximum(a0, zero) * outputWeights[0]).addingProduct(laneMaximum(a1, zero), outputWeights[1])
            .addingProduct(laneMaximum(a2, zero), outputWeights[2])
        let tail = (laneMaximum(a3, zero) * outputWeights[3]).addingProduct(laneMaximum(a4, zero), outputWeights[4])
            .addingProduct(laneMaximum(a5, zero), outputWeights[5])
        return head + tail
    }
}

/// Four output features of 16 pixels.
struct PaperNetworkPanel4: PaperNetworkPanel {
    static var width: Int { 4 }
    var a0, a1, a2, a3: SIMD16<Float>

    @inline(__always)
    init() { a0 = .zero; a1 = .zero; a2 = .zero; a3 = .zero }

    @inline(__always)
    init(bias: UnsafePointer<Float>) {
        a0 = .init(repeating: bias[0]); a1 = .init(repeating: bias[1])
        a2 = .init(repeating: bias[2]); a3 = .init(repeating: bias[3])
    }

    @inline(__always)
    mutating func accumulate(_ x: SIMD16<Float>, _ w: UnsafePointer<Float>) {
        a0 = a0.addingProduct(x, w[0]); a1 = a1.addingProduct(x, w[1])
        a2 = a2.addingProduct(x, w[2]); a3 = a3.addingProduct(x, w[3])
    }

    @inline(__always)
    func store(to destination: UnsafeMutablePointer<SIMD16<Float>>) {
        destination[0] = a0; destination[1] = a1; destination[2] = a2; destination[3] = a3
    }

    @inline(__always)
    func storeMaximum(to destination: UnsafeMutablePointer<SIMD16<Float>>) {
        destination[0] = laneMaximum(destination[0], a0); destination[1] = laneMaximum(destination[1], a1)
        destination[2] = laneMaximum(destination[2], a2); destination[3] = laneMaximum(destination[3], a3)
    }

    @inline(__always)
    func storeMaximumBiasReLU(to destination: UnsafeMutablePointer<SIMD16<Float>>, bias: UnsafePointer<Float>) {
        let zero = SIMD16<Float>.zero
        destination[0] = laneMaximum(laneMaximum(destination[0], a0) + bias[0], zero)
        destination[1] = laneMaximum(laneMaximum(destination[1], a1) + bias[1], zero)
        destination[2] = laneMaximum(laneMaximum(destination[2], a2) + bias[2], zero)
        destination[3] = laneMaximum(laneMaximum(destination[3], a3) + bias[3], zero)
    }

    @inline(__always)
    func reluDot(_ outputWeights: UnsafePointer<Float>) -> SIMD16<Float> {
        let zero = SIMD16<Float>.zero
        return (laneMaximum(a0, zero) * outputWeights[0]).addingProduct(laneMaximum(a1, zero), outputWeights[1])
            + (laneMaximum(a2, zero) * outputWeights[2]).addingProduct(laneMaximum(a3, zero), outputWeights[3])
    }
}

/// The same panel over two groups of 16 pixels at once, for CPUs with 32 vector registers
/// (AVX-512): each broadcast weight feeds two FMAs, and twice the independent FMA chains cover the
/// FMA latency (one 6-wide panel has 6 chains, the latency of two pipes needs 8). Each group's
/// accumulators see exactly the operations, in the same order, of a single panel, so the results
/// are bit-identical to running `Panel` on each group.
struct PaperNetworkPanelPair<Panel: PaperNetworkPanel> {
    var first: Panel, second: Panel

    @inline(__always)
    init(inputs first: UnsafePointer<SIMD16<Float>>, _ second: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>) {
        self.first = Panel()
        self.second = Panel()
        accumulate(first, second, depth: depth, weights: weights)
    }

    @inline(__always)
    init(inputs first: UnsafePointer<SIMD16<Float>>, _ second: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>,
         bias: UnsafePointer<Float>) {
        self.first = Panel(bias: bias)
        self.second = Panel(bias: bias)
        accumulate(first, second, depth: depth, weights: weights)
    }

    @inline(__always)
    private mutating func accumulate(_ inputs0: UnsafePointer<SIMD16<Float>>, _ inputs1: UnsafePointer<SIMD16<Float>>, depth: Int,
                                     weights: UnsafePointer<Float>) {
        var w = weights
        for k in 0..<depth {
            first.accumulate(inputs0[k], w)
            second.accumulate(inputs1[k], w)
            w += Panel.width
        }
    }
}

/// The plain scalar panel product the SIMD panels are tested against: output[j][lane] =
/// Σ_k weights[k · width + j] · inputs[k][lane], accumulated in Double.
func paperNetworkPanelReference(inputs: [[Float]], weights: [Float], width: Int, lanes: Int = 16) -> [[Double]] {
    var output = [[Double]](repeating: [Double](repeating: 0, count: lanes), count: width)
    for (k, input) in inputs.enumerated() {
        for j in 0..<width {
            for lane in 0..<lanes { output[j][lane] += Double(weights[k * width + j]) * Double(input[lane]) }
        }
    }
    return output
}
