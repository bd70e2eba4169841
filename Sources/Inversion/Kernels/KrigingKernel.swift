import Geostatistics
import RasterIO
import TileEngine

/// Ordinary kriging onto a scene's pixel grid as a tile kernel: it needs no input bands, only the
/// grid, and writes the prediction (and optionally the kriging variance, to a second file).
/// Each pixel is kriged at its centre, with point support or the pixel's block support.
public struct KrigingKernel: TileKernel {
    public let kriging: OrdinaryKriging
    public let geoTransform: GeoTransform
    public let withVariance: Bool
    public let valueName: String
    /// The samples (x, y, z as kriged) and the variogram fitted to them, by content, for resumed runs.
    public let samplesContent: ContentInput
    public let outputNodata: Float = -9999

    /// `samplesSource` names the samples' file in messages.
    public init(kriging: OrdinaryKriging, geoTransform: GeoTransform, withVariance: Bool, valueName: String, samplesSource: String) {
        self.kriging = kriging
        self.geoTransform = geoTransform
        self.withVariance = withVariance
        self.valueName = valueName
        var digest = ContentDigest()
        for coordinate in [kriging.samples.x, kriging.samples.y, kriging.samples.z] { digest.add(coordinate) }
        digest.add(Array("\(kriging.model)".utf8))
        samplesContent = ContentInput(role: "samples", source: samplesSource, digest: digest.finalize())
    }

    /// The settings a user chooses; the variogram's parameters, fitted to the samples, are in `samplesContent`.
    public var signature: String {
        "krige \(valueName) \(kriging.model.kind.rawValue) \(kriging.neighbourhood) \(kriging.support) variance=\(withVariance)"
    }
    public var contentInputs: [ContentInput] { [samplesContent] }
    public var inputBands: [Int] { [] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        ["kriged \(valueName)"] + (withVariance ? ["kriging variance of \(valueName)"] : [])
    }
    public var outputFileBands: [Int] { withVariance ? [1, 1] : [1] }
    public var scratchBytesPerThread: Int { kriging.workspaceBytes }
    public var sharedScratchBytes: Int { kriging.sharedGridBytes(variances: withVariance) }
    public var tileAlignment: Int { OrdinaryKriging.gridAlignment }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let core = input.core
        let origin = geoTransform.map(column: Double(core.x), row: Double(core.y))
        let grid = try GridWindow(originX: origin.x, originY: origin.y, pixelWidth: geoTransform.pixelWidth,
                                  pixelHeight: geoTransform.pixelHeight, width: core.width, height: core.height)
        let n = core.pixelCount
        let values = UnsafeMutableBufferPointer(rebasing: output[0..<n])
        let variances = withVariance ? UnsafeMutableBufferPointer(rebasing: output[n..<(2 * n)]) : nil
        // The scene's corner anchors the far-field blocks, so values do not depend on the tiling
        // (the planner keeps tiles aligned to `tileAlignment`).
        let sceneOrigin = geoTransform.map(column: 0, row: 0)
        try kriging.predictGrid(grid, values: values, variances: variances, missingValue: outputNodata,
                                gridOrigin: (sceneOrigin.x, sceneOrigin.y), parallelism: input.parallelism)
    }
}
