import CPUBuildFeatures

/// The paper network compiled for batched inference: the same function as `PaperNetworkReference`
/// with the work that the fixed 1×4×4 input makes redundant removed, computed 16 pixels per
/// `SIMD16<Float>` lane group with register-blocked panels (`PaperNetworkPanel6`/`4`).
///
/// What the compilation exploits (exact algebra, not approximation):
/// - The 4 input rows are identical, so conv1 (2×2, 'same' = zero row/column at the bottom/right) has
///   only 2 distinct output rows: rows 0–2 see z in both kernel rows (weights W₀ⱼ + W₁ⱼ), row 3 sees
///   the padding row (weights W₀ⱼ). Taps on the padding column vanish. 14 multiply-adds per channel.
/// - Per-channel bias and ReLU commute with max-pooling (max(a + b) = max(a) + b, ReLU monotone), so
///   pooling happens on the raw products and bias + ReLU once per pooled value.
/// - Conv2 on the 2×2 pooled map with bottom/right padding has 4 + 2 + 2 + 1 = 9 in-bounds taps over the
///   four output positions; each position is a dense product over a contiguous slice of the pooled map
///   (stored in position order 00, 01, 11, 10 so that every slice is contiguous), and the max-pool over
///   the 4 positions is a running maximum.
/// - The de-standardisation y = out · sd + mean folds into the last layer.
///
/// Per pixel that leaves 224 (conv1) + 4,608 (conv2) + 2,048 (dense1) + 64 (dense2) = 6,944
/// multiply-adds of the 11,328 the network has as written. The nine conv2 tap products pair distinct
/// (tap, pooled position) combinations with arbitrary weights and the dense layers are separated by
/// ReLU, so no further exact saving exists for general weights.
///
/// The plan is immutable and `Sendable`: many threads may share one, each passing its own
/// `PaperNetworkWorkspace`. Calls allocate nothing.
public struct PaperNetworkPlan: Sendable {
    /// Multiply-adds per pixel of the network as written (PyTorch's count).
    public static let nominalMultiplyAddsPerPixel = 11_328
    /// Multiply-adds per pixel this plan executes.
    public static let executedMultiplyAddsPerPixel = 6_944
    /// Pixels per SIMD lane group; batches of any size work, tails are zero-padded internally.
    public static let pixelsPerGroup = 16

    /// Output-channel panels: conv2 has 32 = 4 × 6 + 2 × 4 channels, dense1 64 = 10 × 6 + 4.
    static let conv2Panels6 = 4, conv2Panels4 = 2, dense1Panels6 = 10, dense1Panels4 = 1

    /// All parameters in consumption order (see `init`), so one pointer walks them.
    let packed: [Float]
    static let conv1Offset = 8, conv1Stride = 5
    static let conv2Offset = conv1Offset + 16 * conv1Stride

    public let weights: PaperNetworkWeights
    /// Whether `predict` runs two groups of 16 pixels at a time (`PaperNetworkPanelPair`): on builds
    /// for AVX-512, whose 32 vector registers hold a pair's accumulators. With 16 (AVX2) a pair's
    /// 24 accumulator halves would spill, so single groups run there. Same results either way.
    let pairsGroups: Bool

    /// Whether this build's target has 32 vector registers (AVX-512F).
    static let buildHasAVX512 = regolith_build_cpu_features & (UInt64(1) << UInt64(RegolithCPUFeatureAVX512F.rawValue)) != 0

    public init(weights: PaperNetworkWeights) {
        self.init(weights: weights, pairsGroups: Self.buildHasAVX512)
    }

