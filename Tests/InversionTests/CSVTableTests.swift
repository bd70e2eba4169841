import Foundation
import Testing
import TestSupport
@testable import Inversion

/// Sample tables as spreadsheets write them (issue 14, item 6): every layout reads to the same
/// table, every refusal is one line naming the file, the line and the column.
@Suite("CSV tables from spreadsheets")
struct CSVTableTests {
    static let rows = [["ZK01", "107.2175435", "22.4684052", "1.32"], ["ZK02", "107.2168478", "22.4683958", "0.96"]]
    static let header = ["id", "lon", "lat", "re2o3"]

    /// The sample rows written with `delimiter` and `lineEnd`.
    static func text(delimiter: String, lineEnd: String) -> String {
        ([header] + rows).map { $0.joined(separator: delimiter) }.joined(separator: lineEnd) + lineEnd
    }

    /// The failure of reading `text` and its `lon` column as numbers, if any.
    static func failure(_ text: String) -> CSVTable.Failure? {
        do { _ = try CSVTable(text: text, path: "s.csv").numbers("lon") } catch let failure as CSVTable.Failure { return failure } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test(arguments: ["\n", "\r\n", "\r"], [",", ";", "\t"])
    func anyLineEndAndDelimiterReadsTheSameTable(lineEnd: String, delimiter: String) throws {
        let table = try CSVTable(text: Self.text(delimiter: delimiter, lineEnd: lineEnd), path: "s.csv")
        #expect(table.delimiter.rawValue == delimiter)
        #expect(table.header == Self.header)
        #expect(table.rows.map(\.fields) == Self.rows)
        #expect(table.rows.map(\.line) == [2, 3])
        #expect(try table.numbers("LON") == [107.2175435, 107.2168478])
    }

    /// Excel's "CSV UTF-8" starts with a byte-order mark, which must not become part of the first column's name.
    @Test func aByteOrderMarkIsNotPartOfTheHeader() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("bom.csv")
        try (Data([0xEF, 0xBB, 0xBF]) + Data(Self.text(delimiter: ";", lineEnd: "\r\n").utf8)).write(to: URL(fileURLWithPath: file))
        let table = try CSVTable(path: file)
        #expect(table.header == Self.header && table.delimiter == .semicolon)
        #expect(try table.column("id") == 0)
    }

    /// Excel's "Unicode Text" is UTF-16 (little-endian, with its byte-order mark) and tab-separated.
    @Test func unicodeTextFromExcelReads() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("unicode.txt")
        let text = Self.text(delimiter: "\t", lineEnd: "\r\n").replacingOccurrences(of: "lon", with: "经度").replacingOccurrences(of: "lat", with: "纬度")
        try (Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!).write(to: URL(fileURLWithPath: file))
        let table = try CSVTable(path: file)
        #expect(table.header == ["id", "经度", "纬度", "re2o3"] && table.delimiter == .tab)
        #expect(table.rows.map(\.fields) == Self.rows)
        try Data([0x69, 0x64, 0x0A, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: dir.file("latin.csv")))
        let failure = try #require(throws: CSVTable.Failure.self) { try CSVTable(path: dir.file("latin.csv")) }
        #expect(failure.description == "\(dir.file("latin.csv")): not UTF-8 or UTF-16 text (save it as CSV UTF-8)")
    }

    @Test func blankLinesEmptyRowsAndCommentsKeepTheirLineNumbers() throws {
        let table = try CSVTable(text: "# drill campaign 2019\r\n\r\nid,lon\r\n\r\nA,1\r\n# re-sampled\r\n,\r\n  ,  \r\nB,2\r\n", path: "s.csv")
        #expect(table.headerLine == 3)
        #expect(table.rows.map(\.line) == [5, 9])
    }

    @Test func quotedFieldsHoldDelimitersAndDoubledQuotes() throws {
        let table = try CSVTable(text: "id,note,lon\n\"A,1\", \"said \"\"rich\"\"\" ,107.2\n\"\",plain,107.3\n", path: "s.csv")
        #expect(table.rows.map(\.fields) == [["A,1", "said \"rich\"", "107.2"], ["", "plain", "107.3"]])
        let semicolons = try CSVTable(text: "\"id;name\";lon;lat\n\"x;1\";1;2\n", path: "s.csv")
        #expect(semicolons.delimiter == .semicolon && semicolons.header == ["id;name", "lon", "lat"])
    }

    @Test func anExplicitDelimiterOverridesDetection() throws {
        let table = try CSVTable(text: "id;note,with,commas\nA;b,c,d\n", path: "s.csv", delimiter: .semicolon)
        #expect(table.header == ["id", "note,with,commas"] && table.rows[0].fields == ["A", "b,c,d"])
    }

    @Test(arguments: [
        // A decimal comma in a semicolon sheet (European Excel): named with file, line, column and field.
        ("id;lon;lat;re2o3\nA;107.2;22.4;1.3\nB;107,2175;22.4;1.1\n", "s.csv:3: column 'lon' (field 2) is '107,2175', a number with a decimal comma"),
        // In a comma file the decimal comma splits the number: the field count says so.
        ("id,lon,lat\nA,107,2175,22,4\n", "s.csv:2: has 5 fields, the header has 3 (a decimal comma"),
        ("id,lon\n\"A,1\n", "s.csv:2: field 1 opens a quote that the line does not close"),
        ("id,lon\n\"A\"x,1\n", "s.csv:2: field 1 has text after its closing quote"),
        ("id,Lon,lon\nA,1,2\n", "s.csv:1: column 'lon' appears twice in the header (fields 2 and 3)"),
        ("id,lon;lat\nA,1;2\n", "s.csv:1: the header has as many ',' as ';' delimiters; give the delimiter with --delimiter"),
        ("\u{FEFF}\r\n# only a comment\r\n", "s.csv: empty file: no header line"),
        ("id,lon\r\n", "s.csv: no data rows below the header"),
        ("id,lon\nA,nan\n", "s.csv:2: column 'lon' (field 2) is 'nan', not a finite number"),
    ])
    func malformedTablesAreRefusedInOneLine(text: String, message: String) throws {
        let failure = try #require(Self.failure(text))
        #expect(failure.description.hasPrefix(message), "\(failure)")
        #expect(!failure.description.contains("\n"))
    }

    @Test func decimalCommasAreRecognisedOnlyAsDigitsCommaDigits() {
        #expect(CSVTable.hasDecimalComma("107,2175") && CSVTable.hasDecimalComma("-0,5"))
        #expect(!CSVTable.hasDecimalComma("1,2,3") && !CSVTable.hasDecimalComma("a,5") && !CSVTable.hasDecimalComma("5,") && !CSVTable.hasDecimalComma("5"))
    }

    @Test func delimiterNamesAsUsersWriteThem() {
        #expect(CSVTable.Delimiter(name: "tab") == .tab && CSVTable.Delimiter(name: "\\t") == .tab && CSVTable.Delimiter(name: "\t") == .tab)
        #expect(CSVTable.Delimiter(name: ";") == .semicolon && CSVTable.Delimiter(name: "Comma") == .comma)
        #expect(CSVTable.Delimiter(name: "|") == nil)
    }
}
