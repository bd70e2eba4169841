import NeuralNet
import TileEngine

/// A trained model applied to every pixel: the content map (target units) and, with Monte-Carlo
/// dropout, the mean of the passes and their standard deviation as a second band. Halo (k − 1)/2 for a k×k patch model.
public struct ContentMapKernel: TileKernel {
    public let engine: InferenceEngine
    public let monteCarloPasses: Int
    public let seed: UInt64
    public let modelSignature: String
    /// Scene width, to number pixels scene-wide for the Monte-Carlo masks.
    public let sceneWidth: Int
    /// Area of applicability: pixels whose band values lie more than this many training standard
    /// deviations from the training mean in any band get nodata (the model would extrapolate:
    /// canopy, water, roofs). 0 keeps every prediction.
    public let domainLimit: Float
    public let outputNodata: Float = -9999

    public static let defaultDomainLimit: Float = 5

    public init(model: Model, modelSignature: String, sceneWidth: Int, monteCarloPasses: Int = 0, seed: UInt64 = 1,
                domainLimit: Float = ContentMapKernel.defaultDomainLimit) throws {
        if monteCarloPasses > 1 && model.inputLayout.window > 1 {
            throw InversionError("Monte-Carlo dropout runs on per-pixel models; this model reads \(model.inputLayout.window)×\(model.inputLayout.window) windows")
        }
        engine = InferenceEngine(model: model)
        self.modelSignature = modelSignature
        self.sceneWidth = sceneWidth
        self.monteCarloPasses = monteCarloPasses
        self.seed = seed
        self.domainLimit = domainLimit
    }

    public var signature: String { "invert model=\(modelSignature) mc=\(monteCarloPasses) seed=\(seed) domain=\(domainLimit)" }
    public var inputBands: [Int] { engine.model.bands.map(\.number) }
    public var halo: Int { engine.model.inputLayout.halo }
    public var outputDescriptions: [String] {
        let target = "\(engine.model.target.name) (\(engine.model.target.unit))"
        return monteCarloPasses > 1 ? ["\(target) MC-dropout mean of \(monteCarloPasses)", "\(target) MC-dropout standard deviation"] : [target]
    }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let workspace = engine.makeWorkspace()
        let values = input.samples.baseAddress!
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
                                             standardDeviation: output.baseAddress! + n + offset, workspace: workspace)
                }
            }
        } else if halo == 0 {
            engine.predict(bandSequential: values, pixelCount: n, into: output.baseAddress!, workspace: workspace)
        } else {
            engine.predictWindows(bandSequential: values, windowWidth: input.window.width, windowHeight: input.window.height,
                                  into: output.baseAddress!, workspace: workspace)
        }
        if domainLimit > 0 { maskOutsideDomain(input, output) }
    }

    /// Sets nodata (every output band) where a core pixel's bands leave the training domain.
    private func maskOutsideDomain(_ input: TileInput, _ output: UnsafeMutableBufferPointer<Float>) {
        let standardisation = engine.model.standardisation
        let bands = input.bandCount, n = input.core.pixelCount, plane = input.window.pixelCount
        let limits = (0..<bands).map { domainLimit * standardisation.inputStandardDeviations[$0] }
        for row in 0..<input.core.height {
            for column in 0..<input.core.width {
                let index = input.index(column: column, row: row)
                var outside = false
                for b in 0..<bands where abs(input.samples[b * plane + index] - standardisation.inputMeans[b]) > limits[b] {
                    outside = true
                }
                if outside {
                    for k in 0..<outputBandCount { output[k * n + row * input.core.width + column] = outputNodata }
                }
            }
        }
    }
}
