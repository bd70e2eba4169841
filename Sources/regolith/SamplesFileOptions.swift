import ArgumentParser
import Inversion
import RasterIO

/// How a drill samples CSV is read: shared by `krige` and `samples`.
struct SamplesFileOptions: ParsableArguments {
    @Option(help: "The value column of the samples CSV.")
    var column = "re2o3"
    @Option(help: "Unit of the value column, e.g. ppm or % (default: none; the column's name alone labels the outputs).")
    var unit = ""

    @Option(help: "CRS of the sample coordinates, any GDAL knows (EPSG:4326 is longitude/latitude; EPSG:32649 UTM 49N).")
    var samplesCrs = "EPSG:4326"

    @Option(help: "The samples CSV's x coordinate column (longitude or easting); default: recognised by name, case-insensitively: lon, longitude, 经度, x, east, easting.")
    var xColumn: String?

    @Option(help: "The samples CSV's y coordinate column (latitude or northing); default: lat, latitude, 纬度, y, north or northing, beside the x column.")
    var yColumn: String?

    @Option(help: "Field delimiter of the samples CSV: ',', ';' or tab (default: the one the header line uses).")
    var delimiter: CSVTable.Delimiter?

    func validate() throws {
        if (xColumn == nil) != (yColumn == nil) { throw ValidationError("give both --x-column and --y-column, or neither") }
    }

    var format: SampleTableFormat { SampleTableFormat(delimiter: delimiter, xColumn: xColumn, yColumn: yColumn) }

    func sourceCRS() throws -> SpatialReference {
        do { return try SpatialReference(samplesCrs) } catch {
            throw ValidationError("--samples-crs '\(samplesCrs)' is not a CRS GDAL knows")
        }
    }
}

extension CSVTable.Delimiter: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { [",", ";", "tab"] }
}
