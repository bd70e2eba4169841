import Foundation

/// A small text file as spreadsheets and editors on any system write it: UTF-8 with or without a
/// byte-order mark (Excel's "CSV UTF-8" adds one), lines ended by LF, CRLF (Windows) or a lone CR
/// (old Mac Excel). Swift treats CRLF as one character, so splitting a `String` on "\n" would leave
/// a Windows file as one line; this splits on Unicode scalars instead.
public enum TextLines {
    /// The text of UTF-8 bytes without a leading byte-order mark, or nil when they are not UTF-8.
    public static func decode(_ data: Data) -> String? {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let body = data.starts(with: bom) ? data.dropFirst(bom.count) : data[...]
        return String(data: Data(body), encoding: .utf8)
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
