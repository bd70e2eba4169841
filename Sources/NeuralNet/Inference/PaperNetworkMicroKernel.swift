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
    /// Accumulator j = Σ_{k < depth} weights[k · width + j] · inputs[k].
    init(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>)
    /// destination[j] = accumulator j.
    func store(to destination: UnsafeMutablePointer<SIMD16<Float>>)
    /// destination[j] = max(destination[j], accumulator j).
    func storeMaximum(to destination: UnsafeMutablePointer<SIMD16<Float>>)
}

/// Six output features of 16 pixels.
struct PaperNetworkPanel6: PaperNetworkPanel {
    static var width: Int { 6 }
    var a0, a1, a2, a3, a4, a5: SIMD16<Float>

    @inline(__always)
    init(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>) {
        a0 = .zero; a1 = .zero; a2 = .zero; a3 = .zero; a4 = .zero; a5 = .zero
        var w = weights
        for k in 0..<depth {
            let x = inputs[k]
            a0 = a0.addingProduct(x, w[0]); a1 = a1.addingProduct(x, w[1]); a2 = a2.addingProduct(x, w[2])
            a3 = a3.addingProduct(x, w[3]); a4 = a4.addingProduct(x, w[4]); a5 = a5.addingProduct(x, w[5])
            w += 6
        }
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
}

/// Four output features of 16 pixels.
struct PaperNetworkPanel4: PaperNetworkPanel {
    static var width: Int { 4 }
    var a0, a1, a2, a3: SIMD16<Float>

    @inline(__always)
    init(inputs: UnsafePointer<SIMD16<Float>>, depth: Int, weights: UnsafePointer<Float>) {
        a0 = .zero; a1 = .zero; a2 = .zero; a3 = .zero
        var w = weights
        for k in 0..<depth {
            let x = inputs[k]
            a0 = a0.addingProduct(x, w[0]); a1 = a1.addingProduct(x, w[1])
            a2 = a2.addingProduct(x, w[2]); a3 = a3.addingProduct(x, w[3])
            w += 4
        }
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
}

/// Lane-wise maximum as a compare and blend. The standard library's `pointwiseMax` goes lane by lane
/// through `Float.maximum` (NaN handling, branches) and made the whole plan ~20× slower; here a NaN
/// lane in either operand yields `a`'s lane, which is fine for masked nodata.
@inline(__always)
func laneMaximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: a .< b)
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
