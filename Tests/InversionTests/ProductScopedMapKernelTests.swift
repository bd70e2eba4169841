import Foundation
import RasterIO
import Testing
import TestSupport
import TileEngine
@testable import Inversion

/// `ProductScopedMapKernel`: each pixel from its product's model (the source band), the region's
/// where the product has none or its model gives nodata, against a per-pixel reference over many
/// tile shapes, halos and source patterns.
@Suite("Product-scoped map kernel: each pixel by its product's model")
struct ProductScopedMapKernelTests {
    /// A stand-in model: gain × the mean of band 1 over its (2h+1)² window + offset × band 2, and
    /// nodata where band 1 exceeds `nodataAbove` (a model outside its domain); with two outputs
    /// (as Monte-Carlo dropout's mean and deviation), the second is the first plus band 2, nodata
    /// alone where band 2 is below `secondNodataBelow`.
    struct WindowModel: TileKernel {
        let gain: Float, offset: Float, halo: Int
        var nodataAbove: Float = .infinity
        var outputs = 1
        var secondNodataBelow: Float = -.infinity
        var signature: String { "window-model \(gain) \(offset) \(halo) \(nodataAbove) \(outputs) \(secondNodataBelow)" }
        var inputBands: [Int] { [1, 2] }
        var outputDescriptions: [String] { Array(["content", "deviation"].prefix(outputs)) }
        var outputNodata: Float { -9999 }
        var contentInputs: [ContentInput] { [ContentInput(role: "model", source: "model \(gain)", digest: "\(gain) \(offset)")] }

        func second(at column: Int, _ row: Int, _ input: TileInput) -> Float {
            let first = value(at: column, row, input), band2 = input.value(band: 1, column: column, row: row)
            return first == outputNodata || band2 < secondNodataBelow ? outputNodata : first + band2
        }

        func value(at column: Int, _ row: Int, _ input: TileInput) -> Float {
            var sum: Float = 0
            for dy in -halo...halo { for dx in -halo...halo { sum += input.value(band: 0, column: column + dx, row: row + dy) } }
            let centre = input.value(band: 0, column: column, row: row)
            return centre > nodataAbove ? outputNodata : gain * sum / Float((2 * halo + 1) * (2 * halo + 1)) + offset * input.value(band: 1, column: column, row: row)
        }

