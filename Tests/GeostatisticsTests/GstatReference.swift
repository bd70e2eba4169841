import Foundation
import TestSupport
@testable import Geostatistics

/// The meuse fixtures written by tools/reference-gstat.R.
enum GstatReference {
    static func table(_ name: String) throws -> [[String: String]] {
        try Fixtures.csv("reference/gstat/\(name).csv")
    }

    static func number(_ row: [String: String], _ column: String) -> Double {
        guard let text = row[column], let value = Double(text) else { fatalError("no number in column \(column): \(row)") }
        return value
    }

    /// Meuse sample locations and log(zinc).
    static func meuse() throws -> SpatialSamples {
        let rows = try table("meuse")
        return try SpatialSamples(x: rows.map { number($0, "x") }, y: rows.map { number($0, "y") },
                                  z: rows.map { number($0, "logzinc") })
    }

    /// gstat's fitted model of one row of fit.csv ("sph", "exp", "gau", "auto").
    static func fittedModel(_ label: String) throws -> VariogramModel {
        let row = try table("fit").first { $0["label"] == label }!
        let kind = VariogramModel.Kind(rawValue: row["model"]!)!
        return try VariogramModel(kind: kind, partialSill: number(row, "psill"), range: number(row, "range"),
                                  nugget: number(row, "nugget"))
    }
}

/// |a − b| / |b|, or |a − b| when b is 0.
func relativeError(_ a: Double, _ b: Double) -> Double {
    b == 0 ? abs(a - b) : abs(a - b) / abs(b)
}

/// The largest relative error over paired values.
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { relativeError($0, $1) }.max() ?? 0
}
