import Foundation

/// The metadata XML the world's product carries, with the tags and layout of a GF-2 PMS product's
/// `<ProductMetaData>` file. The world writes it itself, as a ground segment would; calibration reads
/// it with its own parser.
public struct ProductMetadata: Sendable {
    public struct Corner: Sendable, Equatable {
        public var longitude: Double
        public var latitude: Double
    }

    public var satelliteID: String
    public var sensorID: String
    public var receiveTime: AcquisitionTime
    public var solarZenith: Double
    public var solarAzimuth: Double
    public var satelliteZenith: Double
    public var satelliteAzimuth: Double
    public var widthInPixels: Int
    public var heightInPixels: Int
    /// Top left, top right, bottom right, bottom left; degrees, WGS 84.
    public var corners: [Corner]
    /// Further tags (ProductID, ImageGSD, …), written after `ReceiveTime` in this order.
    public var otherTags: [(tag: String, value: String)]

    public var xml: String {
        func d(_ v: Double) -> String { String(format: "%.6f", v) }
        var tags: [(String, String)] = [("SatelliteID", satelliteID), ("SensorID", sensorID), ("ReceiveTime", receiveTime.text)]
        tags += otherTags.map { ($0.tag, $0.value) }
        tags += [
            ("WidthInPixels", "\(widthInPixels)"), ("HeightInPixels", "\(heightInPixels)"),
            ("SolarAzimuth", d(solarAzimuth)), ("SolarZenith", d(solarZenith)),
            ("SatelliteAzimuth", d(satelliteAzimuth)), ("SatelliteZenith", d(satelliteZenith)),
        ]
        for (corner, name) in zip(corners, ["TopLeft", "TopRight", "BottomRight", "BottomLeft"]) {
            tags += [("\(name)Latitude", d(corner.latitude)), ("\(name)Longitude", d(corner.longitude))]
        }
        let body = tags.map { "  <\($0.0)>\(escaped($0.1))</\($0.0)>" }.joined(separator: "\n")
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductMetaData>\n\(body)\n</ProductMetaData>\n"
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
