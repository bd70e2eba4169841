import Foundation
import RasterIO
import Testing
import TestSupport

/// Sample CSVs and scene lists as Windows and European spreadsheets write them (issue 14, item 6),
/// through the commands a user runs, on the fixture world.
@Suite("regolith reads spreadsheets as they come")
struct SpreadsheetCommandTests {
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    static let samples = Fixtures.path("world/samples.csv")

    /// The fixture samples' lines (header first), as the world wrote them (comma, LF).
    static func sampleLines() throws -> [String] {
        try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// A Windows "CSV UTF-8" (BOM, CRLF), a European-Excel semicolon sheet and a tab-separated
    /// export build the same sample set, byte for byte, as the plain file.
    @Test(arguments: [("\r\n", ",", true), ("\r\n", ";", false), ("\n", "\t", false)])
    func spreadsheetLayoutsBuildTheSameSampleSet(lineEnd: String, delimiter: String, byteOrderMark: Bool) throws {
        let dir = try TemporaryDirectory()
        let plain = try ChildProcess.regolith(["samples", Self.scene, Self.samples, "--out", dir.file("plain.csv"), "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let text = try Self.sampleLines().map { $0.replacingOccurrences(of: ",", with: delimiter) }.joined(separator: lineEnd) + lineEnd
        try ((byteOrderMark ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)).write(to: URL(fileURLWithPath: dir.file("sheet.csv")))
        let sheet = try ChildProcess.regolith(["samples", Self.scene, dir.file("sheet.csv"), "--out", dir.file("sheet-set.csv"), "--quiet"])
        #expect(sheet.status == 0, "\(sheet.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: dir.file("plain.csv")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("sheet-set.csv"))) == expected)
        #expect(try Fixtures.csvFile(dir.file("sheet-set.csv")).count == 374)
    }

    /// Coordinates in columns named as a Chinese field team names them, chosen by name, or with
    /// --x-column/--y-column when their names are the team's own.
    @Test(arguments: [("经度", "纬度", []), ("E_WGS84", "N_WGS84", ["--x-column", "e_wgs84", "--y-column", "n_wgs84"])])
    func coordinateColumnsByTheirNames(x: String, y: String, options: [String]) throws {
        let dir = try TemporaryDirectory()
        let plain = try ChildProcess.regolith(["samples", Self.scene, Self.samples, "--out", dir.file("plain.csv"), "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        var lines = try Self.sampleLines()
        lines[0] = "id,\(x),\(y),re2o3"
        try lines.joined(separator: "\n").write(toFile: dir.file("named.csv"), atomically: true, encoding: .utf8)
        let named = try ChildProcess.regolith(["samples", Self.scene, dir.file("named.csv"), "--out", dir.file("named-set.csv"), "--quiet"] + options)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("named-set.csv"))) == Data(contentsOf: URL(fileURLWithPath: dir.file("plain.csv"))))
    }

    /// The issue's reproduction: a semicolon sheet with decimal commas. Refused in one line naming
    /// the file, the line and the column; nothing written.
    @Test func decimalCommasAreRefusedNamingFileLineAndColumn() throws {
        let dir = try TemporaryDirectory()
        let text = try Self.sampleLines().prefix(6).map { line in
            line.split(separator: ",").map { $0.replacingOccurrences(of: ".", with: ",") }.joined(separator: ";")
        }.joined(separator: "\r\n")
        try text.write(toFile: dir.file("excel.csv"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["samples", Self.scene, dir.file("excel.csv"), "--out", dir.file("set.csv")])
        #expect(result.status == 1)
        let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n"), "\(line)")
        #expect(line.hasPrefix("regolith: \(dir.file("excel.csv")):2: column 'lon' (field 2) is '107,2168478', a number with a decimal comma"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("set.csv")))
    }

    @Test func duplicateSampleIDsAreRefusedNamingBothLines() throws {
        let dir = try TemporaryDirectory()
        var lines = try Self.sampleLines()
        let reused = try #require(lines[3].split(separator: ",").first)
        lines[10] = String(reused) + lines[10].drop(while: { $0 != "," })
        try lines.joined(separator: "\n").write(toFile: dir.file("dup.csv"), atomically: true, encoding: .utf8)
        let commands = [["samples", Self.scene, dir.file("dup.csv"), "--out", dir.file("set.csv")],
                        ["krige", dir.file("dup.csv"), "--like", Self.scene, "--out", dir.file("map.tif")]]
        for command in commands {
            let result = try ChildProcess.regolith(command)
            #expect(result.status == 1)
            #expect(result.stderr == "regolith: \(dir.file("dup.csv")):11: sample id '\(reused)' is also on line 4; each sample id must be unique\n", "\(result.stderr)")
            #expect(dir.contents() == ["dup.csv"])
        }
    }

    /// A scene list saved by Notepad: BOM, CRLF, a comment and a blank line; paths relative to the list.
    @Test func aWindowsSceneListRunsEveryScene() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("scenes"), withIntermediateDirectories: true)
        for name in ["a", "b"] { try TestRasters.write(dir.file("scenes/\(name).tif"), width: 40, height: 30, bands: 4) }
        let list = "\u{FEFF}# two scenes\r\na.tif\r\n\r\nb.tif\r\n"
        try list.write(toFile: dir.file("scenes/list.txt"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["ndvi", "@" + dir.file("scenes/list.txt"), "--out", dir.file("maps"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(dir.contents().contains("maps"))
        let maps = try FileManager.default.contentsOfDirectory(atPath: dir.file("maps")).sorted()
        #expect(maps.contains("a.ndvi.tif") && maps.contains("b.ndvi.tif"), "\(maps)")
    }

    @Test func anEmptySceneListIsRefusedNamingIt() throws {
        let dir = try TemporaryDirectory()
        try "# nothing yet\r\n\r\n".write(toFile: dir.file("list.txt"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["ndvi", "@" + dir.file("list.txt"), "--out", dir.file("maps")])
        #expect(result.status == 1)
        #expect(result.stderr.contains(dir.file("list.txt")) && result.stderr.contains("names no scene"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("maps")))
    }
}
