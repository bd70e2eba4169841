import Foundation

extension ProductSummary {
    /// A readable summary, in the layout of `RasterSummary.text`.
    public var text: String {
        var lines = [source, "  product      \(name)"]
        if let metadataProblem {
            lines.append("  metadata     \(metadataProblem)")
        } else {
            lines.append("  sensor       \(satellite ?? "?") \(sensor ?? "?")")
            lines.append("  acquired     \(acquired ?? "?") UTC")
            lines.append(String(format: "  sun          zenith %.2f°, azimuth %.2f°", solarZenith ?? .nan, solarAzimuth ?? .nan))
            lines.append(String(format: "  satellite    zenith %.2f°", satelliteZenith ?? .nan))
        }
        lines += describe(mss, as: "MSS")
        if let pan { lines += describe(pan, as: "PAN") } else { lines.append("  PAN          none") }
        return lines.joined(separator: "\n")
    }

    private func describe(_ image: Image, as label: String) -> [String] {
        let geometry = image.georeferenced
            ? "georeferenced\(image.crs.map { " (\($0))" } ?? "")"
            : image.hasRPC ? "sensor geometry with RPC\(image.rpc.map { " (\(($0 as NSString).lastPathComponent))" } ?? "")" : "sensor geometry without RPC"
        let size = "\(image.width) × \(image.height) pixels, \(image.bands) band\(image.bands == 1 ? "" : "s")"
        return ["  \(label.padding(toLength: 12, withPad: " ", startingAt: 0)) \(size); \(geometry)", "               \(image.raster)"]
            + (image.metadata.map { ["               \($0)"] } ?? [])
    }
}
