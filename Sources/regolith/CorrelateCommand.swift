import ArgumentParser
import Foundation
import Geostatistics
import Inversion

struct CorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Screen bands by Spearman rank correlation with the target, like the paper's Table 3.",
        discussion: """
            Spearman rho (average ranks for ties) and Pearson r, each with a two-sided p-value from
            the t-approximation with n − 2 degrees of freedom (as SPSS, scipy and R's cor.test with
            exact = FALSE). ** marks p < 0.01, * p < 0.05. A constant column is reported as undefined.

            Examples:
              regolith correlate sampleset.csv
              regolith correlate sampleset.csv --target re2o3 --bands b1,b2,b3,b4 --json table3.json
            """
    )

    @Argument(help: "A CSV with a header line: the target column and band columns.")
    var table: String

    @Option(help: "The target column.")
    var target = "re2o3"

    @Option(help: "Columns to correlate, comma-separated (default: every column but the target, id and coordinates).")
    var bands: String?

    @Option(help: "Also write the table as CSV to this path.")
    var csv: String?

    @Option(help: "Also write the table as JSON to this path.")
    var json: String?

    @OptionGroup var global: GlobalOptions

    struct Row: Codable {
        var column: String
        var n: Int
        var spearmanRho: Double?
        var spearmanP: Double?
        var pearsonR: Double?
        var pearsonP: Double?
        var note: String?
    }

    static let coordinateColumns: Set<String> = ["id", "name", "sample", "lon", "lat", "longitude", "latitude", "x", "y", "row", "column", "col",
                                                 "easting", "northing", "pixel_x", "pixel_y", "kriged", "re2o3_kriged", "re2o3_sample"]

    func run() throws {
        global.apply()
        let data = try CSVTable(path: table)
        let targetValues = try data.numbers(target)
        let columns = bands.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? data.header.filter { $0.caseInsensitiveCompare(target) != .orderedSame && !Self.coordinateColumns.contains($0.lowercased()) }
        guard !columns.isEmpty else {
            throw CommandFailure(message: "\(table): no band columns to correlate with \(target)")
        }
        let rows = try columns.map { column in
            let values = try data.numbers(column)
            do {
                let s = try Correlation.spearman(targetValues, values, names: (target, column))
                let p = try Correlation.pearson(targetValues, values, names: (target, column))
                return Row(column: column, n: s.count, spearmanRho: s.coefficient, spearmanP: s.pValue,
                           pearsonR: p.coefficient, pearsonP: p.pValue, note: nil)
            } catch let error as CorrelationError {
                return Row(column: column, n: values.count, note: "undefined: \(error)")
            }
        }
        print(text(rows))
        if let csv { try write(csvText(rows), to: csv) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try write(String(decoding: try encoder.encode(CorrelationReport(target: target, source: table, rows: rows)), as: UTF8.self) + "\n", to: json)
        }
    }

    struct CorrelationReport: Codable {
        var target: String
        var source: String
        var rows: [Row]
    }

    private func stars(_ p: Double?) -> String {
        guard let p else { return "" }
        return p < 0.01 ? "**" : p < 0.05 ? "*" : ""
    }

    private func text(_ rows: [Row]) -> String {
        var lines = ["Correlation of \(target) with each band (n = \(rows.first?.n ?? 0))", ""]
        lines.append("column          Spearman rho   p (2-sided)   Pearson r   p (2-sided)")
        for row in rows {
            let name = row.column.padding(toLength: 14, withPad: " ", startingAt: 0)
            if let note = row.note {
                lines.append("\(name)  \(note)")
                continue
            }
            lines.append(String(format: "%@  %+8.3f %-4@  %11.3g   %+9.3f %-2@  %11.3g", name, row.spearmanRho!, stars(row.spearmanP), row.spearmanP!,
                                row.pearsonR!, stars(row.pearsonP), row.pearsonP!))
        }
        lines.append("")
        lines.append("** significant at 0.01, * at 0.05 (two-sided, t-approximation with n − 2 df)")
        return lines.joined(separator: "\n")
    }

    private func csvText(_ rows: [Row]) -> String {
        func f(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        return "column,n,spearman_rho,spearman_p,pearson_r,pearson_p,note\n" + rows.map {
            "\($0.column),\($0.n),\(f($0.spearmanRho)),\(f($0.spearmanP)),\(f($0.pearsonR)),\(f($0.pearsonP)),\($0.note.map { "\"\($0)\"" } ?? "")"
        }.joined(separator: "\n") + "\n"
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(message: "\(path): cannot write (\(error.localizedDescription))")
        }
    }
}
