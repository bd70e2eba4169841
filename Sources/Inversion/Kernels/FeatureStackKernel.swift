import NeuralNet
import RasterIO
import TileEngine

/// The content map of a model that reads a feature stack (covariates, terrain derivatives,
/// indices): each tile of the stacked raster becomes the model's features (`FeatureExtractor`,
/// which also brings the scene bands to reflectance), which the model's `ContentMapKernel` maps.
/// The halo grows by the terrain derivatives' neighbours.
public struct FeatureStackKernel: TileKernel {
    public let mapping: ContentMapKernel
    public let extractor: FeatureExtractor
    public let inputBands: [Int]

    /// `mapping` must read the features as they are (no input affine: `extractor` applies it). The
    /// covariate files are the stacked source's (`RasterSource.stacking`), which resumes check.
    public init(mapping: ContentMapKernel, extractor: FeatureExtractor, sceneBandCount: Int) throws {
        guard mapping.inputAffine == nil else { throw InversionError("the feature stack brings the scene to reflectance itself; the mapping must not") }
        guard extractor.featureCount == mapping.model.bands.count else {
            throw InversionError("the feature stack makes \(extractor.featureCount) features, the model reads \(mapping.model.bands.count)")
        }
        self.mapping = mapping
        self.extractor = extractor
        self.inputBands = extractor.inputBands(sceneBandCount: sceneBandCount)
    }

    public var signature: String {
        mapping.signature + " features=\(extractor.stack.featureNames.joined(separator: ","))"
            + " covariates=\(extractor.stack.covariates.map { "\($0.name):\($0.resampling)" }.joined(separator: ","))"
            + (extractor.affine.map { " input=\($0.signature)" } ?? "")
    }
    public var contentInputs: [ContentInput] { mapping.contentInputs }
    public var halo: Int { mapping.halo + extractor.halo }
    public var outputDescriptions: [String] { mapping.outputDescriptions }
    public var outputUnitTypes: [String] { mapping.outputUnitTypes }
    public var outputNodata: Float { mapping.outputNodata }
    public var outputFilePredictors: [Int?] { mapping.outputFilePredictors }
    /// The features and their pixel states, what computing them holds, and what the mapping needs.
    public var scratchBytesPerPixel: Int {
        MemoryLayout<Float>.size * (extractor.featureCount + 1) + extractor.scratchBytesPerPixel + mapping.scratchBytesPerPixel
    }
    public var scratchBytesPerThread: Int { mapping.scratchBytesPerThread }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let h = extractor.halo, width = input.window.width
        let features = try extractor.features(raw: input.samples, width: width, height: input.window.height,
                                              outside: { input.state[$0] == PixelState.edge.rawValue },
                                              hasData: { input.state[$0] == PixelState.data.rawValue })
        let inner = Window(x: input.window.x + h, y: input.window.y + h, width: width - 2 * h, height: input.window.height - 2 * h)
        let n = inner.pixelCount, count = extractor.featureCount
        var state = [UInt8](repeating: 0, count: n)
        for row in 0..<inner.height {
            for column in 0..<inner.width {
                let i = row * inner.width + column
                state[i] = input.state[(row + h) * width + column + h]
                if state[i] == PixelState.data.rawValue, (0..<count).contains(where: { features[$0 * n + i].isNaN }) {
                    state[i] = PixelState.nodata.rawValue
                }
            }
        }
        try features.withUnsafeBufferPointer { samples in
            try state.withUnsafeBufferPointer { states in
                try mapping.process(TileInput(core: input.core, window: inner, halo: input.halo - h, bandCount: count, samples: samples,
                                              state: states, parallelism: input.parallelism), into: output)
            }
        }
        // A pixel without a feature (no DEM there, the scene's edge for terrain) has no prediction.
        let coreCount = input.core.pixelCount, bands = mapping.outputBandCount, coreHalo = input.halo - h
        for row in 0..<input.core.height {
            for column in 0..<input.core.width {
                let pixel = row * input.core.width + column
                let stateIndex = (row + coreHalo) * inner.width + column + coreHalo
                if state[stateIndex] != PixelState.data.rawValue || (0..<bands).contains(where: { output[$0 * coreCount + pixel].isNaN }) {
                    for k in 0..<bands { output[k * coreCount + pixel] = outputNodata }
                }
            }
        }
    }
}