    /// `pairsGroups` chosen by the caller: testers and benchmarks run both ways on any machine.
    public init(weights: PaperNetworkWeights, pairsGroups: Bool) {
        self.weights = weights
        self.pairsGroups = pairsGroups
        var packed: [Float] = weights.inputMeans + weights.inputStandardDeviations

        // Conv1 per channel: the two distinct kernel rows' weights (rows 0–2: top + bottom taps;
        // row 3: top taps only, the bottom ones hit padding), then the bias.
        for channel in 0..<16 {
            let w = Array(weights.conv1Weight[(channel * 4)..<(channel * 4 + 4)])  // [kh][kw]
            packed += [w[0] + w[2], w[1] + w[3], w[0], w[1], weights.conv1Bias[channel]]
        }

        // Conv2 per output panel, per output position: (pooled-map segment, kernel tap) pairs, the
        // segment order matching the workspace layout 00, 01, 11, 10 (tap = kh * 2 + kw).
        let positions: [[Int]] = [
            [0, 1, 3, 2],  // (0,0): h00·W00 + h01·W01 + h11·W11 + h10·W10
            [0, 2],        // (0,1): h01·W00 + h11·W10
            [1, 0],        // (1,0): h11·W01 + h10·W00
            [0],           // (1,1): h11·W00
        ]
        for (first, width) in Self.panelLayout(panels6: Self.conv2Panels6, panels4: Self.conv2Panels4) {
            for taps in positions {
                for tap in taps {
                    for channel in 0..<16 {
                        for j in 0..<width {
                            packed.append(weights.conv2Weight[((first + j) * 16 + channel) * 4 + tap])
                        }
                    }
                }
            }
            packed += weights.conv2Bias[first..<(first + width)]
        }

        // Dense1 per output panel, then its biases and the dense2 weights scaled to output units.
        let sd = weights.targetStandardDeviation
        for (first, width) in Self.panelLayout(panels6: Self.dense1Panels6, panels4: Self.dense1Panels4) {
            for input in 0..<32 {
                for j in 0..<width { packed.append(weights.dense1Weight[(first + j) * 32 + input]) }
            }
            packed += weights.dense1Bias[first..<(first + width)]
            packed += weights.dense2Weight[first..<(first + width)].map { $0 * sd }
        }
        packed.append(weights.dense2Bias[0] * sd + weights.targetMean)
        self.packed = packed
    }

    /// (first output, panel width) of each panel: the 6-wide panels first, then the 4-wide ones.
    static func panelLayout(panels6: Int, panels4: Int) -> [(first: Int, width: Int)] {
        (0..<panels6).map { ($0 * 6, 6) } + (0..<panels4).map { (panels6 * 6 + $0 * 4, 4) }
    }

