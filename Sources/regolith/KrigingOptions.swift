import ArgumentParser
import Inversion
import Pipeline
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

    @Option(help: "The samples CSV's x coordinate column (longitude or easting); default: recognised by name, case-insensitively: lon, longitude, 经度, x, east, easting.")
    var xColumn: String?

    @Option(help: "The samples CSV's y coordinate column (latitude or northing); default: lat, latitude, 纬度, y, north or northing, beside the x column.")
    var yColumn: String?

    @Option(help: "Field delimiter of the samples CSV: ',', ';' or tab (default: the one the header line uses).")
    var delimiter: CSVTable.Delimiter?

    @Flag(help: "Average samples at the same location instead of refusing them.")
    var mergeDuplicates = false

    func validate() throws {
        if let nmax, nmax < 1 { throw ValidationError("--nmax must be at least 1") }
        if let problem = maxdist.flatMap(SettingRules.positive) { throw ValidationError("--maxdist: \(problem)") }
        if maxdist != nil && nmax == nil { throw ValidationError("--maxdist needs --nmax") }
        if let problem = block.flatMap(SettingRules.positive) { throw ValidationError("--block: \(problem)") }
        if (xColumn == nil) != (yColumn == nil) { throw ValidationError("give both --x-column and --y-column, or neither") }
    }

    var format: SampleTableFormat { SampleTableFormat(delimiter: delimiter, xColumn: xColumn, yColumn: yColumn) }

    var settings: KrigingSettings { KrigingSettings(model: model, nmax: nmax, maxdist: maxdist, block: block) }

    func sourceCRS() throws -> SpatialReference {
        do { return try SpatialReference(samplesCrs) } catch {
            throw ValidationError("--samples-crs '\(samplesCrs)' is not a CRS GDAL knows")
        }
    }
}

extension KrigingSettings.ModelChoice: ExpressibleByArgument {}

extension CSVTable.Delimiter: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { [",", ";", "tab"] }
}
