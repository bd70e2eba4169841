import Foundation
import Inversion
import RasterIO

/// How to orthorectify scenes in sensor geometry (an RPC model, no map grid) on the way into a
/// step: `regolith ortho`, and `calibrate`/`invert` given `--dem`, `--height`, `--t-srs` or `--res`.
/// Every nil keeps `Orthorectification`'s default.
public struct OrthorectificationSettings: Sendable, Equatable {
    public var dem: String?
    public var height: Double?
    /// Anything GDAL knows as a CRS, e.g. "EPSG:4545".
    public var targetCRS: String?
    public var resolution: Double?
    public var resampling: Orthorectification.Resampling

    public init(dem: String? = nil, height: Double? = nil, targetCRS: String? = nil, resolution: Double? = nil,
                resampling: Orthorectification.Resampling = .bilinear) {
        self.dem = dem
        self.height = height
        self.targetCRS = targetCRS
        self.resolution = resolution
        self.resampling = resampling
    }

    /// `scene` orthorectified with these settings (its RPC and the DEM's coverage checked); a GF-2
    /// product (tarball, folder) stands for its MSS image.
    public func orthorectification(of scene: String) throws -> Orthorectification {
        try orthorectification(ofImage: GF2Product.sceneImage(scene).raster)
    }

    /// One image orthorectified with these settings; `crs` (a region's) instead of `targetCRS`.
    public func orthorectification(ofImage image: String, crs: SpatialReference? = nil) throws -> Orthorectification {
        let target: SpatialReference?
        do { target = try crs ?? targetCRS.map(SpatialReference.init) } catch {
            throw RasterError(targetCRS ?? "", .invalidArgument, "not a CRS GDAL knows (the target CRS)")
        }
        return try Orthorectification(source: image, dem: dem, height: height, targetCRS: target, resolution: resolution, resampling: resampling)
    }

    /// Files these settings read besides the scenes (the DEM), which no output may overwrite.
    public var inputs: [String] { dem.map { [$0] } ?? [] }
}
