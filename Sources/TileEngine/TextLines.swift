import Foundation

/// A small text file as spreadsheets and editors on any system write it: UTF-8 with or without a
/// byte-order mark (Excel's "CSV UTF-8" adds one) or UTF-16 with one (Excel's "Unicode Text"), lines
/// ended by LF, CRLF (Windows) or a lone CR (old Mac Excel). Swift treats CRLF as one character, so splitting a `String` on "\n" would leave
/// a Windows file as one line; this splits on Unicode scalars instead.
public enum TextLines {
    /// The text of UTF-8 bytes (or UTF-16 ones that start with their byte-order mark) without the
    /// byte-order mark, or nil when they are neither.
    public static func decode(_ data: Data) -> String? {
        let encodings: [(bom: [UInt8], encoding: String.Encoding)] = [
            ([0xEF, 0xBB, 0xBF], .utf8), ([0xFF, 0xFE], .utf16LittleEndian), ([0xFE, 0xFF], .utf16BigEndian),
        ]
        guard let (bom, encoding) = encodings.first(where: { data.starts(with: $0.bom) }) else { return String(data: data, encoding: .utf8) }
        return String(data: Data(data.dropFirst(bom.count)), encoding: encoding)
    }

    /// The lines of `text` with their 1-based numbers, line ends removed; a leading byte-order mark
    /// is dropped too. A final line end does not start another line.
    public static func split(_ text: String) -> [(number: Int, text: String)] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var lines: [(number: Int, text: String)] = []
        var current = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in scalars {
            if scalar == "\n" && afterCarriageReturn {
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append((lines.count + 1, String(current)))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append((lines.count + 1, String(current))) }
        return lines
    }
}
