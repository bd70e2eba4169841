import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("Scenes behind symbolic links, and header-only reads")
struct HeaderAndSymlinkTests {
    @Test func aSymlinkedSceneOpensAndItsTruncatedTargetIsStillFound() throws {
        let dir = try TemporaryDirectory()
        let path = try TestRasters.write(dir.file("scene.tif"), width: 600, height: 500, bands: 4, tileSize: 256)
        let link = dir.file("link.tif")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let viaLink = try Raster.open(link)
        let direct = try Raster.open(path)
        #expect(try viaLink.read(viaLink.fullWindow, as: Float.self) == direct.read(direct.fullWindow, as: Float.self))

        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        truncate(path, off_t(size * 2 / 3))
        #expect {
            try Raster.open(link)
        } throws: { error in
            guard let error = error as? RasterError else { return false }
            return (error.kind == .truncated || error.kind == .notRaster) && error.description.hasPrefix(link)
        }
    }

    @Test func headersGiveTheSizeAndTheSameErrorsAsOpen() throws {
        let dir = try TemporaryDirectory()
        let path = try TestRasters.write(dir.file("scene.tif"), width: 300, height: 200, bands: 3)
        #expect(try RasterHeader(path: path) == RasterHeader(path: path))
        let header = try RasterHeader(path: path)
        #expect(header.width == 300 && header.height == 200 && header.bandCount == 3)
        #expect {
            try RasterHeader(path: dir.file("nope.tif"))
        } throws: { error in
            (error as? RasterError)?.description == "\(dir.file("nope.tif")): no such file"
        }
        _ = FileManager.default.createFile(atPath: dir.file("notes.tif"), contents: Data("id,lon,lat\n".utf8))
        #expect(throws: RasterError.self) { try RasterHeader(path: dir.file("notes.tif")) }
    }
}
