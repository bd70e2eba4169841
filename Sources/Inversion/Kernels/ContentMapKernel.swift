import NeuralNet
import RasterIO
import TileEngine

/// A trained model applied to every pixel: the content map (target units) and, with Monte-Carlo
/// dropout, the mean of the passes and their standard deviation as a second band. Halo (k − 1)/2 for a k×k patch model.
/// With an input affine it reads stored values (GF-2 DNs, reflectance ×10000) and brings each tile to
/// reflectance first, so no reflectance scene is written.
/// A feature model (MLR, PLS, gradient-boosted trees) predicts each strip of pixels in one batch.
public struct ContentMapKernel: TileKernel {
    public let model: MapModel
    /// How the pixels are predicted: a network's engine (with the paper preset compiled to its 6,944
    /// multiply-adds per pixel; other networks take the generic engine), or a feature model.
    private enum Predictor: Sendable {
        case network(InferenceEngine, paperPlan: PaperNetworkPlan?)
        case features(FeatureModel)
    }
    private let predictor: Predictor
    /// The paper preset's compiled plan (nil for other models).
    public var paperPlan: PaperNetworkPlan? {
        guard case let .network(_, plan) = predictor else { return nil }
        return plan
    }
    public let monteCarloPasses: Int
    public let seed: UInt64
    /// The model folder by content, for resumed runs.
    public let modelContent: ContentInput
    /// Scene width, to number pixels scene-wide for the Monte-Carlo masks.
    public let sceneWidth: Int
    /// Pixels outside it get nodata (nil: predict everywhere).
    public let domain: ApplicabilityDomain?
    /// The domain in the kernel's Float arithmetic, converted once rather than per tile.
    private let domainMask: ApplicabilityDomainMask?
    /// Stored values → the reflectance the model reads, per model band (nil: the scene holds it already).
    public let inputAffine: BandAffine?
    public let outputNodata: Float = -9999

    public init(model: Model, modelContent: ContentInput, sceneWidth: Int, monteCarloPasses: Int = 0, seed: UInt64 = 1,
                domain: ApplicabilityDomain?, inputAffine: BandAffine? = nil) throws {
        try self.init(model: .network(model), modelContent: modelContent, sceneWidth: sceneWidth, monteCarloPasses: monteCarloPasses,
                      seed: seed, domain: domain, inputAffine: inputAffine)
    }

    public init(model: MapModel, modelContent: ContentInput, sceneWidth: Int, monteCarloPasses: Int = 0, seed: UInt64 = 1,
                domain: ApplicabilityDomain?, inputAffine: BandAffine? = nil) throws {
        if let inputAffine, inputAffine.bandCount != model.bands.count {
            throw InversionError("the input calibration has \(inputAffine.bandCount) bands, the model \(model.bands.count)")
        }
        self.inputAffine = inputAffine
        switch model {
        case let .network(network):
            if monteCarloPasses > 1 && network.inputLayout.window > 1 {
                throw InversionError("Monte-Carlo dropout runs on per-pixel models; this model reads \(network.inputLayout.window)×\(network.inputLayout.window) windows")
            }
            predictor = .network(InferenceEngine(model: network), paperPlan: (try? PaperNetworkWeights(model: network)).map(PaperNetworkPlan.init(weights:)))
        case let .features(features):
            if monteCarloPasses > 1 {
                throw InversionError("Monte-Carlo dropout runs on networks; this model is \(features.kind.rawValue)")
            }
            predictor = .features(features)
        }
        self.model = model
        self.modelContent = modelContent
        self.sceneWidth = sceneWidth
        self.monteCarloPasses = monteCarloPasses
        self.seed = seed
        if let domain, domain.mean.count != model.bands.count {
            throw InversionError("the applicability domain has \(domain.mean.count) bands, the model \(model.bands.count)")
        }
        self.domain = domain
        domainMask = domain.map(ApplicabilityDomainMask.init)
    }

    /// The model's parameters and its domain's are in `modelContent`.
    public var signature: String {
        "invert model=\(model.name) mc=\(monteCarloPasses) seed=\(seed) domain=\(domain == nil ? "none" : "model's")"
            + (inputAffine.map { " input=\($0.signature)" } ?? "")
    }
    public var contentInputs: [ContentInput] { [modelContent] }
    public var inputBands: [Int] { model.bands.map(\.number) }
    public var halo: Int { model.halo }
    public var outputDescriptions: [String] {
        let target = model.target.label
        return monteCarloPasses > 1 ? ["\(target) MC-dropout mean of \(monteCarloPasses)", "\(target) MC-dropout standard deviation"] : [target]
    }

    /// The mean and the standard deviation are both in the target's unit.
    public var outputUnitTypes: [String] { outputDescriptions.map { _ in model.target.unit } }

    /// A content map without a TIFF predictor: a model's output has too little of the smoothness the
    /// floating-point predictor exploits. Measured with ZSTD level 1 (`gdal_translate`, `gdalinfo
    /// -stats`): a CNN's region map 2.6 % and an MLR's 5.5 % larger than with predictor 3, each read
    /// twice as fast, which every reader of the map gains (a kriged map, smooth, keeps predictor 3).
    public static let mapPredictor = 1
    public var outputFilePredictors: [Int?] { outputFileBands.map { _ in Self.mapPredictor } }

    /// Pixels a per-pixel model brings to reflectance at a time: a strip of rows that stays in cache.
    static let stripPixels = 8192

    /// Per-pixel models with one output band read a tile in strips of rows (`stripPixels`); patch
    /// models and Monte-Carlo dropout need the whole tile at once.
    private var readsInStrips: Bool { halo == 0 && monteCarloPasses <= 1 }

