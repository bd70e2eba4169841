import Geostatistics
import NeuralNet
import RasterIO
import TileEngine

/// Ordinary kriging onto a scene's pixel grid as a tile kernel: it needs no input bands, only the
/// grid, and writes the prediction (and optionally the kriging variance, to a second file).
/// Each pixel is kriged at its centre, with point support or the pixel's block support; with an
/// `ExtrapolationMask`, pixels beyond the samples' support are nodata in every band.
public struct KrigingKernel: TileKernel {
    public let kriging: OrdinaryKriging
    public let geoTransform: GeoTransform
    public let withVariance: Bool
    /// The kriged column and its unit.
    public let value: TargetDescriptor
    public let mask: ExtrapolationMask?
    /// The samples (x, y, z as kriged) and the variogram fitted to them, by content, for resumed runs.
    public let samplesContent: ContentInput
    public let outputNodata: Float = -9999

    /// `samplesSource` names the samples' file in messages.
    public init(kriging: OrdinaryKriging, geoTransform: GeoTransform, withVariance: Bool, value: TargetDescriptor,
                mask: ExtrapolationMask? = ExtrapolationMask(), samplesSource: String) {
        self.kriging = kriging
        self.geoTransform = geoTransform
        self.withVariance = withVariance
        self.value = value
        self.mask = mask
        var digest = ContentDigest()
        for coordinate in [kriging.samples.x, kriging.samples.y, kriging.samples.z] { digest.add(coordinate) }
        digest.add(Array("\(kriging.model)".utf8))
        samplesContent = ContentInput(role: "samples", source: samplesSource, digest: digest.finalize())
    }

    /// The settings a user chooses; the variogram's parameters, fitted to the samples, are in `samplesContent`.
    public var signature: String {
        "krige \(value.name) \(kriging.model.kind.rawValue) \(kriging.neighbourhood) \(kriging.support) variance=\(withVariance)"
            + (mask.map { " mask distance=\($0.maxDistance.map { "\($0)" } ?? "practical-range") variance=\($0.maxVarianceFraction.map { "\($0)" } ?? "none")" } ?? "")
    }
    public var contentInputs: [ContentInput] { [samplesContent] }
    public var inputBands: [Int] { [] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        ["kriged \(value.label)"] + (withVariance ? ["kriging variance of \(value.squaredLabel)"] : [])
    }
    public var outputUnitTypes: [String] { [value.unit] + (withVariance ? [value.squaredUnit] : []) }
    public var outputFileBands: [Int] { withVariance ? [1, 1] : [1] }
    public var scratchBytesPerThread: Int { kriging.workspaceBytes }
    /// The variances the mask reads when they are not an output.
    public var scratchBytesPerPixel: Int { needsScratchVariance ? MemoryLayout<Float>.size : 0 }
    private var needsScratchVariance: Bool { !withVariance && mask?.maxVarianceFraction != nil }
    public var sharedScratchBytes: Int { kriging.sharedGridBytes(variances: withVariance) }
    public var tileAlignment: Int { OrdinaryKriging.gridAlignment }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let core = input.core
        let origin = geoTransform.map(column: Double(core.x), row: Double(core.y))
        let grid = try GridWindow(originX: origin.x, originY: origin.y, pixelWidth: geoTransform.pixelWidth,
                                  pixelHeight: geoTransform.pixelHeight, width: core.width, height: core.height)
        let n = core.pixelCount
        let values = UnsafeMutableBufferPointer(rebasing: output[0..<n])
        var scratch = needsScratchVariance ? [Float](repeating: 0, count: n) : []
        try scratch.withUnsafeMutableBufferPointer { scratch in
            let variances = withVariance ? UnsafeMutableBufferPointer(rebasing: output[n..<(2 * n)]) : needsScratchVariance ? scratch : nil
            // The scene's corner anchors the far-field blocks, so values do not depend on the tiling
            // (the planner keeps tiles aligned to `tileAlignment`).
            let sceneOrigin = geoTransform.map(column: 0, row: 0)
            try kriging.predictGrid(grid, values: values, variances: variances, missingValue: outputNodata,
                                    gridOrigin: (sceneOrigin.x, sceneOrigin.y), parallelism: input.parallelism)
            if let mask { apply(mask, core: core, variances: variances.map(UnsafeBufferPointer.init), output: output) }
        }
    }

    /// Sets nodata (every band) on the pixels beyond the support. Each pixel's centre comes from its
    /// scene-wide column and row, so the distance test — and the mask — is the same in any tiling.
    private func apply(_ mask: ExtrapolationMask, core: Window, variances: UnsafeBufferPointer<Float>?,
                       output: UnsafeMutableBufferPointer<Float>) {
        let n = core.pixelCount, bands = withVariance ? 2 : 1
        let distanceLimit = mask.distanceLimit(kriging.model)
        let varianceLimit = mask.maxVarianceFraction.map { Float($0 * kriging.priorVariance) }
        for row in 0..<core.height {
            for column in 0..<core.width {
                let i = row * core.width + column
                var beyond = false
                if let varianceLimit, let variances, variances[i] != outputNodata, variances[i] > varianceLimit { beyond = true }
                if !beyond && distanceLimit.isFinite {
                    let centre = geoTransform.map(column: Double(core.x + column) + 0.5, row: Double(core.y + row) + 0.5)
                    beyond = kriging.nearestSampleDistance(x: centre.x, y: centre.y) > distanceLimit
                }
                if beyond { for band in 0..<bands { output[band * n + i] = outputNodata } }
            }
        }
    }
}
