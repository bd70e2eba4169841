import Foundation

/// Exclusive ownership of an output for one run: an advisory lock (`flock`) on a lock file beside
/// it, which the kernel releases when the process ends however it ends, so a second run on the
/// same output refuses at once instead of resuming the first one's live partial file, and a dead
/// run's lock never needs cleaning up. Linux carries `flock` over NFS as a whole-file `fcntl`
/// lock, so Slurm tasks on different nodes exclude each other too. The file names its holder
/// (pid, host, start time, command) for the refusal message.
public final class OutputLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Locks `finalPath`'s output (lock file `<stem>.partial.<ext>.lock` beside it).
    public static func acquire(output finalPath: String) throws -> OutputLock {
        try acquire(try AtomicOutputPath(finalPath))
    }

    /// Locks the output `location` stands for (a caller that has it already does not resolve it again).
    public static func acquire(_ location: AtomicOutputPath) throws -> OutputLock {
        try OutputLock(lockFile: location.temporaryPath + ".lock", owner: location.finalPath)
    }

    /// Locks `lockFile`; errors name `owner` (the output or folder the lock stands for).
    public init(lockFile: String, owner: String) throws {
        path = lockFile
        while true {
            let fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw RasterError(owner, .notWritable, "cannot create the lock file \(lockFile): \(String(cString: strerror(errno)))")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let holder = Self.holder(of: fd)
                close(fd)
                throw RasterError(owner, .busy, "another run is writing this output (\(holder)); wait for it to finish or stop it")
            }
            // A holder that finished between our open and our lock has unlinked the file we locked:
            // lock the file now at the path instead.
            var opened = stat(), current = stat()
            if fstat(fd, &opened) == 0, stat(lockFile, &current) == 0, opened.st_ino == current.st_ino, opened.st_dev == current.st_dev {
                descriptor = fd
                break
            }
            close(fd)
        }
        let host = ProcessInfo.processInfo.hostName
        let started = ISO8601DateFormatter().string(from: Date())
        let command = CommandLine.arguments.joined(separator: " ")
        let note = "pid \(getpid()) on \(host) since \(started): \(command.prefix(300))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Unlocks and removes the lock file (the kernel would unlock at exit anyway).
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    private static func holder(of fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(fd, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "its holder has not written its name yet" : text
    }
}
