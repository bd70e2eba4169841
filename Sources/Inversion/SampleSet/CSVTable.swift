import Foundation
import TileEngine

/// A CSV file with a header line, read whole (sample tables are small: hundreds to thousands of
/// rows), as spreadsheets write it: any line ends, an optional byte-order mark, fields separated by
/// commas, semicolons (Excel where the decimal separator is a comma) or tabs, RFC 4180 quotes.
/// Blank lines, rows of empty fields and lines starting with `#` are skipped. Errors name the file and the line.
public struct CSVTable: Sendable {
    public enum Delimiter: String, Sendable, CaseIterable, Equatable {
        case comma = ",", semicolon = ";", tab = "\t"

        /// The delimiter as a user writes it: the character itself, or its name (`tab` for a tab).
        public init?(name: String) {
            switch name.lowercased() {
            case ",", "comma": self = .comma
            case ";", "semicolon": self = .semicolon
            case "\t", "\\t", "tab": self = .tab
            default: return nil
            }
        }

        public var name: String { self == .tab ? "tab" : "'\(rawValue)'" }
        var scalar: Unicode.Scalar { rawValue.unicodeScalars.first! }
    }

    public let path: String
    public let delimiter: Delimiter
    public let header: [String]
    /// The header's 1-based line number in the file.
    public let headerLine: Int
    /// Data rows with their 1-based line numbers in the file.
    public let rows: [(line: Int, fields: [String])]

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let line: Int?
        public let message: String
        public init(path: String, line: Int?, message: String) {
            self.path = path
            self.line = line
            self.message = message
        }
        public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
    }

    /// Reads `path`; the delimiter is detected from the header line unless given.
    public init(path: String, delimiter: Delimiter? = nil) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, line: nil, message: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        guard let text = TextLines.decode(data) else {
            throw Failure(path: path, line: nil, message: "not UTF-8 or UTF-16 text (save it as CSV UTF-8)")
        }
        try self.init(text: text, path: path, delimiter: delimiter)
    }

    public init(text: String, path: String, delimiter: Delimiter? = nil) throws {
        self.path = path
        let lines = TextLines.split(text).filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty && !$0.text.hasPrefix("#") }
        guard let first = lines.first else { throw Failure(path: path, line: nil, message: "empty file: no header line") }
        headerLine = first.number
        self.delimiter = try delimiter ?? Self.detectDelimiter(first.text, path: path, line: first.number)
        header = try Self.fields(first.text, delimiter: self.delimiter, path: path, line: first.number)
        var fieldOfName: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            if let earlier = fieldOfName[name.lowercased()] {
                throw Failure(path: path, line: first.number, message: "column '\(name)' appears twice in the header (fields \(earlier + 1) and \(index + 1))")
            }
            fieldOfName[name.lowercased()] = index
        }
        var rows: [(Int, [String])] = []
        for line in lines.dropFirst() {
            let fields = try Self.fields(line.text, delimiter: self.delimiter, path: path, line: line.number)
            // Spreadsheets export a row that once held formatting as ";;;": as blank as a blank line.
            if fields.allSatisfy(\.isEmpty) { continue }
            guard fields.count == header.count else {
                let hint = self.delimiter == .comma && fields.count > header.count
                    ? " (a decimal comma splits a number in two: numbers need decimal points)" : ""
                throw Failure(path: path, line: line.number, message: "has \(fields.count) fields, the header has \(header.count)\(hint)")
            }
            rows.append((line.number, fields))
        }
        guard !rows.isEmpty else { throw Failure(path: path, line: nil, message: "no data rows below the header") }
        self.rows = rows
    }

    /// The delimiter the header line uses most outside quotes; a header of one column is
    /// comma-separated. A tie between two delimiters is refused: only the user knows.
    static func detectDelimiter(_ header: String, path: String, line: Int) throws -> Delimiter {
        var counts: [Delimiter: Int] = [:]
        var quoted = false
        for scalar in header.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if !quoted, let delimiter = Delimiter.allCases.first(where: { $0.scalar == scalar }) { counts[delimiter, default: 0] += 1 }
        }
        let ranked = Delimiter.allCases.map { ($0, counts[$0] ?? 0) }.sorted { $0.1 > $1.1 }
        guard ranked[0].1 > 0 else { return .comma }
        if ranked[1].1 == ranked[0].1 {
            throw Failure(path: path, line: line, message: "the header has as many \(ranked[0].0.name) as \(ranked[1].0.name) delimiters; give the delimiter with --delimiter")
        }
        return ranked[0].0
    }

    /// The fields of one line: surrounding spaces trimmed; a field in double quotes may hold the
    /// delimiter, and `""` inside quotes is one quote. A quote left open at the line's end is refused
    /// (a line break inside a field has no place in a sample table).
    static func fields(_ line: String, delimiter: Delimiter, path: String, line number: Int) throws -> [String] {
        let scalars = Array(line.unicodeScalars)
        let separator = delimiter.scalar
        func isSpace(_ s: Unicode.Scalar) -> Bool { (s == " " || s == "\t") && s != separator }
        var fields: [String] = []
        var i = 0
        while true {
            while i < scalars.count, isSpace(scalars[i]) { i += 1 }
            var field = String.UnicodeScalarView()
            if i < scalars.count, scalars[i] == "\"" {
                i += 1
                var closed = false
                while i < scalars.count {
                    if scalars[i] == "\"" {
                        if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                            field.append("\"")
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    field.append(scalars[i])
                    i += 1
                }
                guard closed else {
                    throw Failure(path: path, line: number, message: "field \(fields.count + 1) opens a quote that the line does not close (line breaks inside quoted fields are not supported)")
                }
                while i < scalars.count, isSpace(scalars[i]) { i += 1 }
                if i < scalars.count, scalars[i] != separator {
                    throw Failure(path: path, line: number, message: "field \(fields.count + 1) has text after its closing quote; a quote inside a quoted field is written \"\"")
                }
                fields.append(String(field))
            } else {
                while i < scalars.count, scalars[i] != separator {
                    field.append(scalars[i])
                    i += 1
                }
                fields.append(String(field).trimmingCharacters(in: .whitespaces))
            }
            guard i < scalars.count else { return fields }
            i += 1  // the delimiter
        }
    }

    /// The index of a column (names compare case-insensitively), or an error listing the columns there are.
    public func column(_ name: String) throws -> Int {
        guard let index = columnIfPresent(name) else {
            throw Failure(path: path, line: headerLine, message: "no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    public func columnIfPresent(_ name: String) -> Int? {
        header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame })
    }

    /// A column as finite numbers; a missing or non-numeric value is an error naming its line, and a
    /// decimal comma (`107,2175` from a semicolon-separated sheet) is named as such.
    public func numbers(_ name: String) throws -> [Double] {
        let index = try column(name)
        return try rows.map { row in
            let text = row.fields[index]
            if let value = Double(text), value.isFinite { return value }
            let field = "column '\(header[index])' (field \(index + 1))"
            if Self.hasDecimalComma(text) {
                throw Failure(path: path, line: row.line, message: "\(field) is '\(text)', a number with a decimal comma; Regolith reads decimal points (\(text.replacingOccurrences(of: ",", with: "."))): export the sheet with '.' as the decimal separator")
            }
            throw Failure(path: path, line: row.line, message: text.isEmpty ? "\(field) is empty"
                          : "\(field) is '\(text)', not a\(Double(text) == nil ? "" : " finite") number")
        }
    }

    /// `107,2175` or `-0,5`: digits, one comma, digits.
    static func hasDecimalComma(_ text: String) -> Bool {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = parts.first, let fraction = parts.last, !fraction.isEmpty else { return false }
        let digits = whole.hasPrefix("-") || whole.hasPrefix("+") ? whole.dropFirst() : whole
        return !digits.isEmpty && (digits + fraction).allSatisfy(\.isASCII) && (digits + fraction).allSatisfy(\.isNumber)
    }

    /// Refuses a value that appears on two rows of a column (ids), naming both lines.
    public func requireUnique(_ name: String, what: String) throws {
        let index = try column(name)
        var firstLine: [String: Int] = [:]
        for row in rows {
            let value = row.fields[index]
            guard !value.isEmpty else { throw Failure(path: path, line: row.line, message: "\(what) (column '\(header[index])') is empty") }
            if let earlier = firstLine[value] {
                throw Failure(path: path, line: row.line, message: "\(what) '\(value)' is also on line \(earlier); each \(what) must be unique")
            }
            firstLine[value] = row.line
        }
    }
}
