import ArgumentParser
import Foundation
import Inversion
import RasterIO
import TileEngine

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "DN → top-of-atmosphere reflectance of a GF-2 PMS scene, streamed in tiles.",
        discussion: """
            Radiance L = gain · DN + offset with CRESDA's coefficients for the satellite, sensor and
            year in the product XML; reflectance ρ = π L d² / (ESUN cos θs) with the sun zenith from the
            XML and the Earth–Sun distance of the acquisition date. --dos subtracts the haze a dark
            object shows (Chavez's DOS1: the 0.01th percentile DN of the whole scene, less 1 %
            reflectance). Writes Float32 tiled GeoTIFF (ZSTD, PREDICTOR=3, nodata −9999).

            Examples:
              regolith calibrate GF2_PMS1_…-MSS1.tiff --out refl.tif
              regolith calibrate scene.tiff --xml scene.xml --out refl.tif --dos
            """
    )

    @Argument(help: "The scene (DN, 4 bands).")
    var scene: String

    @Option(help: "The product metadata XML (default: the scene's path with .xml).")
    var xml: String?

    @Option(help: "Output reflectance .tif.")
    var out: String

    @Flag(help: "Dark-object subtraction from scene-wide statistics.")
    var dos = false

    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let summary = try Calibration.run(scene: scene, xml: xml, out: out, dos: dos, engine: engine, quiet: global.quiet)
        print(summary)
    }
}

/// The calibration step, shared by `calibrate` and `run`.
enum Calibration {
    static func metadataPath(scene: String, xml: String?) -> String {
        xml ?? URL(fileURLWithPath: scene).deletingPathExtension().path + ".xml"
    }

    static func run(scene: String, xml: String?, out: String, dos: Bool, engine: EngineCommandOptions, quiet: Bool) throws -> String {
        let metadataPath = metadataPath(scene: scene, xml: xml)
        try engine.refuseSharding("calibrate")
        guard FileManager.default.fileExists(atPath: metadataPath) else {
            throw CommandFailure(message: "\(metadataPath): no product metadata XML for \(scene); give it with --xml")
        }
        let metadata = try GF2Metadata.read(metadataPath)
        let model = try TOAReflectanceModel(metadata: metadata)
        let input = try Raster.open(scene)
        guard input.bandCount == model.coefficients.bandCount else {
            throw CommandFailure(message: "\(scene): has \(input.bandCount) band(s), but \(model.coefficients.label) calibrates \(model.coefficients.bandCount)")
        }
        if input.width != metadata.widthInPixels || input.height != metadata.heightInPixels {
            throw CommandFailure(message: "\(metadataPath): <WidthInPixels>/<HeightInPixels> say \(metadata.widthInPixels)×\(metadata.heightInPixels), but \(scene) is \(input.width)×\(input.height)")
        }
        let haze = try dos ? DarkObjectCorrection.estimate(scene: scene, model: model, threads: engine.threads) : nil
        let kernel = ReflectanceKernel(model: model, haze: haze?.haze)
        let result = try TilePipeline.run(kernel, input: scene, output: out, options: engine.engineOptions,
                                          progress: engine.progress(task: "calibrate", quiet: quiet))
        var lines = [String(format: "calibration  %@ (table %@), sun zenith %.2f°, Earth–Sun %.5f AU",
                            model.coefficients.label, CalibrationTable.version, model.solarZenith, model.earthSunDistance)]
        if let haze {
            lines.append("dark object  DN " + haze.darkDN.map { String(format: "%.1f", $0) }.joined(separator: ", ")
                         + "; haze " + haze.haze.map { String(format: "%.4f", $0) }.joined(separator: ", "))
        }
        lines.append(String(format: "wrote %@ (%d tiles, %.1f Mpixel/s)", out, result.tiles, Double(result.pixels) / max(result.seconds, 1e-9) / 1e6))
        return lines.joined(separator: "\n")
    }
}
