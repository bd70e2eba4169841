import ArgumentParser
import Pipeline
import RasterIO

/// The orthorectification options `ortho`, `calibrate` and `invert` share: a scene in sensor
/// geometry (an RPC model, e.g. an .rpb beside it) is mapped onto a grid through GDAL's warper.
struct OrthorectificationOptions: ParsableArguments {
    @Option(help: "DEM for orthorectifying through the scene's RPC model: heights in metres, any CRS and resolution GDAL reads; it must cover the scene.")
    var dem: String?

    @Option(help: ArgumentHelp("Orthorectify at this constant terrain height in metres instead of a DEM (default: the RPC's HEIGHT_OFF).", valueName: "metres"))
    var height: Double?

    @Option(name: .customLong("t-srs"), help: ArgumentHelp("Orthorectify onto this CRS, anything GDAL knows, e.g. EPSG:4545 (default: the WGS 84 UTM zone of the scene's centre).", valueName: "srs"))
    var targetCRS: String?

    @Option(help: ArgumentHelp("Orthorectified pixel size in the target CRS's units (default for a CRS in metres: 4, the GF-2 multispectral grid, or 1 for a panchromatic scene, one with pixels under 2 m).", valueName: "size"))
    var res: Double?

    @Option(help: "How an orthorectified pixel is interpolated from the scene's pixels around it.")
    var resampling: Orthorectification.Resampling = .bilinear

    func validate() throws {
        if dem != nil && height != nil { throw ValidationError("give --dem or --height, not both") }
        if let res, !(res > 0 && res.isFinite) { throw ValidationError("--res must be a positive number") }
        if let height, !height.isFinite { throw ValidationError("--height must be a number of metres") }
        if let targetCRS, (try? SpatialReference(targetCRS)) == nil { throw ValidationError("--t-srs '\(targetCRS)' is not a CRS GDAL knows") }
    }

    var settings: OrthorectificationSettings {
        OrthorectificationSettings(dem: dem, height: height, targetCRS: targetCRS, resolution: res, resampling: resampling)
    }

    /// The options as given, for a command line that passes them on (e.g. `plan`'s sbatch line).
    var arguments: [String] {
        guard requested else { return [] }
        var words: [String] = []
        if let dem { words += ["--dem", dem] }
        if let height { words += ["--height", "\(height)"] }
        if let targetCRS { words += ["--t-srs", targetCRS] }
        if let res { words += ["--res", "\(res)"] }
        if resampling != .bilinear { words += ["--resampling", resampling.rawValue] }
        return words
    }

    /// Whether a command that also takes map-projected scenes was asked to orthorectify.
    var requested: Bool { dem != nil || height != nil || targetCRS != nil || res != nil }
}

extension Orthorectification.Resampling: ExpressibleByArgument {}
