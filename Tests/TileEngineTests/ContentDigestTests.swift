import Foundation
import Testing
import TestSupport
import TileEngine

@Suite("Content digests in resume signatures")
struct ContentDigestTests {
    /// FIPS 180-2's first example: SHA-256("abc").
    @Test func bytesHashAsSHA256() {
        var digest = ContentDigest()
        digest.add(Array("abc".utf8))
        #expect(digest.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Files are told apart by content, not by name, and bytes moved from one file to the next
    /// change the digest; numbers are hashed exactly (0 and −0 differ).
    @Test func filesAndNumbersAreHashedByContent() throws {
        let dir = try TemporaryDirectory()
        for (name, text) in [("a", "ab"), ("b", "c"), ("c", "a"), ("d", "bc"), ("copy-of-a", "ab")] {
            try text.write(toFile: dir.file(name), atomically: true, encoding: .utf8)
        }
        #expect(try ContentDigest.of(files: [dir.file("a"), dir.file("b")]) == ContentDigest.of(files: [dir.file("copy-of-a"), dir.file("b")]))
        #expect(try ContentDigest.of(files: [dir.file("a"), dir.file("b")]) != ContentDigest.of(files: [dir.file("c"), dir.file("d")]))
        #expect(throws: EngineError.self) { try ContentDigest.of(files: [dir.file("missing")]) }
        func numbers(_ values: [Double]) -> String {
            var digest = ContentDigest()
            digest.add(values)
            return digest.finalize()
        }
        #expect(numbers([1, 2.5]) == numbers([1, 2.5]))
        #expect(numbers([0]) != numbers([-0.0]))
        #expect(numbers([1, 2]) != numbers([2, 1]))
    }

    /// Two trainings of one model differ only by their run identifier: masked, their files digest
    /// alike; any other byte still tells them apart, and so does an identifier left unmasked.
    @Test func aMaskedIdentifierDoesNotChangeTheDigest() throws {
        let dir = try TemporaryDirectory()
        let (first, second) = ("4691337b-7d14-49a8-b3d7-fbb42ba363a6", "0c5a8e21-93f4-4b0e-9d51-2f7e0a6c1b77")
        for (name, text) in [("a", "{\"run\": \"\(first)\", \"b\": 1.5}\n\(first)"), ("b", "{\"run\": \"\(second)\", \"b\": 1.5}\n\(second)"),
                             ("c", "{\"run\": \"\(second)\", \"b\": 1.6}\n\(second)")] {
            try text.write(toFile: dir.file(name), atomically: true, encoding: .utf8)
        }
        #expect(try ContentDigest.of(files: [dir.file("a")], masking: first) == ContentDigest.of(files: [dir.file("b")], masking: second))
        #expect(try ContentDigest.of(files: [dir.file("a")], masking: first) != ContentDigest.of(files: [dir.file("c")], masking: second))
        #expect(try ContentDigest.of(files: [dir.file("a")]) != ContentDigest.of(files: [dir.file("b")]))
        #expect(try ContentDigest.of(files: [dir.file("a")], masking: first) != ContentDigest.of(files: [dir.file("a")]))
    }

    /// A resumed run with a changed model names it, before anything else that could differ.
    @Test func aChangedContentInputIsNamedOnResume() throws {
        let dir = try TemporaryDirectory()
        let input = try TestRasters.write(dir.file("in.tif"), width: 32, height: 32, bands: 1)
        let before = ContentInput(role: "model", source: "model/", digest: "1111")
        let signature = try RunSignature(kernel: "invert", contentInputs: [before], input: input, tileSize: 256, blockSize: 256)
        _ = try TileJournal(path: dir.file("j"), signature: signature)
        #expect(try TileJournal(path: dir.file("j"), signature: signature).finished.isEmpty)
        var after = before
        after.digest = "2222"
        let changed = try RunSignature(kernel: "invert", contentInputs: [after], input: input, tileSize: 256, blockSize: 256)
        let refused = #expect(throws: TileJournal.Mismatch.self) { try TileJournal(path: dir.file("j"), signature: changed) }
        #expect(refused?.description.contains("the model (model/) changed since the interrupted run") == true, "\(refused?.description ?? "")")
        #expect(refused?.description.contains("--restart") == true)
    }
}
