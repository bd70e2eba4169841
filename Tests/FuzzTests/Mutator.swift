import Foundation
import TestSupport

/// Makes malformed variants of a valid file: each mutant applies one to three damaging edits,
/// drawn from a seeded generator so every run makes the same mutants.
struct Mutator {
    enum Edit: CaseIterable {
        case flipBits, insertBytes, deleteRange, truncate, duplicateChunk, hugeNumber, invalidUTF8, deepNesting
    }

    /// Openers repeated by `deepNesting` (JSON, YAML, XML, CSV quoting).
    var nestingOpeners: [String] = ["[", "{", "<a>", "- ", "\""]
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Numbers that overflow, vanish or are not numbers at all, put in place of a digit run.
    static let hugeNumbers = ["99999999999999999999", "4294967296", "9223372036854775807", "-9223372036854775808",
                              "18446744073709551616", "1e308", "1e-300", "-1", "0", "nan", "-0", "1e999", "3.5"]
    /// Byte sequences that are not UTF-8: a stray continuation, truncated sequences, an overlong
    /// form, a surrogate, a byte never used.
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF]]

    mutating func mutant(of seed: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            apply(Edit.allCases.randomElement(using: &generator)!, to: &bytes)
        }
        return bytes
    }

    mutating func apply(_ edit: Edit, to bytes: inout [UInt8]) {
        let position = Int.random(in: 0...bytes.count, using: &generator)
        switch edit {
        case .flipBits:
            guard !bytes.isEmpty else { return }
            // Mostly the low seven bits, so that text stays ASCII and the edit reaches past the UTF-8 check.
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let bit = Int.random(in: 0..<4, using: &generator) == 0 ? 7 : UInt8.random(in: 0...6, using: &generator)
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1 << bit
            }
        case .insertBytes:
            bytes.insert(contentsOf: (0..<Int.random(in: 1...16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                         at: position)
        case .deleteRange:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
            bytes.removeSubrange(position..<end)
        case .truncate:
            bytes.removeSubrange(position...)
        case .duplicateChunk:
            let end = min(bytes.count, position + Int.random(in: 1...256, using: &generator))
            let chunk = Array(bytes[position..<end])
            for _ in 0..<Int.random(in: 1...50, using: &generator) { bytes.insert(contentsOf: chunk, at: position) }
        case .hugeNumber:
            let digits = bytes.indices.filter { (0x30...0x39).contains(bytes[$0]) && ($0 == 0 || !(0x30...0x39).contains(bytes[$0 - 1])) }
            guard let start = digits.randomElement(using: &generator) else { return }
            var end = start
            while end < bytes.count, (0x30...0x39).contains(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
            bytes.replaceSubrange(start..<end, with: Array(Self.hugeNumbers.randomElement(using: &generator)!.utf8))
        case .invalidUTF8:
            // Half the time inside a name (after `<`, `"` or at a line start), where parsers look first.
            let anchors = bytes.indices.filter { [UInt8(ascii: "<"), UInt8(ascii: "\""), UInt8(ascii: "\n")].contains(bytes[$0]) }
            let at = Bool.random(using: &generator) ? (anchors.randomElement(using: &generator).map { $0 + 1 } ?? position) : position
            bytes.insert(contentsOf: Self.invalidUTF8.randomElement(using: &generator)!, at: at)
        case .deepNesting:
            let opener = nestingOpeners.randomElement(using: &generator)!
            let depth = Int.random(in: 100...20_000, using: &generator)
            bytes.insert(contentsOf: Array(String(repeating: opener, count: depth).utf8), at: position)
        }
    }

    /// A mutant of a safetensors file whose JSON header is edited and its length field rewritten,
    /// so that the edit reaches the tensor checks instead of stopping at the header's length.
    mutating func safetensorsHeaderMutant(of seed: [UInt8]) -> [UInt8] {
        let length = seed[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = Array(seed[8..<(8 + length)])
        let payload = seed[(8 + length)...]
        for _ in 0..<Int.random(in: 1...2, using: &generator) {
            // Mostly numbers: shapes multiplied up, offsets moved, negative or fractional sizes.
            let edit: Edit = Int.random(in: 0..<3, using: &generator) == 0 ? Edit.allCases.randomElement(using: &generator)! : .hugeNumber
            apply(edit, to: &header)
        }
        return withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + payload
    }
}
