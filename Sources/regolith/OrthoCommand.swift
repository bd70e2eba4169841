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
            """
    )

    @Argument(help: "The L1A scene (e.g. …-MSS1.tiff with its .rpb beside it).")
    var scene: String

    @Option(help: "Output orthorectified .tif.")
    var out: String

    @Option(help: "DEM GeoTIFF (or any raster GDAL reads) with heights in metres, in any CRS.")
    var dem: String?

    @Option(help: ArgumentHelp("Constant terrain height in metres, without a DEM (default: the RPC's HEIGHT_OFF).", valueName: "metres"))
    var height: Double?

    @Option(name: .customLong("t-srs"), help: ArgumentHelp("Target CRS, anything GDAL knows, e.g. EPSG:4545 (default: the WGS 84 UTM zone of the scene's centre).", valueName: "srs"))
    var targetCRS: String?

    @Option(help: ArgumentHelp("Pixel size in the target CRS's units (default: 4, the GF-2 multispectral pixel, for a CRS in metres).", valueName: "size"))
    var res: Double?

    @Option(help: "How a map pixel is interpolated from the scene's pixels around it.")
    var resampling: Orthorectification.Resampling = .bilinear

    @OptionGroup var engine: EngineCommandOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if dem != nil && height != nil { throw ValidationError("give --dem or --height, not both") }
        if let res, !(res > 0 && res.isFinite) { throw ValidationError("--res must be a positive number") }
        if let height, !height.isFinite { throw ValidationError("--height must be a number of metres") }
    }

    func run() throws {
        global.apply()
        try engine.refuseSharding("ortho")
        try OutputPaths.check(outputs: [(out, .file)], inputs: [scene] + (dem.map { [$0] } ?? []))
        let crs: SpatialReference?
        do { crs = try targetCRS.map(SpatialReference.init) } catch {
            throw ValidationError("--t-srs '\(targetCRS ?? "")' is not a CRS GDAL knows")
        }
        let ortho = try Orthorectification(source: scene, dem: dem, height: height, targetCRS: crs, resolution: res, resampling: resampling)
        let summary = try SceneOrthorectification(ortho).run(out: out, engine: engine.engineOptions,
                                                            progress: engine.progress(task: "ortho", quiet: global.quiet))
        print(summary)
    }
}

extension Orthorectification.Resampling: ExpressibleByArgument {}
