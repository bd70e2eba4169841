import CGDAL
import Foundation

/// An extra raster read as predictors beside a scene's bands (a DEM, radar backscatter, a
/// hyperspectral cube, a categorical geology map), in any CRS and resolution, seen on the scene's
/// exact pixel grid through GDAL's warper: `gdalwarp -of VRT -t_srs <scene CRS> -te <scene extent>
/// -ts <scene size> -r <resampling> -ot Float32 -dstnodata nan -et 0`. Nothing is written to disk;
/// pixels it does not cover are NaN (nodata).
public struct Covariate: Sendable, Hashable, CustomStringConvertible {
    /// gdalwarp's resampling methods that suit predictors: interpolating ones for continuous values,
    /// `nearest` and `mode` for categories (a class code must never be averaged).
    public enum Resampling: String, Sendable, CaseIterable, Codable {
        case nearest, bilinear, cubic, cubicspline, lanczos, average, mode

        /// gdalwarp's name for it (`-r`).
        public var gdalName: String { self == .nearest ? "near" : rawValue }
    }

    /// The feature name (e.g. `dem`, `s1_vv`, `geology`): letters, digits and `_`, starting with a letter.
    public let name: String
    public let path: String
    public let resampling: Resampling

    public init(name: String, path: String, resampling: Resampling = .bilinear) {
        self.name = name
        self.path = path
        self.resampling = resampling
    }

    /// Why `name` cannot name a feature (a CSV column and a YAML key), or nil.
    public static func problem(name: String) -> String? {
        guard let first = name.unicodeScalars.first, CharacterSet.letters.contains(first),
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" }) else {
            return "'\(name)' is not a feature name (letters, digits and _, starting with a letter)"
        }
        if name.first == "b", Int(name.dropFirst()) != nil { return "'\(name)' names a scene band; give the covariate another name" }
        return nil
    }

    /// "dem.tif (bilinear)".
    public var description: String { "\(path) (\(resampling.rawValue))" }

    /// The feature names of its bands: its name for a single band, `<name>_<band>` for several.
    public func featureNames(bandCount: Int) -> [String] {
        bandCount == 1 ? [name] : (1...bandCount).map { "\(name)_\($0)" }
    }

    /// gdalwarp's arguments that put it on `grid`'s pixels (without the input and output).
    public func gdalwarpArguments(onGridOf grid: Raster) throws -> [String] {
        guard let transform = grid.geoTransform, transform.isNorthUp, let crs = grid.spatialReference else {
            throw RasterError(grid.path, .unsupported, "has no north-up georeferencing (CRS and geotransform) to put the covariate \(path) on")
        }
        let extent = transform.extent(width: grid.width, height: grid.height)
        return ["-of", "VRT", "-t_srs", crs.wkt,
                "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
                "-ts", "\(grid.width)", "\(grid.height)", "-r", resampling.gdalName, "-ot", "Float32", "-dstnodata", "nan", "-et", "0"]
    }

    /// A new view of the covariate on `grid`'s pixels, for one thread (its own handle on the file).
    public func open(onGridOf grid: Raster) throws -> Raster {
        let raster = try Raster.open(path)
        guard raster.spatialReference != nil, raster.geoTransform != nil else {
            throw RasterError(path, .unsupported, "the covariate '\(name)' has no georeferencing (CRS and geotransform) to put it on the scene's grid")
        }
        return try Raster.warped(path, arguments: try gdalwarpArguments(onGridOf: grid),
                                 failure: "cannot put the covariate '\(name)' on the grid of \(grid.path)")
    }
}
