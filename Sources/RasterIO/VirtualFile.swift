import CGDAL
import Foundation

/// Small files and folder listings read through GDAL's virtual file systems as well as on disk:
/// a product tarball's members are read in place (`/vsitar/PRODUCT.tar.gz/NAME.xml`), never unpacked.
public enum VirtualFile {
    /// What is at a path: nothing, a folder, or a file of a size in bytes.
    public enum Kind: Equatable, Sendable {
        case missing, folder
        case file(bytes: Int)
    }

    public static func kind(_ path: String) -> Kind {
        guard let status = status(path) else { return .missing }
        return status.isFolder ? .folder : .file(bytes: status.bytes)
    }

    /// What `stat` says of a path (of the file a symbolic link points to; of an archive member, what
    /// its archive records), nil when nothing is there.
    public struct Status: Equatable, Sendable {
        public let isFolder: Bool
        public let bytes: Int
        /// Modification time, seconds since 1970.
        public let modified: Double
    }

    public static func status(_ path: String) -> Status? {
        GDAL.ensureInitialized()
        // GDAL's VSIStatBufL is `struct stat64`, opaque to Swift; on 64-bit Linux it is `struct stat`.
        var status = stat()
        guard withUnsafeMutablePointer(to: &status, { VSIStatL(path, OpaquePointer($0)) }) == 0 else { return nil }
        return Status(isFolder: isFolder(mode: Int(status.st_mode)), bytes: Int(status.st_size),
                      modified: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }

    /// `path` absolute and without `.` or `..` steps; a virtual path (`/vsitar/…`) as it is.
    public static func standardized(_ path: String) -> String {
        path.hasPrefix("/vsi") ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Whether a file (not a folder) is at `path`.
    public static func isFile(_ path: String) -> Bool {
        if case .file = kind(path) { return true }
        return false
    }

    /// The whole file; one that holds more than `limit` bytes is refused unread.
    public static func contents(_ path: String, limit: Int) throws -> Data {
        let size: Int
        switch kind(path) {
        case .missing: throw RasterError(path, .notFound, "no such file")
        case .folder: throw RasterError(path, .unreadable, "is a folder, not a file")
        case .file(let bytes): size = bytes
        }
        guard size <= limit else { throw RasterError(path, .unsupported, "is \(size) bytes, more than the \(limit) read") }
        GDALFailure.reset()
        guard let file = VSIFOpenL(path, "rb") else { throw RasterError.gdal(path, .unreadable, "cannot read the file") }
        defer { VSIFCloseL(file) }
        // One byte more than allowed: a file that grew since it was measured is still refused.
        var data = Data(count: limit + 1)
        let read = data.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, limit + 1, file) }
        guard read <= limit else { throw RasterError(path, .unsupported, "is more than the \(limit) bytes read") }
        return data.prefix(read)
    }

    /// The files under `folder` (a folder on disk or in an archive, e.g. `/vsitar/P.tar.gz`), as
    /// paths relative to it, at most `depth` folders deep. A folder holding more than `limit`
    /// entries is refused rather than listed in full.
    public static func files(under folder: String, limit: Int, depth: Int) throws -> [String] {
        GDAL.ensureInitialized()
        GDALFailure.reset()
        guard let listing = VSIOpenDir(folder, Int32(depth), nil) else {
            throw RasterError.gdal(folder, kind(folder) == .missing ? .notFound : .unreadable, "cannot list the folder")
        }
        defer { VSICloseDir(listing) }
        var files: [String] = []
        var entries = 0
        while let entry = VSIGetNextDirEntry(listing) {
            entries += 1
            guard entries <= limit else {
                throw RasterError(folder, .unsupported, "holds more than \(limit) entries; a GF-2 product holds a few dozen")
            }
            guard let name = entry.pointee.pszName else { continue }
            if !isFolder(mode: Int(entry.pointee.nMode)) { files.append(String(cString: name)) }
        }
        return files.sorted()
    }

    /// The file-type bits of a POSIX mode say "directory" (S_IFMT, S_IFDIR).
    private static func isFolder(mode: Int) -> Bool { mode & 0o170000 == 0o040000 }

    // Path arithmetic that keeps a virtual path as GDAL reads it: `/vsitar//data/P.tar.gz/NAME.tiff`
    // names the archive /data/P.tar.gz by its double slash, which NSString and URL would fold away.

    /// `name` inside `folder`.
    public static func path(_ name: String, in folder: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The folder part of `path` ("" for a bare name).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` without the extension of its last component (`a/b.tiff` → `a/b`).
    public static func removingExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), dot > (path.lastIndex(of: "/") ?? path.startIndex),
              path[..<dot].last != "/" else { return path }
        return String(path[..<dot])
    }
}
