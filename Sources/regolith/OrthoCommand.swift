import ArgumentParser
import Foundation
import Pipeline
import RasterIO
import TileEngine

struct OrthoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ortho",
        abstract: "Orthorectify an L1A scene through its RPC model (GDAL's warper), streamed in tiles.",
        discussion: """
            The scene's RPC model (an .rpb beside it, or RPC tags) maps it onto a map grid with GDAL's RPC transformer, as `gdalwarp -rpc -to RPC_DEM=DEM -t_srs SRS -tr RES RES -tap` does, on the same pixels: terrain heights from --dem (any CRS and resolution; it must cover the scene) or one constant height. The transformation is computed exactly at every pixel (gdalwarp's -et 0, its default with a DEM). The grid is aligned to multiples of the resolution, so products orthorectified with the same CRS and resolution share it. Each tile reads only its warped window, within --memory. The output keeps the scene's pixel type, bands and nodata, and records the orthorectification in its metadata (ORTHO_*).

            Examples:
              regolith ortho GF2_PMS1_…-MSS1.tiff --dem dem.tif --out ortho.tif
              regolith ortho GF2_PMS1_…-MSS1.tiff --t-srs EPSG:4545 --res 4 --out ortho.tif
              regolith ortho GF2_PMS1_…_L1A….tar.gz --pansharpen --out ps.tif
            """
    )

    @Argument(help: "The L1A scene (e.g. …-MSS1.tiff with its .rpb beside it).")
    var scene: String

    @Option(help: "Output orthorectified .tif.")
    var out: String

    @Flag(help: "Pan-sharpen the product's multispectral image with its panchromatic one (GDAL's weighted Brovey, the GF-2 band weights) onto the PAN's grid; an L1A product's images are orthorectified first, the PAN at --res (1 m by default), the MSS at four times it, on nested grids.")
    var pansharpen = false

    @OptionGroup var ortho: OrthorectificationOptions
    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        try engine.refuseSharding("ortho")
        let fused = try pansharpen ? ProductPansharpening(scene: scene, orthorectification: ortho.settings) : nil
        let images = fused.map { [$0.product.mss.raster] + ($0.product.pan.map { [$0.raster] } ?? []) } ?? []
        try OutputPaths.check(outputs: [(out, .file)], inputs: [scene] + images + ortho.settings.inputs)
        let view = try fused.map(SceneOrthorectification.init) ?? SceneOrthorectification(ortho.settings.orthorectification(of: scene))
        let summary = try view.run(out: out, engine: engine.engineOptions, progress: engine.progress(task: "ortho", quiet: global.quiet))
        print(summary)
    }
}
