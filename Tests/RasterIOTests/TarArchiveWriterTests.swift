import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("TarArchiveWriter: ustar archives through GDAL's virtual file system")
struct TarArchiveWriterTests {
    /// Members of 0, 700 (not a whole block) and 512 bytes, plain and gzip-compressed: `tar`
    /// lists and extracts them unchanged, and GDAL opens a raster member in place (`/vsitar/`).
    @Test(.enabled(if: ChildProcess.which("tar") != nil, "tar is part of the base system"), arguments: ["tar", "tar.gz"])
    func tarAndGDALReadTheMembers(_ suffix: String) throws {
        let dir = try TemporaryDirectory()
        let raster = dir.file("scene.tif")
        try TestRasters.write(raster, width: 40, height: 30, bands: 2)
        var random = SeededGenerator(seed: 3)
        let blobs = ["empty.txt": Data(), "odd.bin": Data((0..<700).map { _ in UInt8.random(in: 0...255, using: &random) }),
                     "block.bin": Data(repeating: 7, count: 512)]
        let path = dir.file("archive.\(suffix)")
        let archive = try TarArchiveWriter(creating: path)
        for name in blobs.keys.sorted() { try archive.add(blobs[name]!, as: name) }
        try archive.addFile(at: raster, as: "scene.tif")
        try archive.commit()

        let listing = try ChildProcess.run(ChildProcess.which("tar")!, ["-tf", path])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.split(separator: "\n").map(String.init) == blobs.keys.sorted() + ["scene.tif"])
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(try ChildProcess.run(ChildProcess.which("tar")!, ["-xf", path, "-C", out]).status == 0)
        for (name, data) in blobs { #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)")) == data, "\(name)") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/scene.tif")) == Data(contentsOf: URL(fileURLWithPath: raster)))
        let member = try Raster.open("/vsitar/\(path)/scene.tif")
        #expect(member.width == 40 && member.height == 30 && member.bandCount == 2)
    }

    @Test func aDiscardedArchiveLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        let archive = try TarArchiveWriter(creating: dir.file("a.tar.gz"))
        try archive.add(Data("x".utf8), as: "x.txt")
        archive.discard()
        #expect(dir.contents().isEmpty)
        #expect(throws: RasterError.self) { try TarArchiveWriter(creating: dir.file("a.zip")) }
        #expect(throws: RasterError.self) {
            try TarArchiveWriter(creating: dir.file("b.tar")).add(Data(), as: String(repeating: "n", count: 101))
        }
        #expect(dir.contents().isEmpty)
    }
}
