import Foundation
import Inversion
import RasterIO
import TileEngine

/// DN → top-of-atmosphere reflectance of a GF-2 scene (`calibrate`, and step 1 of `run`): the
/// coefficients of the product XML's sensor and year, optional dark-object subtraction from the
/// whole scene's statistics, then the reflectance kernel through the engine.
public struct SceneCalibration: Sendable {
    public var scene: String
    /// The product XML; nil: the product's, or for another raster its path with `.xml`.
    public var metadata: String?
    public var darkObjectSubtraction: Bool
    /// Calibrate a scene whose pixels are not UInt16 (GF-2's DNs are 10-bit integers in UInt16): a
    /// Byte scene is usually a stretched quick-look and a Float32 one already reflectance.
    public var allowAnyPixelType: Bool
    /// Orthorectify the scene (sensor geometry with an RPC model) on the way in; nil: read it as it is.
    public var orthorectification: OrthorectificationSettings?
    /// Pan-sharpen the product's MSS image with its PAN image on the way in (`ProductPansharpening`,
    /// orthorectified with `orthorectification` or its defaults when the product is L1A).
    public var pansharpen: Bool

    public init(scene: String, metadata: String? = nil, darkObjectSubtraction: Bool = false, allowAnyPixelType: Bool = false,
                orthorectification: OrthorectificationSettings? = nil, pansharpen: Bool = false) {
        self.scene = scene
        self.metadata = metadata
        self.darkObjectSubtraction = darkObjectSubtraction
        self.allowAnyPixelType = allowAnyPixelType
        self.orthorectification = orthorectification
        self.pansharpen = pansharpen
    }

    /// What the calibration used and did: numbers for the report, and a summary for the console.
    public struct Summary: Codable, Sendable, CustomStringConvertible {
        public var coefficients: String
        public var table: String
        public var solarZenith: Double
        public var earthSunDistance: Double
        public var darkDN: [Double]?
        public var haze: [Double]?
        /// How the scene was orthorectified on the way in (`Orthorectification.description`), if it was.
        public var orthorectification: String?
        /// How the scene was pan-sharpened on the way in (`Pansharpening.description`), if it was.
        public var pansharpening: String?
        /// The reflectance scene written, its tiles and rate; nil when the calibration was applied on
        /// the fly (a `run` on DNs writes no reflectance).
        public var output: String?
        public var tiles: Int?
        public var megapixelsPerSecond: Double?

        public var description: String {
            var lines = [String(format: "calibration  %@ (table %@), sun zenith %.2f°, Earth–Sun %.5f AU",
                                coefficients, table, solarZenith, earthSunDistance)]
            if let darkDN, let haze {
                lines.append("dark object  " + DarkObjectCorrection.Result.describe(darkDN: darkDN, haze: haze))
            }
            if let orthorectification { lines.append("ortho        \(orthorectification)") }
            if let pansharpening { lines.append("pansharpen   \(pansharpening)") }
            if let output, let tiles, let megapixelsPerSecond {
                lines.append(String(format: "wrote %@ (%d tiles, %.1f Mpixel/s)", output, tiles, megapixelsPerSecond))
            } else {
                lines.append("applied as the scene is read (no reflectance scene written)")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The scene's image (a product's MSS image) and the metadata XML that calibrates it.
    public func resolvedInputs() throws -> (image: ProductImage, metadata: String) {
        let image = try GF2Product.sceneImage(scene)
        return (image, try metadataPath(of: image))
    }

    /// The XML that calibrates `image`: `metadata`, or the image's own, checked to exist.
    private func metadataPath(of image: ProductImage) throws -> String {
        guard let metadataPath = metadata ?? image.metadata else {
            throw InversionError("\(scene): the product holds no metadata XML beside \((image.raster as NSString).lastPathComponent); give it with --xml")
        }
        guard VirtualFile.isFile(metadataPath) else {
            throw InversionError("\(metadataPath): no product metadata XML for \(scene); give it with --xml")
        }
        return metadataPath
    }

    /// The scene's calibration: the coefficients its product XML implies, checked against the scene,
    /// and with dark-object subtraction the haze from a statistics pass over its DNs (nothing written).
    public func calibration(threads: Int) throws -> (model: TOAReflectanceModel, haze: DarkObjectCorrection.Result?) {
        let (image, metadataPath) = try resolvedInputs()
        return try calibration(of: image.raster, metadataPath: metadataPath, threads: threads)
    }

    /// The calibration of a product image located already (a catalogue's): the product is not
    /// located again (a `.tar.gz` is decompressed to be listed).
    public func calibration(of image: ProductImage, threads: Int) throws -> (model: TOAReflectanceModel, haze: DarkObjectCorrection.Result?) {
        try calibration(of: image.raster, metadataPath: try metadataPath(of: image), threads: threads)
    }

    private func calibration(of scene: String, metadataPath: String, threads: Int) throws -> (model: TOAReflectanceModel, haze: DarkObjectCorrection.Result?) {
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
        // The XML's size is the L1A raster's: it describes a scene in sensor geometry only, not one
        // orthorectified elsewhere (gdalwarp -rpc), whose grid has another size.
        if input.geoTransform == nil, input.width != metadata.widthInPixels || input.height != metadata.heightInPixels {
            throw InversionError("\(metadataPath): <WidthInPixels>/<HeightInPixels> say \(metadata.widthInPixels)×\(metadata.heightInPixels), but \(scene) is \(input.width)×\(input.height)")
        }
        let haze = try darkObjectSubtraction ? DarkObjectCorrection.estimate(scene: scene, model: model, threads: threads) : nil
        return (model, haze)
    }

    public func run(out: String, engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Summary {
        // The product is located once: a tarball's listing is not free.
        let (image, metadataPath) = try resolvedInputs()
        let scene = image.raster
        let (model, haze) = try calibration(of: scene, metadataPath: metadataPath, threads: engine.threads)
        let fused = try pansharpen ? ProductPansharpening(scene: self.scene, orthorectification: orthorectification ?? OrthorectificationSettings()) : nil
        let ortho = try fused == nil ? orthorectification?.orthorectification(of: scene) : nil
        let source = fused?.rasterSource ?? ortho?.rasterSource ?? .file(scene)
        let result = try TilePipeline.run(ReflectanceKernel(model: model, haze: haze?.haze), source: source,
                                          outputs: [out], options: engine, progress: progress)
        var summary = Self.summary(model, haze)
        summary.orthorectification = ortho?.description ?? fused?.orthorectification.map { "MSS: \($0.multispectral); PAN: \($0.panchromatic)" }
        summary.pansharpening = fused?.pansharpening.description
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
