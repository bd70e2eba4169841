/// A failure that names the file it concerns and says what is wrong, in one line.
///
/// The CLI prints `description` as the whole error message, so it always starts with the path.
public struct RasterError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case notFound, unreadable, notRaster, truncated, invalidArgument, ioFailure, unsupported, mismatch, notWritable
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

    /// An error for `path` that carries GDAL's last message on this thread after `what` failed.
    static func gdal(_ path: String, _ kind: Kind, _ what: String) -> RasterError {
        if let detail = GDALFailure.lastMessage {
            return RasterError(path, kind, "\(what): \(detail)")
        }
        return RasterError(path, kind, what)
    }
}
