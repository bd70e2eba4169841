/// A stride-1 convolution (a dense layer is a 1×1 convolution on a 1×1 input) written as gather
/// tables over one sample's features, so that the same SIMD kernel runs the forward pass, the
/// backward pass to the input (the transposed convolution) and the weight gradient.
///
/// Output feature `o·positions + p` = Σ over taps t of position p: `packed[row(t)][o] · input[input(t)]`.
/// Taps that fall into zero padding are simply absent.
struct ConvTables: Sendable {
    /// Output channels of this map (the layer's input channels for the transposed map).
    let outputs: Int
    /// Output positions per channel.
    let positions: Int
    /// Weight rows: `inputChannels·k·k` (forward) or `outputChannels·k·k` (transposed).
    let rows: Int
    /// Taps of position p are `tapStart[p]..<tapStart[p+1]`.
    let tapStart: [Int32]
    let tapInput: [Int32]
    let tapRow: [Int32]
    /// The same taps grouped by weight row, for the weight gradient: row r's are
    /// `rowStart[r]..<rowStart[r+1]`, each an (output position, input feature) pair.
    let rowStart: [Int32]
    let rowPosition: [Int32]
    let rowInput: [Int32]

    /// `outputs` rounded up to the kernel's block of four output channels.
    var paddedOutputs: Int { (outputs + 3) & ~3 }

    /// The map of a convolution layer from `input` to `output` shape.
    static func forward(input: TensorShape, output: TensorShape, kernel: Int, leading: Int) -> ConvTables {
        var taps: [[(input: Int32, row: Int32)]] = []
        for oy in 0..<output.height {
            for ox in 0..<output.width {
                var list: [(Int32, Int32)] = []
                for channel in 0..<input.channels {
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let iy = oy + ky - leading, ix = ox + kx - leading
                            guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                            list.append((Int32(channel * input.positions + iy * input.width + ix),
                                         Int32((channel * kernel + ky) * kernel + kx)))
                        }
                    }
                }
                taps.append(list)
            }
        }
        return ConvTables(outputs: output.channels, rows: input.channels * kernel * kernel, taps: taps)
    }

    /// The transposed map, from the layer's output gradient to its input gradient.
    static func backwardData(input: TensorShape, output: TensorShape, kernel: Int, leading: Int) -> ConvTables {
        var taps: [[(input: Int32, row: Int32)]] = []
        for iy in 0..<input.height {
            for ix in 0..<input.width {
                var list: [(Int32, Int32)] = []
                for channel in 0..<output.channels {
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let oy = iy - ky + leading, ox = ix - kx + leading
                            guard oy >= 0, oy < output.height, ox >= 0, ox < output.width else { continue }
                            list.append((Int32(channel * output.positions + oy * output.width + ox),
                                         Int32((channel * kernel + ky) * kernel + kx)))
                        }
                    }
                }
                taps.append(list)
            }
        }
        return ConvTables(outputs: input.channels, rows: output.channels * kernel * kernel, taps: taps)
    }

    private init(outputs: Int, rows: Int, taps: [[(input: Int32, row: Int32)]]) {
        self.outputs = outputs
        self.rows = rows
        positions = taps.count
        var start: [Int32] = [0]
        var inputs: [Int32] = [], tapRows: [Int32] = []
        var byRow = [[(Int32, Int32)]](repeating: [], count: rows)
        for (position, list) in taps.enumerated() {
            for tap in list {
                inputs.append(tap.input)
                tapRows.append(tap.row)
                byRow[Int(tap.row)].append((Int32(position), tap.input))
            }
            start.append(Int32(inputs.count))
        }
        tapStart = start
        tapInput = inputs
        tapRow = tapRows
        var rowStart: [Int32] = [0]
        rowPosition = byRow.flatMap { $0.map(\.0) }
        rowInput = byRow.flatMap { $0.map(\.1) }
        for list in byRow { rowStart.append(rowStart.last! + Int32(list.count)) }
        self.rowStart = rowStart
    }

    var tapCount: Int { tapInput.count }

    /// Packs a PyTorch weight `[out, in, k, k]` as `[row][paddedOutputs]` for the forward map.
    static func packForward(weight: [Float], outputChannels: Int, rows: Int, into packed: UnsafeMutablePointer<Float>) {
        let padded = (outputChannels + 3) & ~3
        packed.update(repeating: 0, count: rows * padded)
        for o in 0..<outputChannels { for r in 0..<rows { packed[r * padded + o] = weight[o * rows + r] } }
    }

    /// Packs a PyTorch weight `[out, in, k, k]` as `[(out, ky, kx)][paddedIn]` for the transposed map.
    static func packBackwardData(weight: [Float], outputChannels: Int, inputChannels: Int, kernel: Int,
                                 into packed: UnsafeMutablePointer<Float>) {
        let padded = (inputChannels + 3) & ~3, area = kernel * kernel
        packed.update(repeating: 0, count: outputChannels * area * padded)
        for o in 0..<outputChannels {
            for i in 0..<inputChannels {
                for t in 0..<area { packed[(o * area + t) * padded + i] = weight[(o * inputChannels + i) * area + t] }
            }
        }
    }
}
