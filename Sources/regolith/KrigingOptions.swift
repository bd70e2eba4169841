import ArgumentParser
import Inversion
import RasterIO

/// How samples are read and kriged: shared by `krige`, `samples` and `train`.
struct KrigingOptions: ParsableArguments {
    @Option(help: "Variogram model: auto (best fit of sph, exp, gau), sph, exp or gau.")
    var model: KrigingSettings.ModelChoice = .auto

    @Option(help: "Use the nearest N samples (default: all, the global neighbourhood).")
    var nmax: Int?

    @Option(help: "With --nmax: only samples within this distance (map units).")
    var maxdist: Double?

    @Option(help: "Block support: the side of a square block in map units (e.g. 4 for a GF-2 pixel); default point support.")
    var block: Double?

    @Option(help: "The value column of the samples CSV.")
    var column = "re2o3"

    @Option(help: "CRS of the sample coordinates (default EPSG:4326, lon/lat).")
    var samplesCrs = "EPSG:4326"

    @Flag(help: "Average samples at the same location instead of refusing them.")
    var mergeDuplicates = false

    func validate() throws {
        if let nmax, nmax < 1 { throw ValidationError("--nmax must be at least 1") }
        if let maxdist, maxdist <= 0 { throw ValidationError("--maxdist must be positive") }
        if maxdist != nil && nmax == nil { throw ValidationError("--maxdist needs --nmax") }
        if let block, block <= 0 { throw ValidationError("--block must be positive") }
    }

    var settings: KrigingSettings { KrigingSettings(model: model, nmax: nmax, maxdist: maxdist, block: block) }

    func sourceCRS() throws -> SpatialReference {
        do { return try SpatialReference(samplesCrs) } catch {
            throw ValidationError("--samples-crs '\(samplesCrs)' is not a CRS GDAL knows")
        }
    }
}

extension KrigingSettings.ModelChoice: ExpressibleByArgument {}
