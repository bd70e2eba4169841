import CGDAL

extension Raster {
    /// A view of `source` through GDAL's warper, as `gdalwarp -of VRT <arguments>` makes it: a
    /// warped VRT that computes each block it is asked for, over a handle of its own on the source
    /// (released with the view). `failure` completes "<source>: …" when GDAL makes no view.
    static func warped(_ source: String, arguments: [String], failure: String) throws -> Raster {
        let sourceHandle = try Raster.openDataset(source, mode: .readOnly)
        let argv = GDALStringList(arguments)
        GDALFailure.reset()
        guard let options = GDALWarpAppOptionsNew(argv.pointer, nil) else {
            _ = GDALReleaseDataset(sourceHandle)
            throw RasterError.gdal(source, .invalidArgument, "gdalwarp refuses the options \(arguments.joined(separator: " "))")
        }
        defer { GDALWarpAppOptionsFree(options) }
        var sources: [GDALDatasetH?] = [sourceHandle]
        var usageError: Int32 = 0
        guard let warped = GDALWarp("", nil, 1, &sources, options, &usageError) else {
            _ = GDALReleaseDataset(sourceHandle)
            throw RasterError.gdal(source, .unsupported, failure)
        }
        return try Raster(path: source, handle: warped, dependencies: [sourceHandle])
    }
}