        func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
            #expect(input.bandCount == 2, "a model sees only the bands it reads")
            let n = input.core.pixelCount
            for row in 0..<input.core.height {
                for column in 0..<input.core.width {
                    output[row * input.core.width + column] = value(at: column, row, input)
                    if outputs == 2 { output[n + row * input.core.width + column] = second(at: column, row, input) }
                }
            }
        }
    }

    @Test(arguments: [(0, 1, 1), (1, 2, 1), (2, 3, 1), (1, 4, 1), (0, 5, 2), (2, 6, 2)])
    func everyPixelComesFromItsProductsModelOrTheRegions(halo: Int, seed: UInt64, outputs: Int) throws {
        var random = SeededGenerator(seed: 0x5C0_0000 + seed)
        let region = WindowModel(gain: 1, offset: 0.5, halo: halo, outputs: outputs)
        let own: [Int: WindowModel] = [1: WindowModel(gain: 2, offset: -1, halo: halo, outputs: outputs, secondNodataBelow: 0.1),
                                       3: WindowModel(gain: -3, offset: 4, halo: halo, nodataAbove: 0.8, outputs: outputs)]
        let kernel = try ProductScopedMapKernel(region: region, products: own, sourceBand: 3)
        #expect(kernel.inputBands == [1, 2, 3] && kernel.halo == halo)
        for _ in 0..<25 {
            let core = Window(x: Int.random(in: 0...50, using: &random), y: Int.random(in: 0...50, using: &random),
                              width: Int.random(in: 1...37, using: &random), height: Int.random(in: 1...29, using: &random))
            let window = Window(x: core.x - halo, y: core.y - halo, width: core.width + 2 * halo, height: core.height + 2 * halo)
            let n = window.pixelCount
            // Sources 0 (none), 1 and 3 (own models), 2 (too few samples: the region's), in blocks as a mosaic's seams make them.
            let split = (Int.random(in: 0...window.width, using: &random), Int.random(in: 0...window.height, using: &random))
            var samples = (0..<(2 * n)).map { _ in Float.random(in: 0...1, using: &random) }
            var states = [UInt8](repeating: PixelState.data.rawValue, count: n)
            for row in 0..<window.height {
                for column in 0..<window.width {
                    let i = row * window.width + column
                    let source = column < split.0 ? (row < split.1 ? 1 : 2) : (row < split.1 ? 3 : 0)
                    samples.append(Float(source))
                    if source == 0 && Bool.random(using: &random) { states[i] = PixelState.nodata.rawValue }
                    if Int.random(in: 0..<40, using: &random) == 0 { states[i] = PixelState.nodata.rawValue }
                }
            }
            var output = [Float](repeating: .nan, count: outputs * core.pixelCount)
            try samples.withUnsafeBufferPointer { values in
                try states.withUnsafeBufferPointer { state in
                    let input = TileInput(core: core, window: window, halo: halo, bandCount: 3, samples: values, state: state)
                    try output.withUnsafeMutableBufferPointer { try kernel.process(input, into: $0) }
                    for row in 0..<core.height {
                        for column in 0..<core.width {
                            let source = Int(input.value(band: 2, column: column, row: row))
                            let data = state[input.index(column: column, row: row)] == PixelState.data.rawValue
                            // Its product's model when that gives every band, else the region's (on pixels with data).
                            func bands(_ model: WindowModel) -> [Float] {
                                [model.value(at: column, row, input)] + (outputs == 2 ? [model.second(at: column, row, input)] : [])
                            }
                            var expected = [Float](repeating: region.outputNodata, count: outputs)
                            if let mine = own[source].map(bands), !mine.contains(region.outputNodata) {
                                expected = mine
                            } else if own[source] != nil || data {
                                expected = bands(region)
                            }
                            let pixel = row * core.width + column
                            let actual = (0..<outputs).map { output[$0 * core.pixelCount + pixel] }
                            #expect(actual == expected, "pixel (\(column), \(row)) of source \(source) in \(core), halo \(halo)")
                        }
                    }
                }
            }
        }
    }

    /// A resume compares the recorded inputs role by role: each product's model has a role of its own.
    @Test func eachModelsInputsAreComparedWithTheirOwnRecord() throws {
        let kernel = try ProductScopedMapKernel(region: WindowModel(gain: 1, offset: 0, halo: 0),
                                                products: [2: WindowModel(gain: 2, offset: 0, halo: 0), 5: WindowModel(gain: 3, offset: 0, halo: 0)], sourceBand: 3)
        let roles = kernel.contentInputs.map(\.role)
        #expect(roles == ["model", "model of product 2", "model of product 5"])
        #expect(ContentInput.firstChanged(kernel.contentInputs, from: kernel.contentInputs) == nil)
        let other = try ProductScopedMapKernel(region: WindowModel(gain: 1, offset: 0, halo: 0),
                                               products: [2: WindowModel(gain: 2, offset: 0, halo: 0), 5: WindowModel(gain: 4, offset: 0, halo: 0)], sourceBand: 3)
        #expect(ContentInput.firstChanged(other.contentInputs, from: kernel.contentInputs)?.role == "model of product 5")
    }

    @Test func modelsThatReadDifferentlyAreRefused() {
        #expect(throws: InversionError.self) {
            try ProductScopedMapKernel(region: WindowModel(gain: 1, offset: 0, halo: 1), products: [2: WindowModel(gain: 1, offset: 0, halo: 2)], sourceBand: 3)
        }
        #expect(throws: InversionError.self) {
            try ProductScopedMapKernel(region: WindowModel(gain: 1, offset: 0, halo: 1), products: [:], sourceBand: 2)
        }
    }
}