    /// Predicts `count` pixels whose 4 bands are separate planes; writes `count` values to `output`.
    /// NaN inputs give NaN (or an arbitrary finite value) for that pixel only, never a crash.
    public func predict(bands: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                        count: Int, into output: UnsafeMutablePointer<Float>, workspace: PaperNetworkWorkspace) {
        precondition(count >= 0, "pixel count must not be negative")
        packed.withUnsafeBufferPointer { buffer in
            let parameters = buffer.baseAddress!
            var start = 0
            while pairsGroups && start + 32 <= count {
                let (first, second) = Self.predictPair(
                    (UnsafeRawPointer(bands.0 + start).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.1 + start).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.2 + start).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.3 + start).loadUnaligned(as: SIMD16<Float>.self)),
                    (UnsafeRawPointer(bands.0 + start + 16).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.1 + start + 16).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.2 + start + 16).loadUnaligned(as: SIMD16<Float>.self),
                     UnsafeRawPointer(bands.3 + start + 16).loadUnaligned(as: SIMD16<Float>.self)),
                    parameters: parameters, workspace: workspace)
                UnsafeMutableRawPointer(output + start).storeBytes(of: first, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(output + start + 16).storeBytes(of: second, as: SIMD16<Float>.self)
                start += 32
            }
            while start + 16 <= count {
                let result = Self.predictGroup(
                    UnsafeRawPointer(bands.0 + start).loadUnaligned(as: SIMD16<Float>.self),
                    UnsafeRawPointer(bands.1 + start).loadUnaligned(as: SIMD16<Float>.self),
                    UnsafeRawPointer(bands.2 + start).loadUnaligned(as: SIMD16<Float>.self),
                    UnsafeRawPointer(bands.3 + start).loadUnaligned(as: SIMD16<Float>.self),
                    parameters: parameters, workspace: workspace)
                UnsafeMutableRawPointer(output + start).storeBytes(of: result, as: SIMD16<Float>.self)
                start += 16
            }
            let remaining = count - start
            guard remaining > 0 else { return }
            // The tail runs as one zero-padded group; the padding lanes' outputs are discarded.
            var b0 = SIMD16<Float>.zero, b1 = b0, b2 = b0, b3 = b0
            for lane in 0..<remaining {
                b0[lane] = bands.0[start + lane]; b1[lane] = bands.1[start + lane]
                b2[lane] = bands.2[start + lane]; b3[lane] = bands.3[start + lane]
            }
            let result = Self.predictGroup(b0, b1, b2, b3, parameters: parameters, workspace: workspace)
            for lane in 0..<remaining { output[start + lane] = result[lane] }
        }
    }

    /// Predicts `count` pixels stored band-sequentially: band k of pixel i at `values[k · bandStride + i]`.
    public func predict(bandSequential values: UnsafePointer<Float>, bandStride: Int, count: Int,
                        into output: UnsafeMutablePointer<Float>, workspace: PaperNetworkWorkspace) {
        precondition(bandStride >= count, "band planes must not overlap")
        predict(bands: (values, values + bandStride, values + 2 * bandStride, values + 3 * bandStride),
                count: count, into: output, workspace: workspace)
    }

    /// Convenience for small inputs and tests: band-sequential values (4 × pixelCount) in, predictions
    /// out. Allocates; the tile kernels use the pointer form with a reused workspace.
    public func predict(bandSequential values: [Float]) -> [Float] {
        precondition(values.count % 4 == 0, "band-sequential values must hold 4 bands per pixel")
        let count = values.count / 4
        return [Float](unsafeUninitializedCapacity: count) { output, initialised in
            values.withUnsafeBufferPointer { input in
                predict(bandSequential: input.baseAddress!, bandStride: count, count: count,
                        into: output.baseAddress!, workspace: PaperNetworkWorkspace())
            }
            initialised = count
        }
    }

    /// The whole network for 16 pixels (one per lane).
    @inline(__always)
    static func predictGroup(_ band1: SIMD16<Float>, _ band2: SIMD16<Float>, _ band3: SIMD16<Float>, _ band4: SIMD16<Float>,
                             parameters: UnsafePointer<Float>, workspace: PaperNetworkWorkspace) -> SIMD16<Float> {
        let pooled1 = workspace.pooled1, pooled2 = workspace.pooled2
        conv1(band1, band2, band3, band4, parameters: parameters, into: pooled1)

        var w = parameters + conv2Offset
        for panel in 0..<conv2Panels6 {
            conv2Panel(PaperNetworkPanel6.self, pooled1, into: pooled2 + 6 * panel, weights: &w)
        }
        for panel in 0..<conv2Panels4 {
            conv2Panel(PaperNetworkPanel4.self, pooled1, into: pooled2 + 6 * conv2Panels6 + 4 * panel, weights: &w)
        }

        var output = SIMD16<Float>.zero
        for _ in 0..<dense1Panels6 { densePanel(PaperNetworkPanel6.self, pooled2, weights: &w, output: &output) }
        for _ in 0..<dense1Panels4 { densePanel(PaperNetworkPanel4.self, pooled2, weights: &w, output: &output) }
        return output + w[0]
    }

    /// The whole network for two groups of 16 pixels, through `PaperNetworkPanelPair`s: per pixel
    /// the same operations in the same order as `predictGroup`, so the same bits.
    @inline(__always)
    static func predictPair(_ first: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>),
                            _ second: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>),
                            parameters: UnsafePointer<Float>, workspace: PaperNetworkWorkspace) -> (SIMD16<Float>, SIMD16<Float>) {
        let pooled1 = (workspace.pooled1, workspace.secondPooled1), pooled2 = (workspace.pooled2, workspace.secondPooled2)
        let readPooled1 = (UnsafePointer(pooled1.0), UnsafePointer(pooled1.1)), readPooled2 = (UnsafePointer(pooled2.0), UnsafePointer(pooled2.1))
        conv1(first.0, first.1, first.2, first.3, parameters: parameters, into: pooled1.0)
        conv1(second.0, second.1, second.2, second.3, parameters: parameters, into: pooled1.1)

        var w = parameters + conv2Offset
        for panel in 0..<conv2Panels6 {
            conv2PanelPair(PaperNetworkPanel6.self, readPooled1, into: (pooled2.0 + 6 * panel, pooled2.1 + 6 * panel), weights: &w)
        }
        for panel in 0..<conv2Panels4 {
            let offset = 6 * conv2Panels6 + 4 * panel
            conv2PanelPair(PaperNetworkPanel4.self, readPooled1, into: (pooled2.0 + offset, pooled2.1 + offset), weights: &w)
        }

        var output = (SIMD16<Float>.zero, SIMD16<Float>.zero)
        for _ in 0..<dense1Panels6 { densePanelPair(PaperNetworkPanel6.self, readPooled2, weights: &w, output: &output) }
        for _ in 0..<dense1Panels4 { densePanelPair(PaperNetworkPanel4.self, readPooled2, weights: &w, output: &output) }
        return (output.0 + w[0], output.1 + w[0])
    }

    /// Standardisation, conv1, its 2×2 max-pool, bias and ReLU for 16 pixels, into `pooled1`.
    @inline(__always)
    static func conv1(_ band1: SIMD16<Float>, _ band2: SIMD16<Float>, _ band3: SIMD16<Float>, _ band4: SIMD16<Float>,
                      parameters: UnsafePointer<Float>, into pooled1: UnsafeMutablePointer<SIMD16<Float>>) {
        // Standardise exactly as the reference does, (b − mean) / sd.
        let z0 = (band1 - parameters[0]) / parameters[4], z1 = (band2 - parameters[1]) / parameters[5]
        let z2 = (band3 - parameters[2]) / parameters[6], z3 = (band4 - parameters[3]) / parameters[7]

        var c = parameters + conv1Offset
        for channel in 0..<16 {
            let u = c[0], v = c[1], p = c[2], q = c[3], bias = c[4]
            // Rows 0–2 (identical) and row 3 of conv1, before bias; column 3's right tap is padding.
            let a0 = (z0 * u).addingProduct(z1, v), a1 = (z1 * u).addingProduct(z2, v)
            let a2 = (z2 * u).addingProduct(z3, v), a3 = z3 * u
            let b0 = (z0 * p).addingProduct(z1, q), b1 = (z1 * p).addingProduct(z2, q)
            let b2 = (z2 * p).addingProduct(z3, q), b3 = z3 * p
            let top0 = laneMaximum(a0, a1), top1 = laneMaximum(a2, a3)
            // Pooled row 0 covers conv rows 0–1 (both 'a'); pooled row 1 covers rows 2 ('a') and 3 ('b').
            pooled1[channel] = laneMaximum(top0 + bias, .zero)
            pooled1[16 + channel] = laneMaximum(top1 + bias, .zero)
            pooled1[32 + channel] = laneMaximum(laneMaximum(top1, laneMaximum(b2, b3)) + bias, .zero)
            pooled1[48 + channel] = laneMaximum(laneMaximum(top0, laneMaximum(b0, b1)) + bias, .zero)
            c += conv1Stride
        }
    }

    /// One panel of conv2 output channels: the four output positions' products, their running
    /// maximum (the 2×2 max-pool), then bias and ReLU.
    @inline(__always)
    static func conv2Panel<Panel: PaperNetworkPanel>(_: Panel.Type, _ pooled1: UnsafePointer<SIMD16<Float>>,
                                                     into destination: UnsafeMutablePointer<SIMD16<Float>>,
                                                     weights: inout UnsafePointer<Float>) {
        let width = Panel.width
        Panel(inputs: pooled1, depth: 64, weights: weights).store(to: destination)
        weights += 64 * width
        Panel(inputs: pooled1 + 16, depth: 32, weights: weights).storeMaximum(to: destination)
        weights += 32 * width
        Panel(inputs: pooled1 + 32, depth: 32, weights: weights).storeMaximum(to: destination)
        weights += 32 * width
        Panel(inputs: pooled1 + 32, depth: 16, weights: weights)
            .storeMaximumBiasReLU(to: destination, bias: weights + 16 * width)
        weights += 17 * width
    }

    /// One panel of dense1 outputs (bias first), ReLU, and their contribution to the single dense2 output.
    @inline(__always)
    static func densePanel<Panel: PaperNetworkPanel>(_: Panel.Type, _ pooled2: UnsafePointer<SIMD16<Float>>,
                                                     weights: inout UnsafePointer<Float>, output: inout SIMD16<Float>) {
        let width = Panel.width
        let panel = Panel(inputs: pooled2, depth: 32, weights: weights, bias: weights + 32 * width)
        output += panel.reluDot(weights + 33 * width)
        weights += 34 * width
    }

    /// `conv2Panel` for two groups.
    @inline(__always)
    static func conv2PanelPair<Panel: PaperNetworkPanel>(_: Panel.Type,
                                                         _ pooled1: (UnsafePointer<SIMD16<Float>>, UnsafePointer<SIMD16<Float>>),
                                                         into destination: (UnsafeMutablePointer<SIMD16<Float>>, UnsafeMutablePointer<SIMD16<Float>>),
                                                         weights: inout UnsafePointer<Float>) {
        let width = Panel.width
        let p00 = PaperNetworkPanelPair<Panel>(inputs: pooled1.0, pooled1.1, depth: 64, weights: weights)
        p00.first.store(to: destination.0); p00.second.store(to: destination.1)
        weights += 64 * width
        let p01 = PaperNetworkPanelPair<Panel>(inputs: pooled1.0 + 16, pooled1.1 + 16, depth: 32, weights: weights)
        p01.first.storeMaximum(to: destination.0); p01.second.storeMaximum(to: destination.1)
        weights += 32 * width
        let p10 = PaperNetworkPanelPair<Panel>(inputs: pooled1.0 + 32, pooled1.1 + 32, depth: 32, weights: weights)
        p10.first.storeMaximum(to: destination.0); p10.second.storeMaximum(to: destination.1)
        weights += 32 * width
        let p11 = PaperNetworkPanelPair<Panel>(inputs: pooled1.0 + 32, pooled1.1 + 32, depth: 16, weights: weights)
        p11.first.storeMaximumBiasReLU(to: destination.0, bias: weights + 16 * width)
        p11.second.storeMaximumBiasReLU(to: destination.1, bias: weights + 16 * width)
        weights += 17 * width
    }

    /// `densePanel` for two groups.
    @inline(__always)
    static func densePanelPair<Panel: PaperNetworkPanel>(_: Panel.Type,
                                                         _ pooled2: (UnsafePointer<SIMD16<Float>>, UnsafePointer<SIMD16<Float>>),
                                                         weights: inout UnsafePointer<Float>, output: inout (SIMD16<Float>, SIMD16<Float>)) {
        let width = Panel.width
        let pair = PaperNetworkPanelPair<Panel>(inputs: pooled2.0, pooled2.1, depth: 32, weights: weights, bias: weights + 32 * width)
        output.0 += pair.first.reluDot(weights + 33 * width)
        output.1 += pair.second.reluDot(weights + 33 * width)
        weights += 34 * width
    }
}
