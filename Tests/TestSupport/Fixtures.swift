import Foundation

/// Paths inside the repository's `fixtures/` folder.
public enum Fixtures {
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static func path(_ relative: String) -> String {
        (repositoryRoot as NSString).appendingPathComponent("fixtures/\(relative)")
    }

    /// Rows of a small CSV file in `fixtures/` with a header line; `#` lines are comments.
    public static func csv(_ relative: String) throws -> [[String: String]] {
        try csvFile(path(relative))
    }

    /// Rows of a small CSV file anywhere, keyed by the header's column names.
    public static func csvFile(_ file: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }
}
