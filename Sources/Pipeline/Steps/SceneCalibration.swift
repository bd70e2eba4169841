import Foundation
import Inversion
import RasterIO
import TileEngine

/// DN → top-of-atmosphere reflectance of a GF-2 scene (`calibrate`, and step 1 of `run`): the
/// coefficients of the product XML's sensor and year, optional dark-object subtraction from the
/// whole scene's statistics, then the reflectance kernel through the engine.
public struct SceneCalibration: Sendable {
    public var scene: String
    /// The product XML; nil: the scene's path with `.xml`.
    public var metadata: String?
    public var darkObjectSubtraction: Bool
    /// Calibrate a scene whose pixels are not UInt16 (GF-2's DNs are 10-bit integers in UInt16): a
    /// Byte scene is usually a stretched quick-look and a Float32 one already reflectance.
    public var allowAnyPixelType: Bool

    public init(scene: String, metadata: String? = nil, darkObjectSubtraction: Bool = false, allowAnyPixelType: Bool = false) {
        self.scene = scene
        self.metadata = metadata
        self.darkObjectSubtraction = darkObjectSubtraction
        self.allowAnyPixelType = allowAnyPixelType
    }

    /// What the calibration used and did: numbers for the report, and a summary for the console.
    public struct Summary: Codable, Sendable, CustomStringConvertible {
        public var coefficients: String
        public var table: String
        public var solarZenith: Double
        public var earthSunDistance: Double
        public var darkDN: [Double]?
        public var haze: [Double]?
        /// The reflectance scene written, its tiles and rate; nil when the calibration was applied on
        /// the fly (a `run` on DNs writes no reflectance).
        public var output: String?
        public var tiles: Int?
        public var megapixelsPerSecond: Double?

        public var description: String {
            var lines = [String(format: "calibration  %@ (table %@), sun zenith %.2f°, Earth–Sun %.5f AU",
                                coefficients, table, solarZenith, earthSunDistance)]
            if let darkDN, let haze {
                lines.append("dark object  DN " + darkDN.map { String(format: "%.1f", $0) }.joined(separator: ", ")
                             + "; haze " + haze.map { String(format: "%.4f", $0) }.joined(separator: ", "))
            }
            if let output, let tiles, let megapixelsPerSecond {
                lines.append(String(format: "wrote %@ (%d tiles, %.1f Mpixel/s)", output, tiles, megapixelsPerSecond))
            } else {
                lines.append("applied as the scene is read (no reflectance scene written)")
            }
            return lines.joined(separator: "\n")
        }
    }

    public var metadataPath: String {
        metadata ?? URL(fileURLWithPath: scene).deletingPathExtension().path + ".xml"
    }

    /// The scene's calibration: the coefficients its product XML implies, checked against the scene,
    /// and with dark-object subtraction the haze from a statistics pass over its DNs (nothing written).
    public func calibration(threads: Int) throws -> (model: TOAReflectanceModel, haze: DarkObjectCorrection.Result?) {
        let metadataPath = metadataPath
        guard FileManager.default.fileExists(atPath: metadataPath) else {
            throw InversionError("\(metadataPath): no product metadata XML for \(scene); give it with --xml")
        }
        let metadata = try GF2Metadata.read(metadataPath)
        let model: TOAReflectanceModel
        do { model = try TOAReflectanceModel(metadata: metadata) } catch let error as CalibrationError {
            throw InversionError("\(metadataPath): \(error)")
        }
        let input = try Raster.open(scene)
        if !allowAnyPixelType, let band = input.bands.first(where: { $0.pixelType != .uint16 }) {
            throw InversionError("\(scene): band \(band.number) is \(band.pixelType.name), but GF-2 PMS scenes hold DNs as UInt16 (a Byte scene is usually a stretched quick-look, a Float32 one already reflectance); calibrate it anyway with --allow-any-type")
        }
        guard input.bandCount == model.coefficients.bandCount else {
            throw InversionError("\(scene): has \(input.bandCount) band(s), but \(model.coefficients.label) calibrates \(model.coefficients.bandCount)")
        }
        if input.width != metadata.widthInPixels || input.height != metadata.heightInPixels {
            throw InversionError("\(metadataPath): <WidthInPixels>/<HeightInPixels> say \(metadata.widthInPixels)×\(metadata.heightInPixels), but \(scene) is \(input.width)×\(input.height)")
        }
        let haze = try darkObjectSubtraction ? DarkObjectCorrection.estimate(scene: scene, model: model, threads: threads) : nil
        return (model, haze)
    }

    public func run(out: String, engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Summary {
        let (model, haze) = try calibration(threads: engine.threads)
        let result = try TilePipeline.run(ReflectanceKernel(model: model, haze: haze?.haze), input: scene, output: out, options: engine, progress: progress)
        var summary = Self.summary(model, haze)
        (summary.output, summary.tiles, summary.megapixelsPerSecond) = (out, result.tiles, result.megapixelsPerSecond)
        return summary
    }

    /// What a calibration used, before anything is written.
    static func summary(_ model: TOAReflectanceModel, _ haze: DarkObjectCorrection.Result?) -> Summary {
        Summary(coefficients: model.coefficients.label, table: CalibrationTable.version, solarZenith: model.solarZenith,
                earthSunDistance: model.earthSunDistance, darkDN: haze?.darkDN, haze: haze?.haze)
    }
}

extension SceneRunResult {
    /// This run's rate (resumed tiles excluded).
    public var megapixelsPerSecond: Double { Double(pixels) / max(seconds, 1e-9) / 1e6 }
}
