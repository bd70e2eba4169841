import CGDAL
import Foundation

/// Writes a tar archive (POSIX ustar) through GDAL's virtual file system: `.tar.gz`/`.tgz` paths are
/// gzip-compressed while written (GDAL's `/vsigzip/` takes sequential writes), `.tar` is plain. No
/// `tar` program is run. Members are regular files at the archive's top level, with a fixed time
/// stamp, owner and mode, so the same members give the same bytes.
///
/// Built under a temporary name (`AtomicOutputPath`); nothing appears at the final path unless
/// `commit()` succeeds.
public final class TarArchiveWriter {
    public let location: AtomicOutputPath
    private var handle: UnsafeMutablePointer<VSILFILE>?
    /// Member modification time, seconds since 1970 (UTC).
    private let modificationTime: Int
    private static let blockSize = 512
    /// ustar's 11 octal digits of size: members must stay below 8 GiB.
    private static let largestMember = (1 << 33) - 1

    public var path: String { location.finalPath }

    public init(creating path: String, modificationTime: Int = 0) throws {
        GDAL.ensureInitialized()
        location = try AtomicOutputPath(path)
        location.discard()
        self.modificationTime = modificationTime
        let lower = path.lowercased()
        let compressed = lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz")
        guard compressed || lower.hasSuffix(".tar") else {
            throw RasterError(path, .invalidArgument, "a tar archive is named .tar, .tar.gz or .tgz")
        }
        GDALFailure.reset()
        guard let handle = VSIFOpenL((compressed ? "/vsigzip/" : "") + location.temporaryPath, "wb") else {
            throw RasterError.gdal(path, .notWritable, "cannot create the archive")
        }
        self.handle = handle
    }

    /// Adds `data` as member `name`.
    public func add(_ data: Data, as name: String) throws {
        try writeHeader(name: name, size: data.count)
        try data.withUnsafeBytes { try write($0.baseAddress, count: data.count) }
        try pad(data.count)
    }

    /// Adds the file at `source` (any GDAL path) as member `name`, copied in pieces of 4 MiB.
    public func addFile(at source: String, as name: String) throws {
        guard let input = VSIFOpenL(source, "rb") else {
            throw RasterError(source, .notFound, "cannot read it to add to \(path)")
        }
        defer { VSIFCloseL(input) }
        VSIFSeekL(input, 0, SEEK_END)
        let size = Int(VSIFTellL(input))
        VSIFSeekL(input, 0, SEEK_SET)
        try writeHeader(name: name, size: size)
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var remaining = size
        while remaining > 0 {
            let piece = min(remaining, buffer.count)
            let read = buffer.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, piece, input) }
            guard read == piece else {
                throw RasterError(source, .ioFailure, "ended \(remaining - read) bytes early while added to \(path)")
            }
            try buffer.withUnsafeBytes { try write($0.baseAddress, count: piece) }
            remaining -= piece
        }
        try pad(size)
    }

    /// Ends the archive (two zero blocks), closes it and moves it to the final path.
    public func commit() throws {
        guard let handle else { preconditionFailure("TarArchiveWriter committed twice") }
        do {
            try write([UInt8](repeating: 0, count: 2 * Self.blockSize), count: 2 * Self.blockSize)
        } catch {
            discard()
            throw error
        }
        self.handle = nil
        GDALFailure.reset()
        guard VSIFCloseL(handle) == 0, GDALFailure.lastMessage == nil else {
            location.discard()
            throw RasterError.writeFailure(path, GDALFailure.lastMessage ?? "cannot finish the archive")
        }
        try location.commit()
    }

    /// Abandons the archive: nothing appears at the final path.
    public func discard() {
        if let handle { VSIFCloseL(handle) }
        handle = nil
        location.discard()
    }

    deinit { discard() }

    private func writeHeader(name: String, size: Int) throws {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 100 else {
            throw RasterError(path, .invalidArgument, "member name '\(name)' must have 1 to 100 bytes")
        }
        guard size <= Self.largestMember else {
            throw RasterError(path, .invalidArgument, "member '\(name)' of \(size) bytes exceeds the 8 GiB a ustar member may hold")
        }
        var header = [UInt8](repeating: 0, count: Self.blockSize)
        func put(_ text: String, at offset: Int) {
            for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, digits: Int) -> String {
            let text = String(value, radix: 8)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        header.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        put(octal(0o644, digits: 7), at: 100)
        put(octal(0, digits: 7), at: 108)
        put(octal(0, digits: 7), at: 116)
        put(octal(size, digits: 11), at: 124)
        put(octal(modificationTime, digits: 11), at: 136)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        // The checksum is the byte sum with its own field read as eight spaces.
        for i in 148..<156 { header[i] = UInt8(ascii: " ") }
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, digits: 6), at: 148)
        header[154] = 0
        try write(header, count: Self.blockSize)
    }

    private func pad(_ size: Int) throws {
        let remainder = size % Self.blockSize
        guard remainder != 0 else { return }
        try write([UInt8](repeating: 0, count: Self.blockSize - remainder), count: Self.blockSize - remainder)
    }

    private func write(_ bytes: UnsafeRawPointer?, count: Int) throws {
        guard let handle else { preconditionFailure("TarArchiveWriter used after commit") }
        guard count > 0 else { return }
        GDALFailure.reset()
        guard VSIFWriteL(bytes, 1, count, handle) == count else {
            throw RasterError.writeFailure(path, GDALFailure.lastMessage ?? "cannot write to the archive")
        }
    }
}
