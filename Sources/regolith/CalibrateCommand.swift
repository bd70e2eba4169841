import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "DN → top-of-atmosphere reflectance of a GF-2 PMS scene, streamed in tiles.",
        discussion: """
            Radiance L = gain · DN + offset with CRESDA's coefficients for the satellite, sensor and year in the product XML; reflectance ρ = π L d² / (ESUN cos θs) with the sun zenith from the XML and the Earth–Sun distance of the acquisition date. --dos subtracts the haze a dark object shows (Chavez's DOS1: the 0.01th percentile DN of the whole scene, less 1 % reflectance). A scene whose pixels are not UInt16 is refused unless --allow-any-type. A GF-2 product is read in place (a tarball is never unpacked). An L1A scene (with its RPC model, e.g. an .rpb beside it) is orthorectified on the way in when any of --dem, --height, --t-srs, --res is given, as `regolith ortho` does; without them its RPC is kept in the output, so the reflectance can still be orthorectified. Writes Float32 tiled GeoTIFF (ZSTD, PREDICTOR=3, nodata −9999).

            Examples:
              regolith calibrate GF2_PMS1_…-MSS1.tiff --out refl.tif
              regolith calibrate GF2_PMS1_…_L1A….tar.gz --out refl.tif
              regolith calibrate scene.tiff --xml scene.xml --out refl.tif --dos
            """
    )

    @Argument(help: "The scene (DN, 4 bands), or a GF-2 product: its .tar.gz/.tar, its folder or its …-MSS1.tiff.")
    var scene: String

    @Option(help: "The product metadata XML (default: the product's, or the scene's path with .xml).")
    var xml: String?

    @Option(help: "Output reflectance .tif.")
    var out: String

    @Flag(help: "Dark-object subtraction from scene-wide statistics.")
    var dos = false

    @Flag(help: "Calibrate a scene whose pixels are not UInt16 (GF-2 DNs are UInt16; a Byte scene is usually a stretched quick-look).")
    var allowAnyType = false

    @Flag(help: "Pan-sharpen the product's multispectral image with its panchromatic one on the way in (as `regolith ortho --pansharpen` does): the reflectance on the PAN's grid, 1 m by default.")
    var pansharpen = false

    @OptionGroup(title: "Orthorectification")
    var ortho: OrthorectificationOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        try engine.refuseSharding("calibrate")
        let calibration = SceneCalibration(scene: scene, metadata: xml, darkObjectSubtraction: dos, allowAnyPixelType: allowAnyType,
                                           orthorectification: ortho.requested ? ortho.settings : nil, pansharpen: pansharpen)
        let (image, metadata) = try calibration.resolvedInputs()
        let pan = pansharpen ? try GF2Product.sceneProduct(scene).pan.map { [$0.raster] } ?? [] : []
        try OutputPaths.check(outputs: [(out, .file)], inputs: [scene, image.raster, metadata] + pan + ortho.settings.inputs)
        let summary = try calibration.run(out: out, engine: engine.engineOptions, progress: engine.progress(task: "calibrate", quiet: global.quiet))
        print(summary)
    }
}