    /// A patch model's or Monte-Carlo dropout's tile brought to reflectance (`inputAffine`).
    public var scratchBytesPerPixel: Int {
        inputAffine == nil || readsInStrips ? 0 : MemoryLayout<Float>.size * model.bands.count
    }

    /// A strip brought to reflectance: at most `stripPixels`, or one row of the widest tile (16384).
    public var scratchBytesPerThread: Int {
        inputAffine == nil || !readsInStrips ? 0 : MemoryLayout<Float>.size * model.bands.count * max(Self.stripPixels, 16384)
    }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        guard let inputAffine else { return try predict(input, into: output) }
        let width = input.window.width
        let rowsPerStrip = readsInStrips ? max(1, Self.stripPixels / width) : input.window.height
        var reflectance = [Float](repeating: 0, count: input.bandCount * rowsPerStrip * width)
        for firstRow in stride(from: 0, to: input.window.height, by: rowsPerStrip) {
            let rows = min(rowsPerStrip, input.window.height - firstRow)
            let n = rows * width, offset = firstRow * width
            let state = UnsafeBufferPointer(rebasing: input.state[offset..<(offset + n)])
            reflectance.withUnsafeMutableBufferPointer { values in
                for b in 0..<input.bandCount {
                    inputAffine.apply(band: b, input.samples.baseAddress! + b * input.window.pixelCount + offset, count: n,
                                      into: values.baseAddress! + b * n)
                }
                // Nodata as the reflectance scene `calibrate` writes it, so that a patch model's windows see the same numbers there.
                for i in 0..<n where state[i] == PixelState.nodata.rawValue {
                    for b in 0..<input.bandCount { values[b * n + i] = ReflectanceKernel.nodata }
                }
            }
            try reflectance.withUnsafeBufferPointer { values in
                let samples = UnsafeBufferPointer(rebasing: values[0..<(input.bandCount * n)])
                if readsInStrips {
                    let strip = Window(x: input.window.x, y: input.window.y + firstRow, width: width, height: rows)
                    try predict(TileInput(core: strip, window: strip, halo: 0, bandCount: input.bandCount, samples: samples, state: state,
                                          parallelism: input.parallelism),
                                into: UnsafeMutableBufferPointer(rebasing: output[offset..<(offset + n)]))
                } else {
                    try predict(TileInput(core: input.core, window: input.window, halo: input.halo, bandCount: input.bandCount, samples: samples,
                                          state: input.state, parallelism: input.parallelism), into: output)
                }
            }
        }
    }

    private func predict(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let values = input.samples.baseAddress!
        let n = input.core.pixelCount
        switch predictor {
        case let .features(features):
            try features.predict(bandSequential: values, bandStride: n, count: n, threads: input.parallelism, into: output.baseAddress!)
        case let .network(engine, paperPlan):
            predict(values, input, engine: engine, paperPlan: paperPlan, into: output)
        }
        if let domainMask { mask(outside: domainMask, input, output) }
    }

    private func predict(_ values: UnsafePointer<Float>, _ input: TileInput, engine: InferenceEngine, paperPlan: PaperNetworkPlan?,
                         into output: UnsafeMutableBufferPointer<Float>) {
        // One workspace per tile: tiles are large, so this is no per-batch allocation.
        let workspace = paperPlan != nil && monteCarloPasses <= 1 ? nil : engine.makeWorkspace()
        let n = input.core.pixelCount
        if monteCarloPasses > 1 {
            // Pixels numbered scene-wide, row by row, so each pixel's masks are the same in any tiling.
            let width = input.core.width
            var rowValues = [Float](repeating: 0, count: input.bandCount * width)
            for row in 0..<input.core.height {
                let offset = row * width
                let first = (input.core.y + row) * sceneWidth + input.core.x
                for b in 0..<input.bandCount {
                    for c in 0..<width { rowValues[b * width + c] = values[b * n + offset + c] }
                }
                rowValues.withUnsafeBufferPointer { p in
                    engine.monteCarloDropout(bandSequential: p.baseAddress!, pixelCount: input.core.width, firstPixelIndex: first,
                                             passes: monteCarloPasses, seed: seed, mean: output.baseAddress! + offset,
                                             standardDeviation: output.baseAddress! + n + offset, workspace: workspace!)
                }
            }
        } else if let paperPlan {
            paperPlan.predict(bandSequential: values, bandStride: n, count: n, into: output.baseAddress!, workspace: PaperNetworkWorkspace())
        } else if halo == 0 {
            engine.predict(bandSequential: values, pixelCount: n, into: output.baseAddress!, workspace: workspace!)
        } else {
            engine.predictWindows(bandSequential: values, windowWidth: input.window.width, windowHeight: input.window.height,
                                  into: output.baseAddress!, workspace: workspace!)
        }
    }

    /// Sets nodata (every output band) where a core pixel's bands leave the applicability domain.
    private func mask(outside domain: ApplicabilityDomainMask, _ input: TileInput, _ output: UnsafeMutableBufferPointer<Float>) {
        let width = input.core.width
        for row in 0..<input.core.height {
            domain.forEachOutside(input.samples.baseAddress! + input.index(column: 0, row: row), bandStride: input.window.pixelCount,
                                  count: width) { setNodata(output, pixel: row * width + $0, count: input.core.pixelCount) }
        }
    }

    @inline(__always)
    private func setNodata(_ output: UnsafeMutableBufferPointer<Float>, pixel: Int, count: Int) {
        // Not `outputBandCount`: that builds the band descriptions, strings, on every call.
        for k in 0..<(monteCarloPasses > 1 ? 2 : 1) { output[k * count + pixel] = outputNodata }
    }
}
