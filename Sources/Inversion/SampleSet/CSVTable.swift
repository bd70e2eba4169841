import Foundation

/// A CSV file with a header line, read whole (sample tables are small: hundreds to thousands of
/// rows). Errors name the file and the line.
public struct CSVTable: Sendable {
    public let path: String
    public let header: [String]
    /// Data rows with their 1-based line numbers in the file.
    public let rows: [(line: Int, fields: [String])]

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let line: Int?
        public let message: String
        public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, line: nil, message: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(path: path, line: nil, message: "not UTF-8 text")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        self.path = path
        var lines = text.components(separatedBy: "\n").enumerated().map { (line: $0.offset + 1, text: $0.element.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))) }
        lines = lines.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty && !$0.text.hasPrefix("#") }
        guard let first = lines.first else { throw Failure(path: path, line: nil, message: "empty file: no header line") }
        header = Self.split(first.text).map { $0.trimmingCharacters(in: .whitespaces) }
        if let duplicate = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw Failure(path: path, line: first.line, message: "column '\(duplicate)' appears twice in the header")
        }
        var rows: [(Int, [String])] = []
        for line in lines.dropFirst() {
            let fields = Self.split(line.text).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else {
                throw Failure(path: path, line: line.line, message: "has \(fields.count) fields, the header has \(header.count)")
            }
            rows.append((line.line, fields))
        }
        guard !rows.isEmpty else { throw Failure(path: path, line: nil, message: "no data rows below the header") }
        self.rows = rows
    }

    /// Fields separated by commas; double quotes protect commas and are doubled inside quotes.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(current); current = "" } else { current.append(next) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }

    /// The index of a column, or an error listing the columns there are.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw Failure(path: path, line: 1, message: "no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// A column as finite numbers; a missing or non-numeric value is an error naming its line.
    public func numbers(_ name: String) throws -> [Double] {
        let index = try column(name)
        return try rows.map { row in
            let text = row.fields[index]
            guard let value = Double(text), value.isFinite else {
                throw Failure(path: path, line: row.line, message: text.isEmpty ? "column '\(header[index])' is empty" : "column '\(header[index])' is '\(text)', not a number")
            }
            return value
        }
    }

    /// Columns whose every value is a number.
    public var numericColumns: [String] {
        header.indices.filter { i in rows.allSatisfy { Double($0.fields[i])?.isFinite == true } }.map { header[$0] }
    }
}
