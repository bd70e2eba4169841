import Foundation

/// Small files written whole or not at all, with names of our own: the bytes go to
/// `<path>.writing`, are flushed to disk, and the file is renamed into place. (Foundation's
/// `createFile` and atomic writes leave hidden `.dat.nosync…` files behind when killed midway;
/// a leftover `.writing` file is simply overwritten by the next write.)
public enum DurableFile {
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".writing"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create \(temporary)") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue }; return false }
                offset += count
            }
            return true
        }
        guard written, fsync(fd) == 0 else {
            let reason = failure(path, "cannot write \(temporary)")
            close(fd)
            unlink(temporary)
            throw reason
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = failure(path, "cannot move \(temporary) into place")
            unlink(temporary)
            throw reason
        }
        // The rename itself is durable only once the folder holding it is.
        try synchronise((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    /// Flushes a file or folder to disk.
    public static func synchronise(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw RasterError(path, .ioFailure, "cannot flush it to disk: \(reason)")
        }
        close(descriptor)
    }

    /// Removes the file and any leftover of an interrupted write of it.
    public static func remove(_ path: String) {
        unlink(path)
        unlink(path + ".writing")
    }

    private static func failure(_ path: String, _ what: String) -> RasterError {
        RasterError(path, .notWritable, "\(what): \(String(cString: strerror(errno)))")
    }
}
