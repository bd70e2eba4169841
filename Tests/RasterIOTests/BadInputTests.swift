import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("Bad input: one clear error naming the file, no output left behind")
struct BadInputTests {
    func openError(_ path: String) -> RasterError? {
        #expect(throws: RasterError.self) { try Raster.open(path) }
    }

    @Test func missingFile() throws {
        let dir = try TemporaryDirectory()
        let error = openError(dir.file("nope.tif"))
        #expect(error?.kind == .notFound)
        #expect(error?.description == "\(dir.file("nope.tif")): no such file")
    }

    @Test func directoryIsNotARaster() throws {
        let dir = try TemporaryDirectory()
        #expect(openError(dir.path)?.kind == .notRaster)
    }

    @Test func emptyAndTextFilesAreNotRasters() throws {
        let dir = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.file("empty.tif"), contents: Data())
        _ = FileManager.default.createFile(atPath: dir.file("notes.tif"), contents: Data("id,lon,lat\n1,107.2,22.4\n".utf8))
        #expect(openError(dir.file("empty.tif"))?.message.contains("empty file") == true)
        let text = openError(dir.file("notes.tif"))
        #expect(text?.kind == .notRaster)
        #expect(text?.description.hasPrefix(dir.file("notes.tif")) == true)
    }

    /// root reads any file, so the permission check is seen in-process only by another user, and
    /// as root through the CLI run as `nobody`.
    @Test(.enabled(if: getuid() != 0, "root reads any file: unreadableFileForNobody checks this as root"))
    func unreadableFile() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("locked.tif"), width: 16, height: 16, bands: 1)
        chmod(dir.file("locked.tif"), 0)
        #expect(openError(dir.file("locked.tif"))?.kind == .unreadable)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to run the CLI as another user; unreadableFile checks this without root"))
    func unreadableFileForNobody() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("locked.tif"), width: 16, height: 16, bands: 1)
        chmod(dir.file("locked.tif"), 0)
        let setpriv = try #require(ChildProcess.which("setpriv"), "setpriv (util-linux) runs a command as another user")
        let result = try ChildProcess.run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                    try ChildProcess.regolith, "info", dir.file("locked.tif")])
        #expect(result.status == 1)
        #expect(result.stderr == "regolith: \(dir.file("locked.tif")): not readable (permission denied)\n")
    }

    @Test func truncatedDataIsFoundAtOpen() throws {
        let dir = try TemporaryDirectory()
        let path = try TestRasters.write(dir.file("cut.tif"), width: 600, height: 600, bands: 4, tileSize: 256)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        truncate(path, off_t(size * 2 / 3))
        let error = openError(path)
        #expect(error?.kind == .truncated || error?.kind == .notRaster)
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test func truncatedHeaderIsNotARaster() throws {
        let dir = try TemporaryDirectory()
        let path = try TestRasters.write(dir.file("head.tif"), width: 64, height: 64, bands: 1)
        truncate(path, 6)
        let error = openError(path)
        #expect(error?.kind == .notRaster || error?.kind == .unreadable)
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test func outputIntoAMissingFolderFails() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("no/such/folder/out.tif")
        let error = #expect(throws: RasterError.self) {
            try GeoTIFFOutput(creating: path, spec: RasterSpec(width: 8, height: 8, bandCount: 1, pixelType: .float32))
        }
        #expect(error?.kind == .notWritable && error?.description.hasPrefix(path) == true)
        #expect(dir.contents().isEmpty)
    }

    @Test func abandonedOutputLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        do {
            let output = try GeoTIFFOutput(creating: dir.file("map.tif"),
                                           spec: RasterSpec(width: 64, height: 64, bandCount: 1, pixelType: .float32, nodata: -1))
            try output.raster.write(Window(width: 64, height: 32), from: [Float](repeating: 1, count: 64 * 32))
            #expect(dir.contents() == ["map.partial.tif"], "built under a temporary name")
            // A failure before commit: the output goes out of scope uncommitted.
        }
        #expect(dir.contents().isEmpty)
    }

    @Test func cogFromTruncatedSourceLeavesNoOutput() throws {
        let dir = try TemporaryDirectory()
        let path = try TestRasters.write(dir.file("src.tif"), width: 512, height: 512, bands: 1, tileSize: 128)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        truncate(path, off_t(size / 2))
        #expect(throws: RasterError.self) { try RasterCopies.writeCOG(from: path, to: dir.file("cog.tif")) }
        #expect(dir.contents() == ["src.tif"])
    }
}
