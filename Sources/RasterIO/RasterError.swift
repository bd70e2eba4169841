import Foundation

/// A failure that names the file it concerns and says what is wrong, in one line.
///
/// The CLI prints `description` as the whole error message, so it always starts with the path.
public struct RasterError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case notFound, unreadable, notRaster, truncated, invalidArgument, ioFailure, unsupported, mismatch, notWritable, busy
    }

    public let path: String
    public let kind: Kind
    public let message: String

    public init(_ path: String, _ kind: Kind, _ message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    /// A failed write to `path`, saying so plainly when the file system is full (GDAL's own
    /// message is only "Write error at scanline …").
    static func writeFailure(_ path: String, _ detail: String) -> RasterError {
        let folder = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        if statvfs(folder.isEmpty ? "." : folder, &stats) == 0 {
            let free = Int(stats.f_bavail) * Int(stats.f_frsize)
            if free < 4 << 20 {
                return RasterError(path, .ioFailure, "no space left on the device (\(free / 1024) KiB free in \(folder.isEmpty ? "." : folder)); writing failed: \(detail)")
            }
        }
        return RasterError(path, .ioFailure, "writing failed: \(detail)")
    }

    /// A raster without a geotransform given to a step that needs map coordinates (`purpose`, e.g.
    /// "a mosaic"): most often an L1A image in sensor geometry, which orthorectification maps.
    public static func needsMapCoordinates(_ path: String, for purpose: String) -> RasterError {
        RasterError(path, .invalidArgument, "has no georeferencing (sensor geometry, e.g. an L1A product); \(purpose) needs map coordinates: orthorectify it first (--dem DEM.tif, or regolith ortho)")
    }

    /// An error for `path` that carries GDAL's last message on this thread after `what` failed.
    static func gdal(_ path: String, _ kind: Kind, _ what: String) -> RasterError {
        if let detail = GDALFailure.lastMessage {
            return RasterError(path, kind, "\(what): \(detail)")
        }
        return RasterError(path, kind, what)
    }
}
