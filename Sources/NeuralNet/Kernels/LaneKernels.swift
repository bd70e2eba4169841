/// SIMD kernels over the lane layout: a batch's activations stored feature-major with the samples
/// (or pixels) along the lanes — feature f of sample s at `f·laneStride + s`, `laneStride` a multiple
/// of 16 — so every instruction works on 16 samples and a layer is a GEMM whose micro-kernel keeps
/// 4 output channels × 16 samples in registers and broadcasts one weight per FMA.
/// Padding lanes (beyond the batch) carry zeros or garbage that never mixes with real lanes.
typealias Lanes = SIMD16<Float>

@inline(__always) func loadLanes(_ pointer: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

/// Lane-wise maximum as a compare and blend, for these kernels and the paper network's panels. The
/// standard library's `pointwiseMax` goes lane by lane through `Float.maximum` (NaN handling,
/// branches) and was measured ~20× slower; here a NaN lane in either operand yields `a`'s lane, which
/// is fine for masked nodata.
@inline(__always) func laneMaximum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: a .< b) }

@inline(__always) func storeLanes(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
}

enum LaneKernels {
    /// `output = bias + tables·input` (optionally through ReLU) for `groups` groups of 16 lanes.
    /// `packed` is `[row][tables.paddedOutputs]`; `bias` has `paddedOutputs` values or is nil.
    static func convolve(_ tables: ConvTables, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                         input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                         laneStride: Int, groups: Int, relu: Bool) {
        let positions = tables.positions, outputs = tables.outputs, padded = tables.paddedOutputs
        tables.tapStart.withUnsafeBufferPointer { tapStart in
        tables.tapInput.withUnsafeBufferPointer { tapInput in
        tables.tapRow.withUnsafeBufferPointer { tapRow in
            let zero = Lanes(repeating: 0)
            for position in 0..<positions {
                let first = Int(tapStart[position]), end = Int(tapStart[position + 1])
                var block = 0
                while block < padded {
                    let b0 = bias?[block] ?? 0, b1 = bias?[block + 1] ?? 0
                    let b2 = bias?[block + 2] ?? 0, b3 = bias?[block + 3] ?? 0
                    let weights = packed + block
                    for group in 0..<groups {
                        let lane = group &* 16
                        var a0 = Lanes(repeating: b0), a1 = Lanes(repeating: b1)
                        var a2 = Lanes(repeating: b2), a3 = Lanes(repeating: b3)
                        var tap = first
                        while tap < end {
                            let x = loadLanes(input + (Int(tapInput[tap]) &* laneStride &+ lane))
                            let w = weights + Int(tapRow[tap]) &* padded
                            a0 = a0.addingProduct(x, Lanes(repeating: w[0]))
                            a1 = a1.addingProduct(x, Lanes(repeating: w[1]))
                            a2 = a2.addingProduct(x, Lanes(repeating: w[2]))
                            a3 = a3.addingProduct(x, Lanes(repeating: w[3]))
                            tap &+= 1
                        }
                        if relu {
                            a0 = laneMaximum(a0, zero); a1 = laneMaximum(a1, zero)
                            a2 = laneMaximum(a2, zero); a3 = laneMaximum(a3, zero)
                        }
                        let base = output + ((block &* positions &+ position) &* laneStride &+ lane)
                        let step = positions &* laneStride
                        storeLanes(a0, base)
                        if block + 1 < outputs { storeLanes(a1, base + step) }
                        if block + 2 < outputs { storeLanes(a2, base + 2 &* step) }
                        if block + 3 < outputs { storeLanes(a3, base + 3 &* step) }
                    }
                    block += 4
                }
            }
        }}}
    }

