import Crypto
import Foundation

/// A SHA-256 (swift-crypto) over the bytes of an input, hex-encoded: how a run recognises that an
/// input it depends on is the same as before, whatever its name, size or date. Feed it files and
/// values in a fixed order; the same sequence gives the same digest.
public struct ContentDigest {
    private var hasher = SHA256()

    public init() {}

    /// Adds raw bytes.
    public mutating func add(_ bytes: some DataProtocol) {
        hasher.update(data: bytes)
    }

    /// Adds a whole file's bytes (for small files: model files, tables). With `mask`, every
    /// occurrence of it is replaced by as many zero bytes first: for files that differ only by an
    /// identifier (a model folder's training run), so that two trainings of the same model have
    /// one digest.
    public mutating func add(file path: String, masking mask: String? = nil) throws {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw EngineError("\(path): cannot read the file")
        }
        let pattern = Data((mask ?? "").utf8), blank = Data(count: pattern.count)
        var start = data.startIndex
        while !pattern.isEmpty, let range = data.range(of: pattern, in: start..<data.endIndex) {
            data.replaceSubrange(range, with: blank)
            start = range.upperBound
        }
        // The length first, so that moving bytes from one file to the next changes the digest.
        add(count: data.count)
        add(data)
    }

    /// Adds numbers exactly: their IEEE bit patterns, little-endian, after their count.
    public mutating func add(_ values: [Double]) {
        add(count: values.count)
        values.withUnsafeBufferPointer { buffer in
            for value in buffer {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { hasher.update(bufferPointer: $0) }
            }
        }
    }

    private mutating func add(count: Int) {
        withUnsafeBytes(of: UInt64(count).littleEndian) { hasher.update(bufferPointer: $0) }
    }

    /// The 64 hex digits of the digest.
    public func finalize() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of `files`, in order; with `masking`, each file's occurrences of it masked (`add(file:masking:)`).
    public static func of(files: [String], masking mask: String? = nil) throws -> String {
        var digest = ContentDigest()
        for file in files { try digest.add(file: file, masking: mask) }
        return digest.finalize()
    }
}
