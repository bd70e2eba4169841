import Foundation
import RasterIO
import Testing
import TestSupport
@testable import TileEngine

/// `@list.txt` scene lists as Windows editors and spreadsheets write them (issue 14, item 6).
@Suite("Scene lists")
struct SceneListTests {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func anyLineEndsABOMBlankLinesAndCommentsGiveTheSameScenes(lineEnd: String) throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("lists"), withIntermediateDirectories: true)
        let lines = ["# two scenes of 2020", "a.tif", "", "  sub/b.tif  ", "/data/c.tif", "# end"]
        let list = dir.file("lists/scenes.txt")
        try (Data([0xEF, 0xBB, 0xBF]) + Data(lines.joined(separator: lineEnd).utf8)).write(to: URL(fileURLWithPath: list))
        let scenes = try SceneBatch.expand(["first.tif", "@" + list])
        // Relative paths are relative to the list's folder, as before; absolute ones stay.
        #expect(scenes == ["first.tif", dir.file("lists/a.tif"), dir.file("lists/sub/b.tif"), "/data/c.tif"])
    }

    @Test(arguments: ["", "\u{FEFF}\r\n\r\n", "# nothing yet\r\n\r\n  \r\n"])
    func aListWithoutScenesIsRefusedNamingIt(text: String) throws {
        let dir = try TemporaryDirectory()
        try text.write(toFile: dir.file("empty.txt"), atomically: true, encoding: .utf8)
        let error = try #require(throws: RasterError.self) { try SceneBatch.expand(["@" + dir.file("empty.txt")]) }
        #expect("\(error)".contains(dir.file("empty.txt")) && "\(error)".contains("names no scene"), "\(error)")
    }

    @Test func aMissingListIsNamed() throws {
        let error = try #require(throws: RasterError.self) { try SceneBatch.expand(["@/nonexistent/scenes.txt"]) }
        #expect("\(error)".contains("/nonexistent/scenes.txt"), "\(error)")
    }

    @Test func textLinesCountCRLFAndLoneCRAsOneLineEndEach() {
        #expect(TextLines.split("a\r\nb\rc\n\nd").map(\.number) == [1, 2, 3, 4, 5])
        #expect(TextLines.split("a\r\nb\rc\n\nd").map(\.text) == ["a", "b", "c", "", "d"])
        #expect(TextLines.split("\u{FEFF}x\r\n").map(\.text) == ["x"])
    }
}
