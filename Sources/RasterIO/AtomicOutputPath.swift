import Foundation

/// Where an output is built before it appears at its final path by one atomic `rename`: a sibling
/// named `<stem>.partial.<ext>`, in the same folder (so the rename stays on one file system, and
/// relative paths inside a VRT stay valid).
public struct AtomicOutputPath: Sendable {
    public let finalPath: String
    public let temporaryPath: String

    public init(_ finalPath: String) throws {
        self.finalPath = finalPath
        let url = URL(fileURLWithPath: finalPath)
        let folder = url.deletingLastPathComponent().path
        let ext = url.pathExtension
        let stem = ext.isEmpty ? url.lastPathComponent : String(url.lastPathComponent.dropLast(ext.count + 1))
        temporaryPath = (folder as NSString).appendingPathComponent(ext.isEmpty ? "\(stem).partial" : "\(stem).partial.\(ext)")
        try Self.checkWritableFolder(folder, for: finalPath)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: finalPath, isDirectory: &isDirectory), isDirectory.boolValue {
            throw RasterError(finalPath, .notWritable, "is a folder; give a file name for this output")
        }
    }

    /// One line naming the output when its folder is missing or not writable.
    static func checkWritableFolder(_ folder: String, for path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RasterError(path, .notWritable, "output folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw RasterError(path, .notWritable, "output folder \(folder) is not writable")
        }
    }

    /// Moves the finished temporary file to the final path, replacing any file there.
    public func commit() throws {
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw RasterError(finalPath, .ioFailure, "cannot move the finished output into place: \(reason)")
        }
    }

    /// Removes the temporary file (and GDAL's side files for it), if any.
    public func discard() {
        for suffix in ["", ".aux.xml", ".ovr", "-journal", "-wal", "-shm"] {
            unlink(temporaryPath + suffix)
        }
    }
}
