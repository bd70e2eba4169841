import RasterIO
import TileEngine

/// A region's content map under `model_scope: product` (`ProductScope`): each pixel mapped by the
/// model of the product it came from, the mosaic's source band (stacked after the bands the models
/// read), and by the region's model where that product has no model of its own or its model makes
/// no prediction (outside its applicability domain).
///
/// Every model reads the same bands with the same halo (one method, fitted on different samples),
/// so a tile is handed to each model present in it as it is, and only the chosen pixels are kept:
/// a tile inside one product costs one model's pass, a tile on a seam one per product on it.
public struct ProductScopedMapKernel: TileKernel {
    public let region: any TileKernel
    /// By source value (1-based catalogue index).
    public let products: [Int: any TileKernel]
    /// The source band's number in the stacked input.
    public let sourceBand: Int

    public init(region: any TileKernel, products: [Int: any TileKernel], sourceBand: Int) throws {
        for (product, kernel) in products {
            guard kernel.inputBands == region.inputBands, kernel.halo == region.halo, kernel.outputBandCount == region.outputBandCount,
                  kernel.outputNodata == region.outputNodata else {
                throw InversionError("product \(product)'s model reads bands \(kernel.inputBands) with halo \(kernel.halo) into \(kernel.outputBandCount) band(s); the region's reads \(region.inputBands) with halo \(region.halo) into \(region.outputBandCount)")
            }
        }
        guard !region.inputBands.contains(sourceBand), sourceBand >= 1 else {
            throw InversionError("the source band \(sourceBand) is one of the bands the models read (\(region.inputBands))")
        }
        self.region = region
        self.products = products
        self.sourceBand = sourceBand
    }

    public var signature: String {
        "product-scoped region=[\(region.signature)] source=b\(sourceBand) "
            + products.keys.sorted().map { "\($0)=[\(products[$0]!.signature)]" }.joined(separator: " ")
    }
    /// Each product model's inputs under a role of its own: a resume compares inputs role by role.
    public var contentInputs: [ContentInput] {
        region.contentInputs + products.keys.sorted().flatMap { product in
            products[product]!.contentInputs.map { ContentInput(role: "\($0.role) of product \(product)", source: $0.source, digest: $0.digest) }
        }
    }
    public var inputBands: [Int] { region.inputBands + [sourceBand] }
    public var halo: Int { region.halo }
    public var outputDescriptions: [String] { region.outputDescriptions }
    public var outputUnitTypes: [String] { region.outputUnitTypes }
    public var outputNodata: Float { region.outputNodata }
    public var outputFilePredictors: [Int?] { region.outputFilePredictors }
    /// One model's output for the tile, held while the chosen pixels are copied, and each pixel's
    /// product and choice.
    public var scratchBytesPerPixel: Int {
        ([region] + Array(products.values)).map(\.scratchBytesPerPixel).max()! + MemoryLayout<Float>.size * outputBandCount
            + MemoryLayout<Int>.size + MemoryLayout<Bool>.size
    }
    public var scratchBytesPerThread: Int { ([region] + Array(products.values)).map(\.scratchBytesPerThread).max()! }
    public var sharedScratchBytes: Int { ([region] + Array(products.values)).map(\.sharedScratchBytes).reduce(0, +) }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let n = input.core.pixelCount, bands = outputBandCount, planes = input.bandCount - 1
        let modelInput = TileInput(core: input.core, window: input.window, halo: input.halo, bandCount: planes,
                                   samples: UnsafeBufferPointer(rebasing: input.samples[0..<planes * input.window.pixelCount]),
                                   state: input.state, parallelism: input.parallelism)
        // Each core pixel's product (0: none), and whether it still needs the region's model.
        var source = [Int](repeating: 0, count: n), needsRegion = [Bool](repeating: false, count: n)
        for row in 0..<input.core.height {
            for column in 0..<input.core.width {
                let value = input.value(band: planes, column: column, row: row), pixel = row * input.core.width + column
                source[pixel] = value >= 1 && value <= Float(UInt16.max) ? Int(value) : 0
                needsRegion[pixel] = products[source[pixel]] == nil && input.state[input.index(column: column, row: row)] == PixelState.data.rawValue
            }
        }
        for i in 0..<(n * bands) { output[i] = outputNodata }
        var scratch = [Float](repeating: 0, count: n * bands)
        for product in Set(source).sorted() {
            guard let kernel = products[product] else { continue }
            try scratch.withUnsafeMutableBufferPointer { try kernel.process(modelInput, into: $0) }
            for pixel in 0..<n where source[pixel] == product {
                if (0..<bands).contains(where: { scratch[$0 * n + pixel] == outputNodata || scratch[$0 * n + pixel].isNaN }) {
                    needsRegion[pixel] = true
                } else {
                    for b in 0..<bands { output[b * n + pixel] = scratch[b * n + pixel] }
                }
            }
        }
        guard needsRegion.contains(true) else { return }
        try scratch.withUnsafeMutableBufferPointer { try region.process(modelInput, into: $0) }
        for pixel in 0..<n where needsRegion[pixel] {
            for b in 0..<bands { output[b * n + pixel] = scratch[b * n + pixel] }
        }
    }
}
