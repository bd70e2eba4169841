import Foundation
import RasterIO
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The facts of a GF-2 product's metadata XML (`<ProductMetaData>`) that calibration needs.
public struct GF2Metadata: Sendable {
    public var satelliteID: String
    public var sensorID: String
    /// Acquisition time, UTC (`ReceiveTime`, "yyyy-MM-dd HH:mm:ss").
    public var receiveTime: Date
    public var solarZenith: Double
    public var solarAzimuth: Double
    public var satelliteZenith: Double
    public var satelliteAzimuth: Double
    public var widthInPixels: Int
    public var heightInPixels: Int
    /// Corner coordinates in degrees, WGS 84.
    public var topLeft: (longitude: Double, latitude: Double)
    public var topRight: (longitude: Double, latitude: Double)
    public var bottomRight: (longitude: Double, latitude: Double)
    public var bottomLeft: (longitude: Double, latitude: Double)
    /// Other tags kept as text (ProductID, SceneID, ImageGSD, …), in file order.
    public var otherTags: [(tag: String, value: String)]

    public init(satelliteID: String, sensorID: String, receiveTime: Date, solarZenith: Double, solarAzimuth: Double,
                satelliteZenith: Double, satelliteAzimuth: Double, widthInPixels: Int, heightInPixels: Int,
                topLeft: (longitude: Double, latitude: Double), topRight: (longitude: Double, latitude: Double),
                bottomRight: (longitude: Double, latitude: Double), bottomLeft: (longitude: Double, latitude: Double),
                otherTags: [(tag: String, value: String)] = []) {
        self.satelliteID = satelliteID
        self.sensorID = sensorID
        self.receiveTime = receiveTime
        self.solarZenith = solarZenith
        self.solarAzimuth = solarAzimuth
        self.satelliteZenith = satelliteZenith
        self.satelliteAzimuth = satelliteAzimuth
        self.widthInPixels = widthInPixels
        self.heightInPixels = heightInPixels
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomRight = bottomRight
        self.bottomLeft = bottomLeft
        self.otherTags = otherTags
    }

    /// The acquisition year, which selects the calibration coefficients.
    public var year: Int { Calendar.utc.component(.year, from: receiveTime) }
}

/// A metadata file that cannot be used, naming the file and the tag.
public struct MetadataError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

