import ArgumentParser
import Foundation
import Geostatistics
import Inversion
import RasterIO

struct CorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Screen bands by Spearman rank correlation with the target, like the paper's Table 3.",
        discussion: """
            Spearman rho (average ranks for ties) and Pearson r, each with a two-sided p-value from the t-approximation with n − 2 degrees of freedom (as SPSS, scipy and R's cor.test with exact = FALSE). ** marks p < 0.01, * p < 0.05. A constant column is reported as undefined.

            Examples:
              regolith correlate sampleset.csv
              regolith correlate sampleset.csv --target re2o3 --bands b1,b2,b3,b4 \\
                  --json table3.json
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

    typealias Row = BandScreening.Row

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: [csv, json].compactMap { $0 }.map { ($0, .file) }, inputs: [table])
        let data = try CSVTable(path: table)
        let columns = bands.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let rows: [Row]
        do { rows = try BandScreening.screen(data, target: target, columns: columns) } catch let error as InversionError {
            throw CommandFailure(message: error.description)
        }
        print(text(rows))
        if let csv { try AtomicTextFile.write(csvText(rows), to: csv) }
        if let json {
            try AtomicTextFile.writeJSON(CorrelationReport(target: target, source: table, rows: rows), to: json)
        }
    }

    struct CorrelationReport: Codable {
        var target: String
        var source: String
        var rows: [Row]
    }

    private func stars(_ p: Double?) -> String { Row.stars(p) }

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
}
