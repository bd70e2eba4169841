import Foundation
import RasterIO

/// What a run's output depends on. A partial run is resumed only by the same command: same
/// kernel and parameters, same input file (path, size, modification time — of the file a symbolic
/// link points to, not of the link), same content of the kernel's other inputs (model, samples),
/// same tile grid.
public struct RunSignature: Codable, Equatable, Sendable {
    public var kernel: String
    /// The kernel's `contentInputs` (nil in journals written before they were recorded).
    public var contentInputs: [ContentInput]?
    public var input: String
    public var inputBytes: Int
    public var inputModified: Double
    public var tileSize: Int
    public var blockSize: Int

    public init(kernel: String, contentInputs: [ContentInput] = [], input: String, tileSize: Int, blockSize: Int) throws {
        // attributesOfItem describes a symbolic link itself; the data is the target's.
        let attributes = try FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: Self.fileOnDisk(input)).resolvingSymlinksInPath().path)
        self.kernel = kernel
        self.contentInputs = contentInputs
        self.input = URL(fileURLWithPath: input).standardizedFileURL.path
        inputBytes = (attributes[.size] as? Int) ?? 0
        inputModified = ((attributes[.modificationDate] as? Date) ?? .distantPast).timeIntervalSince1970
        self.tileSize = tileSize
        self.blockSize = blockSize
    }

    /// The file that holds `input`: itself, or for a GDAL virtual path into an archive
    /// (`/vsitar//data/product.tar.gz/scene.tiff`) the archive, whose size and date then stand for it.
    static func fileOnDisk(_ input: String) -> String {
        guard input.hasPrefix("/vsi"), let slash = input.dropFirst(1).firstIndex(of: "/") else { return input }
        var candidate = String(input[slash...])
        while candidate.count > 1 {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        return input
    }

    /// Says which part of the command differs from `other`'s, for the refusal message.
    public func difference(from other: RunSignature) -> String? {
        if kernel != other.kernel { return "the operation differs (\(other.kernel) then, \(kernel) now)" }
        if let changed = ContentInput.firstChanged(contentInputs ?? [], from: other.contentInputs ?? []) {
            return "\(changed.name) changed since the interrupted run"
        }
        if input != other.input { return "the input differs (\(other.input) then, \(input) now)" }
        if inputBytes != other.inputBytes || inputModified != other.inputModified { return "the input file \(input) has changed since" }
        if tileSize != other.tileSize || blockSize != other.blockSize {
            return "the tile size differs (\(other.tileSize) then, \(tileSize) now; pass --tile-size \(other.tileSize) to resume)"
        }
        return nil
    }
}

/// The record of finished tiles beside a partial output (`<output stem>.partial.journal`): a JSON
/// header line with the run signature, then one line per checkpoint listing the tiles made durable.
/// Lines are appended and written whole; a torn last line (kill -9 mid-write) is ignored.
public final class TileJournal {
    public let path: String
    public let signature: RunSignature
    public private(set) var finished: Set<Int>
    private let handle: FileHandle

    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens the journal at `path`: continues it when its signature matches, starts it when absent.
    /// Throws `Mismatch` when a journal for a different command is there.
    public init(path: String, signature: RunSignature) throws {
        self.path = path
        self.signature = signature
        if FileManager.default.fileExists(atPath: path) {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.first, let data = header.data(using: .utf8),
                  let previous = try? JSONDecoder().decode(RunSignature.self, from: data) else {
                throw Mismatch(description: "\(path): not a Regolith journal; remove it or rerun with --restart")
            }
            if let difference = signature.difference(from: previous) {
                throw Mismatch(description: "\(path): a partial run of a different command is here: \(difference); rerun with --restart to discard it")
            }
            var done = Set<Int>()
            // Only complete lines count: each ends with a newline.
            for line in lines.dropFirst().dropLast() where line.hasPrefix("done ") {
                for item in line.dropFirst(5).split(separator: " ") { if let tile = Int(item) { done.insert(tile) } }
            }
            finished = done
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            if !text.hasSuffix("\n") {
                // A torn last line: cut it off so the next record starts on its own line.
                try handle.truncate(atOffset: UInt64(text.utf8.count - (lines.last?.utf8.count ?? 0)))
            }
            try handle.seekToEnd()
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var header = try encoder.encode(signature)
            header.append(UInt8(ascii: "\n"))
            try DurableFile.write(header, to: path)
            finished = []
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        }
    }

    /// Records tiles as finished; call only once their pixels are durable in the output.
    public func record(_ tiles: [Int]) throws {
        guard !tiles.isEmpty else { return }
        try handle.write(contentsOf: Data(("done " + tiles.map(String.init).joined(separator: " ") + "\n").utf8))
        finished.formUnion(tiles)
    }

    deinit { try? handle.close() }

    /// Removes the journal (after the output was committed, or on --restart).
    public static func remove(_ path: String) {
        DurableFile.remove(path)
    }
}
