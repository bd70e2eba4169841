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

    /// Adds a whole file's bytes (for small files: model files, tables).
    public mutating func add(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError("\(path): cannot read the file")
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

    /// The digest of `files`, in order.
    public static func of(files: [String]) throws -> String {
        var digest = ContentDigest()
        for file in files { try digest.add(file: file) }
        return digest.finalize()
    }
}
