import Foundation

/// The paper's "surface-to-surface" sample set: per sample, its pixel's band values, the kriged
/// content at the pixel (the target the models learn) and the content measured at the sample.
/// Written and read as CSV: `id,x,y,column,row,pixel_x,pixel_y,b1…bN,<target>,<target>_sample`.
public struct SampleSet: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        /// Sample coordinates in the scene CRS.
        public var x: Double
        public var y: Double
        /// The sample's pixel (0-based) and its centre in the scene CRS, where the target is kriged.
        public var column: Int
        public var row: Int
        public var pixelX: Double
        public var pixelY: Double
        public var bands: [Double]
        /// Kriged content at the pixel centre (with the pixel's support when block kriging).
        public var kriged: Double
        /// Content measured at the sample.
        public var measured: Double

        public init(id: String, x: Double, y: Double, column: Int, row: Int, pixelX: Double, pixelY: Double,
                    bands: [Double], kriged: Double, measured: Double) {
            self.id = id
            self.x = x
            self.y = y
            self.column = column
            self.row = row
            self.pixelX = pixelX
            self.pixelY = pixelY
            self.bands = bands
            self.kriged = kriged
            self.measured = measured
        }
    }

    public var bandNames: [String]
    public var target: String
    public var rows: [Row]

    public init(bandNames: [String], target: String, rows: [Row]) {
        self.bandNames = bandNames
        self.target = target
        self.rows = rows
    }

    public var count: Int { rows.count }
    public var features: [[Double]] { rows.map(\.bands) }
    public var krigedTargets: [Double] { rows.map(\.kriged) }
    public var measuredTargets: [Double] { rows.map(\.measured) }

    public func subset(_ indices: [Int]) -> SampleSet {
        SampleSet(bandNames: bandNames, target: target, rows: indices.map { rows[$0] })
    }

    public var csv: String {
        var lines = [(["id", "x", "y", "column", "row", "pixel_x", "pixel_y"] + bandNames + [target, "\(target)_sample"]).joined(separator: ",")]
        for r in rows {
            let fields = [r.id, String(format: "%.3f", r.x), String(format: "%.3f", r.y), "\(r.column)", "\(r.row)",
                          String(format: "%.3f", r.pixelX), String(format: "%.3f", r.pixelY)]
                + r.bands.map { String(format: "%.7g", $0) } + [String(format: "%.6g", r.kriged), String(format: "%.6g", r.measured)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func write(to path: String) throws {
        try AtomicTextFile.write(csv, to: path)
    }

    /// The feature columns of a sample set file: every column but the id, coordinates, pixel and target ones.
    public static func featureColumns(path: String, target: String = "re2o3") throws -> [String] {
        let fixed: Set = ["id", "x", "y", "column", "row", "pixel_x", "pixel_y", target, "\(target)_sample"]
        return try CSVTable(path: path).header.filter { !fixed.contains($0) }
    }

    /// Reads a sample set; `bands` are the feature columns (default: every `b<N>` column).
    public init(path: String, target: String = "re2o3", bands: [String]? = nil) throws {
        let table = try CSVTable(path: path)
        let names = bands ?? table.header.filter { $0.count >= 2 && $0.first == "b" && Int($0.dropFirst()) != nil }
        guard !names.isEmpty else {
            throw CSVTable.Failure(path: path, line: 1, message: "no band columns (b1, b2, …) in the header")
        }
        let columns = try names.map { try table.numbers($0) }
        let kriged = try table.numbers(target)
        let measured = table.header.contains("\(target)_sample") ? try table.numbers("\(target)_sample") : kriged
        let xs = try table.numbers("x"), ys = try table.numbers("y")
        let pixelXs = table.header.contains("pixel_x") ? try table.numbers("pixel_x") : xs
        let pixelYs = table.header.contains("pixel_y") ? try table.numbers("pixel_y") : ys
        let idIndex = table.header.firstIndex(of: "id")
        let columnIndex = table.header.firstIndex(of: "column"), rowIndex = table.header.firstIndex(of: "row")
        self.bandNames = names
        self.target = target
        self.rows = table.rows.enumerated().map { i, line in
            Row(id: idIndex.map { line.fields[$0] } ?? "row \(i + 1)", x: xs[i], y: ys[i],
                column: columnIndex.flatMap { Int(line.fields[$0]) } ?? -1, row: rowIndex.flatMap { Int(line.fields[$0]) } ?? -1,
                pixelX: pixelXs[i], pixelY: pixelYs[i],
                bands: columns.map { $0[i] }, kriged: kriged[i], measured: measured[i])
        }
    }
}
