/// How a samples CSV is laid out where the file alone cannot say: its delimiter (nil: detected from
/// the header line) and its coordinate columns (nil: recognised by their names).
public struct SampleTableFormat: Sendable, Equatable {
    public var delimiter: CSVTable.Delimiter?
    public var xColumn: String?
    public var yColumn: String?

    public init(delimiter: CSVTable.Delimiter? = nil, xColumn: String? = nil, yColumn: String? = nil) {
        self.delimiter = delimiter
        self.xColumn = xColumn
        self.yColumn = yColumn
    }

    /// Coordinate column names recognised (case-insensitively) without --x-column/--y-column, in
    /// order of preference; `geographic` pairs hold longitude/latitude, the others map coordinates.
    public static let recognisedPairs: [(x: String, y: String, geographic: Bool)] = [
        ("lon", "lat", true), ("longitude", "latitude", true), ("经度", "纬度", true),
        ("x", "y", false), ("east", "north", false), ("easting", "northing", false),
    ]

    /// The x and y column indices of `table`: the named ones, or the recognised pair present (with
    /// both a geographic and a map pair present, the kind matching the samples' CRS).
    public func coordinateColumns(in table: CSVTable, geographic: Bool) throws -> (x: Int, y: Int) {
        switch (xColumn, yColumn) {
        case let (x?, y?): return (try table.column(x), try table.column(y))
        case (nil, nil): break
        default: throw CSVTable.Failure(path: table.path, line: table.headerLine, message: "give both --x-column and --y-column, or neither")
        }
        let present = Self.recognisedPairs.compactMap { pair -> (x: Int, y: Int, geographic: Bool)? in
            guard let x = table.columnIfPresent(pair.x), let y = table.columnIfPresent(pair.y) else { return nil }
            return (x, y, pair.geographic)
        }
        if let chosen = present.first(where: { $0.geographic == geographic }) ?? present.first { return (chosen.x, chosen.y) }
        let names = Self.recognisedPairs.map { "\($0.x)/\($0.y)" }
        if let half = Self.recognisedPairs.first(where: { (table.columnIfPresent($0.x) == nil) != (table.columnIfPresent($0.y) == nil) }) {
            let (has, lacks) = table.columnIfPresent(half.x) == nil ? (half.y, half.x) : (half.x, half.y)
            throw CSVTable.Failure(path: table.path, line: table.headerLine,
                                   message: "has a column '\(has)' but no '\(lacks)'; name the coordinate columns with --x-column and --y-column (columns: \(table.header.joined(separator: ", ")))")
        }
        throw CSVTable.Failure(path: table.path, line: table.headerLine,
                               message: "no coordinate columns: name them \(names.joined(separator: ", ")), or choose them with --x-column and --y-column (columns: \(table.header.joined(separator: ", ")))")
    }
}
