import Geostatistics

/// The paper's band screening (its Table 3): Spearman's rho and Pearson's r of the target with
/// each band column, with two-sided p-values; a constant column is reported as undefined.
public enum BandScreening {
    public struct Row: Codable, Sendable, Equatable {
        public var column: String
        public var n: Int
        public var spearmanRho: Double?
        public var spearmanP: Double?
        public var pearsonR: Double?
        public var pearsonP: Double?
        public var note: String?

        /// "**" below 0.01, "*" below 0.05.
        public static func stars(_ p: Double?) -> String {
            guard let p else { return "" }
            return p < 0.01 ? "**" : p < 0.05 ? "*" : ""
        }
    }

    /// Columns that are coordinates, ids or targets, never bands.
    public static let nonBandColumns: Set<String> = ["id", "name", "sample", "lon", "lat", "longitude", "latitude", "x", "y", "row", "column", "col",
                                                     "easting", "northing", "pixel_x", "pixel_y", "kriged", "re2o3_kriged", "re2o3_sample"]

    /// Screens `columns` of a CSV table (default: every column but the target and non-band columns).
    public static func screen(_ table: CSVTable, target: String, columns: [String]? = nil) throws -> [Row] {
        let targetValues = try table.numbers(target)
        let names = columns ?? table.header.filter {
            $0.caseInsensitiveCompare(target) != .orderedSame && !nonBandColumns.contains($0.lowercased())
                && !$0.lowercased().hasSuffix("_sample")
        }
        guard !names.isEmpty else { throw InversionError("\(table.path): no band columns to correlate with \(target)") }
        return try screen(target: (target, targetValues), columns: names.map { ($0, try table.numbers($0)) })
    }

    /// Screens a sample set's bands against its kriged target, as `screen` does its CSV.
    public static func screen(_ set: SampleSet) throws -> [Row] {
        let columns = set.bandNames.enumerated().map { band in (band.element, set.rows.map { $0.bands[band.offset] }) }
        return try screen(target: (set.target, set.rows.map(\.kriged)), columns: columns)
    }

    static func screen(target: (name: String, values: [Double]), columns: [(name: String, values: [Double])]) throws -> [Row] {
        try columns.map { column in
            do {
                let s = try Correlation.spearman(target.values, column.values, names: (target.name, column.name))
                let p = try Correlation.pearson(target.values, column.values, names: (target.name, column.name))
                return Row(column: column.name, n: s.count, spearmanRho: s.coefficient, spearmanP: s.pValue,
                           pearsonR: p.coefficient, pearsonP: p.pValue, note: nil)
            } catch let error as CorrelationError {
                return Row(column: column.name, n: column.values.count, note: "undefined: \(error)")
            }
        }
    }
}
