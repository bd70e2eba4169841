import Foundation

/// A folder of files that belong together (a model: `model.json`, weights, domain), written so that
/// readers never see it half-written or mixed with an earlier version of it.
///
/// The files are written into a sibling `<name>.partial-<host>-<pid>` and the folder is swapped in:
///  1. write and fsync every file in the sibling, and the sibling itself;
///  2. when a folder is at the final path, rename it aside to `<name>.previous`;
///  3. rename the sibling to the final path, and fsync the parent folder;
///  4. remove `<name>.previous`.
/// A crash in step 1 leaves the old folder untouched at the final path (the sibling is removed by
/// the next write). A crash between 2 and 3, the one moment with nothing at the final path, leaves
/// the old folder whole at `<name>.previous`, which `recover` (run by every write and by readers
/// that find the final path missing) renames back. A crash after 3 leaves the new folder whole at
/// the final path and the old one aside, removed by the next write. No sequence mixes files of two
/// versions at the final path.
public struct AtomicFolder: Sendable {
    public let finalPath: String
    /// Where the new version is written (step 1).
    public let temporaryPath: String
    /// Where the old version waits during the swap (steps 2–4).
    public let asidePath: String

    public init(_ path: String) {
        let url = URL(fileURLWithPath: Self.linkTarget(path)).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        finalPath = url.path
        temporaryPath = (parent as NSString).appendingPathComponent("\(name)\(Self.partialInfix)\(Self.host)-\(getpid())")
        asidePath = (parent as NSString).appendingPathComponent("\(name).previous")
    }

    /// Writes the folder: `fill` writes its files into the folder it is given (the temporary
    /// sibling), then the sibling replaces whatever is at the final path. When `fill` or the
    /// swap fails, the old folder stays at the final path and the sibling is removed.
    public static func write(_ path: String, _ fill: (String) throws -> Void) throws {
        let parent = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let folder = AtomicFolder(path)
        try AtomicOutputPath.checkWritableFolder((folder.finalPath as NSString).deletingLastPathComponent, for: path)
        try folder.recover()
        folder.removeAbandonedPartials()
        try? FileManager.default.removeItem(atPath: folder.temporaryPath)
        do {
            try FileManager.default.createDirectory(atPath: folder.temporaryPath, withIntermediateDirectories: false)
        } catch {
            throw RasterError(path, .notWritable, "cannot create \(folder.temporaryPath) (\(error.localizedDescription))")
        }
        do {
            try fill(folder.temporaryPath)
            try folder.commit()
        } catch {
            try? FileManager.default.removeItem(atPath: folder.temporaryPath)
            throw error
        }
    }

    /// Steps 1 (the fsyncs) to 4.
    private func commit() throws {
        func fail(_ what: String) -> RasterError {
            RasterError(finalPath, .ioFailure, "\(what): \(String(cString: strerror(errno)))")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: temporaryPath)) ?? []
        for file in files { try DurableFile.synchronise((temporaryPath as NSString).appendingPathComponent(file)) }
        try DurableFile.synchronise(temporaryPath)
        var replacing = false
        if FileManager.default.fileExists(atPath: finalPath) {
            guard rename(finalPath, asidePath) == 0 else { throw fail("cannot move the old folder aside to \(asidePath)") }
            replacing = true
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            let error = fail("cannot move the new folder into place")
            if replacing { _ = rename(asidePath, finalPath) }
            throw error
        }
        try DurableFile.synchronise((finalPath as NSString).deletingLastPathComponent)
        if replacing { try? FileManager.default.removeItem(atPath: asidePath) }
    }

    /// Finishes a swap a crash interrupted: puts the old folder back when nothing is at the final
    /// path, or removes it when the new one is there. Does nothing when no swap was interrupted
    /// (so readers of a read-only folder can call it).
    public func recover() throws {
        guard FileManager.default.fileExists(atPath: asidePath) else { return }
        if FileManager.default.fileExists(atPath: finalPath) {
            try? FileManager.default.removeItem(atPath: asidePath)
        } else if rename(asidePath, finalPath) != 0 {
            throw RasterError(finalPath, .ioFailure, "cannot restore it from \(asidePath), where an interrupted write left it: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the temporary siblings of writers on this host that died before finishing.
    private func removeAbandonedPartials() {
        let parent = (finalPath as NSString).deletingLastPathComponent
        let prefix = (finalPath as NSString).lastPathComponent + Self.partialInfix + Self.host + "-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = pid_t(entry.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(entry))
        }
    }

    /// The path a symbolic link names, followed to the end (even when nothing is there yet), so
    /// that writing through a link replaces the folder it names and the link stays a link.
    private static func linkTarget(_ path: String) -> String {
        var current = path
        for _ in 0..<32 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current = destination.hasPrefix("/") ? destination
                : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        return current
    }

    private static let partialInfix = ".partial-"
    private static var host: String { ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_") }

    /// fsync of a file or folder, so that a rename after it never exposes unwritten data.
}