extension GF2Metadata {
    /// Parses "yyyy-MM-dd HH:mm:ss" (UTC), the form GF-2 metadata uses.
    public static func parseTime(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "- :T".contains($0) }).compactMap { Int($0) }
        // Ranges first: Foundation's calendar is not asked about a year such as 99999999999.
        guard parts.count >= 6, (1000...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]),
              (0...23).contains(parts[3]), (0...59).contains(parts[4]), (0...60).contains(parts[5]) else { return nil }
        let c = DateComponents(calendar: .utc, timeZone: TimeZone(identifier: "UTC"), year: parts[0], month: parts[1],
                               day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
        guard c.isValidDate else { return nil }
        return c.date
    }

    /// Metadata files above this size are refused unread.
    public static let largestFile = 1 << 20

    static func tooLarge(_ size: Int, path: String) -> MetadataError {
        MetadataError(path: path, message: "is \(size) bytes; a GF-2 metadata file is a few KiB (at most \(largestFile) bytes read)")
    }

    /// Foundation's XML parser traps on some malformed input (an invalid UTF-8 byte in a tag name),
    /// so it only sees UTF-8 text of at most `largestFile` bytes that declares no other encoding.
    static func checkEncoding(_ data: Data, path: String) throws {
        guard data.count <= largestFile else { throw tooLarge(data.count, path: path) }
        guard let text = String(validating: data, as: UTF8.self) else {
            let valid = String(decoding: data, as: UTF8.self).prefix { $0 != "\u{FFFD}" }
            let line = valid.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            throw MetadataError(path: path, message: "is not UTF-8 text (an invalid byte on line \(line))")
        }
        guard !text.contains("\0") else { throw MetadataError(path: path, message: "is not XML text (it holds a NUL byte)") }
        // The XML declaration, `<?xml version="1.0" encoding="UTF-8"?>`, is the only place an encoding is named.
        let declaration = text.drop { $0 == "\u{FEFF}" }.prefix { $0 != ">" }
        if declaration.hasPrefix("<?xml"),
           let encoding = declaration.range(of: #"encoding\s*=\s*["'][A-Za-z0-9._-]*["']"#, options: .regularExpression) {
            let name = declaration[encoding].split(whereSeparator: { $0 == "\"" || $0 == "'" }).dropFirst().first.map(String.init) ?? ""
            guard ["utf-8", "utf8"].contains(name.lowercased()) else {
                throw MetadataError(path: path, message: "declares the encoding '\(name)'; GF-2 metadata is read as UTF-8")
            }
        }
    }

    /// Reads a GF-2 metadata XML file, on disk or inside a product tarball (`/vsitar/…`); a missing,
    /// empty or non-numeric tag is an error naming it.
    public static func read(_ path: String) throws -> GF2Metadata {
        // The size is checked before reading, so that a huge file is not read into memory to be refused.
        switch VirtualFile.kind(path) {
        case .missing: throw MetadataError(path: path, message: "no such file")
        case .file(let size) where size > largestFile: throw tooLarge(size, path: path)
        default: break
        }
        guard let data = try? VirtualFile.contents(path, limit: largestFile) else {
            throw MetadataError(path: path, message: "cannot read the file")
        }
        try checkEncoding(data, path: path)
        let collector = TagCollector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        let parsed = parser.parse()
        let code = (parser.parserError as NSError?)?.code
        if code == XMLParser.ErrorCode.prematureDocumentEndError.rawValue || (parsed && collector.root != nil && !collector.rootClosed) {
            throw MetadataError(path: path, message: "not well-formed XML: truncated, <\(collector.root ?? "ProductMetaData")> is never closed")
        }
        guard parsed else {
            throw MetadataError(path: path, message: "not well-formed XML at line \(parser.lineNumber) (XML parser error \(code ?? -1))")
        }
        guard collector.root == "ProductMetaData" else {
            throw MetadataError(path: path, message: "root element is <\(collector.root ?? "none")>, expected <ProductMetaData> of a GF-2 product")
        }
        let tags = collector.tags
        func text(_ tag: String) throws -> String {
            guard let value = tags.first(where: { $0.tag == tag })?.value.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty else {
                throw MetadataError(path: path, message: "missing tag <\(tag)>")
            }
            return value
        }
        func number(_ tag: String, in range: ClosedRange<Double>) throws -> Double {
            let raw = try text(tag)
            guard let value = Double(raw), value.isFinite else {
                throw MetadataError(path: path, message: "tag <\(tag)> is '\(raw)', not a number")
            }
            guard range.contains(value) else {
                throw MetadataError(path: path, message: "tag <\(tag)> is \(raw), outside \(range.lowerBound)…\(range.upperBound)")
            }
            return value
        }
        func corner(_ name: String) throws -> (longitude: Double, latitude: Double) {
            (try number("\(name)Longitude", in: -180...180), try number("\(name)Latitude", in: -90...90))
        }
        let timeText = try text("ReceiveTime")
        guard let time = parseTime(timeText) else {
            throw MetadataError(path: path, message: "tag <ReceiveTime> is '\(timeText)', not a 'yyyy-MM-dd HH:mm:ss' time")
        }
        let known: Set<String> = [
            "SatelliteID", "SensorID", "ReceiveTime", "WidthInPixels", "HeightInPixels", "SolarAzimuth", "SolarZenith",
            "SatelliteAzimuth", "SatelliteZenith", "TopLeftLatitude", "TopLeftLongitude", "TopRightLatitude",
            "TopRightLongitude", "BottomRightLatitude", "BottomRightLongitude", "BottomLeftLatitude", "BottomLeftLongitude",
        ]
        return GF2Metadata(
            satelliteID: try text("SatelliteID"), sensorID: try text("SensorID"), receiveTime: time,
            solarZenith: try number("SolarZenith", in: 0...89.9), solarAzimuth: try number("SolarAzimuth", in: 0...360),
            satelliteZenith: try number("SatelliteZenith", in: 0...90), satelliteAzimuth: try number("SatelliteAzimuth", in: 0...360),
            widthInPixels: Int(try number("WidthInPixels", in: 1...1e7)), heightInPixels: Int(try number("HeightInPixels", in: 1...1e7)),
            topLeft: try corner("TopLeft"), topRight: try corner("TopRight"),
            bottomRight: try corner("BottomRight"), bottomLeft: try corner("BottomLeft"),
            otherTags: tags.filter { !known.contains($0.tag) })
    }
}

/// Collects the text of the root's direct children.
private final class TagCollector: NSObject, XMLParserDelegate {
    var root: String?
    var rootClosed = false
    var tags: [(tag: String, value: String)] = []
    private var depth = 0
    private var current = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        if depth == 1 { root = name }
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == 2 { tags.append((name, current)) }
        if depth == 1 { rootClosed = true }
        depth -= 1
        current = ""
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, as satellite metadata times are.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
