import Foundation
import RasterIO

/// Text outputs (CSV, JSON, HTML, SVG) written like the rasters: into `AtomicOutputPath`'s partial
/// file, then renamed, so a failed run leaves nothing at the final path.
public enum AtomicTextFile {
    public static func write(_ text: String, to path: String) throws {
        let location = try AtomicOutputPath(path)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: location.temporaryPath))
        } catch {
            location.discard()
            throw InversionError("\(path): cannot write (\(error.localizedDescription))")
        }
        try location.commit()
    }

    public static func writeJSON(_ value: some Encodable, to path: String) throws {
        try write(try JSONText.encode(value), to: path)
    }
}

/// Regolith's JSON: pretty, sorted keys, unescaped slashes, and NaN/±∞ as strings (an undefined
/// R² is reported, not a crash). Ends with a newline.
public enum JSONText {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