    /// Adds `∂loss/∂weight` (`[outputs][rows]`) and `∂loss/∂bias` for a map whose input was `input`
    /// and whose output gradient is `outputGradient`, summed over the lanes of `groups` groups.
    static func accumulateWeightGradient(_ tables: ConvTables, input: UnsafePointer<Float>,
                                         outputGradient: UnsafePointer<Float>, laneStride: Int, groups: Int,
                                         weightGradient: UnsafeMutablePointer<Float>,
                                         biasGradient: UnsafeMutablePointer<Float>) {
        let positions = tables.positions, outputs = tables.outputs, rows = tables.rows
        let channelStride = positions * laneStride
        tables.rowStart.withUnsafeBufferPointer { rowStart in
        tables.rowPosition.withUnsafeBufferPointer { rowPosition in
        tables.rowInput.withUnsafeBufferPointer { rowInput in
            var block = 0
            while block < outputs {
                let width = min(4, outputs - block)
                let gradient = outputGradient + block * channelStride
                for row in 0..<rows {
                    var a0 = Lanes(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                    for entry in Int(rowStart[row])..<Int(rowStart[row + 1]) {
                        let x = input + Int(rowInput[entry]) &* laneStride
                        let g = gradient + Int(rowPosition[entry]) &* laneStride
                        for group in 0..<groups {
                            let lane = group &* 16
                            let value = loadLanes(x + lane)
                            a0 = a0.addingProduct(value, loadLanes(g + lane))
                            if width > 1 { a1 = a1.addingProduct(value, loadLanes(g + (channelStride &+ lane))) }
                            if width > 2 { a2 = a2.addingProduct(value, loadLanes(g + (2 &* channelStride &+ lane))) }
                            if width > 3 { a3 = a3.addingProduct(value, loadLanes(g + (3 &* channelStride &+ lane))) }
                        }
                    }
                    weightGradient[block * rows + row] += a0.sum()
                    if width > 1 { weightGradient[(block + 1) * rows + row] += a1.sum() }
                    if width > 2 { weightGradient[(block + 2) * rows + row] += a2.sum() }
                    if width > 3 { weightGradient[(block + 3) * rows + row] += a3.sum() }
                }
                block += 4
            }
        }}}
        for channel in 0..<outputs {
            var sum = Lanes(repeating: 0)
            let base = outputGradient + channel * channelStride
            for position in 0..<positions {
                for group in 0..<groups { sum += loadLanes(base + position * laneStride + group * 16) }
            }
            biasGradient[channel] += sum.sum()
        }
    }

    /// Max-pooling of every channel, no padding.
    static func maxPool(input: UnsafePointer<Float>, from inShape: TensorShape, to outShape: TensorShape,
                        size: Int, stride: Int, output: UnsafeMutablePointer<Float>, laneStride: Int, groups: Int) {
        for channel in 0..<outShape.channels {
            for oy in 0..<outShape.height {
                for ox in 0..<outShape.width {
                    let target = output + (channel * outShape.positions + oy * outShape.width + ox) * laneStride
                    let corner = input + (channel * inShape.positions + oy * stride * inShape.width + ox * stride) * laneStride
                    for group in 0..<groups {
                        let lane = group * 16
                        var best = loadLanes(corner + lane)
                        for dy in 0..<size {
                            for dx in 0..<size where dy + dx > 0 {
                                best = laneMaximum(best, loadLanes(corner + (dy * inShape.width + dx) * laneStride + lane))
                            }
                        }
                        storeLanes(best, target + lane)
                    }
                }
            }
        }
    }

    /// Routes each pooled gradient to the first (row-major) maximum of its window, as PyTorch does;
    /// overlapping windows add up. `inputGradient` is overwritten.
    static func maxPoolBackward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                                outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
                                from inShape: TensorShape, to outShape: TensorShape, size: Int, stride: Int,
                                laneStride: Int, groups: Int) {
        inputGradient.update(repeating: 0, count: inShape.count * laneStride)
        for channel in 0..<outShape.channels {
            for oy in 0..<outShape.height {
                for ox in 0..<outShape.width {
                    let pooled = (channel * outShape.positions + oy * outShape.width + ox) * laneStride
                    let corner = (channel * inShape.positions + oy * stride * inShape.width + ox * stride) * laneStride
                    for group in 0..<groups {
                        let lane = group * 16
                        let best = loadLanes(output + pooled + lane), gradient = loadLanes(outputGradient + pooled + lane)
                        var routed = SIMDMask<SIMD16<Int32>>(repeating: false)
                        for dy in 0..<size {
                            for dx in 0..<size {
                                let at = corner + (dy * inShape.width + dx) * laneStride + lane
                                let hit = (loadLanes(input + at) .== best) .& .!routed
                                routed = routed .| hit
                                let sum = loadLanes(inputGradient + at) + Lanes(repeating: 0).replacing(with: gradient, where: hit)
                                storeLanes(sum, inputGradient + at)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `values = max(values, 0)` over `count` floats (a multiple of 16).
    static func relu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Lanes(repeating: 0)
        for index in stride(from: 0, to: count, by: 16) { storeLanes(laneMaximum(loadLanes(values + index), zero), values + index) }
    }

    /// `inputGradient = outputGradient` where the ReLU's output was positive, else 0.
    static func reluBackward(output: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                             inputGradient: UnsafeMutablePointer<Float>, count: Int) {
        for index in stride(from: 0, to: count, by: 16) {
            let passed = loadLanes(outputGradient + index).replacing(with: 0, where: loadLanes(output + index) .<= 0)
            storeLanes(passed, inputGradient + index)
        }
    }

    /// `output = input · factors` over `count` floats (dropout forward and backward).
    static func multiply(_ input: UnsafePointer<Float>, by factors: UnsafePointer<Float>,
                         into output: UnsafeMutablePointer<Float>, count: Int) {
        for index in stride(from: 0, to: count, by: 16) {
            storeLanes(loadLanes(input + index) * loadLanes(factors + index), output + index)
        }
    }
}
