import Foundation

extension RasterSummary {
    /// A readable multi-line summary, like `gdalinfo` but shorter.
    public var text: String {
        var lines: [String] = product.map { [$0.text, ""] } ?? []
        lines.append(path)
        lines.append("  driver       \(driver)\(compression.map { ", \($0) compressed" } ?? "")")
        lines.append("  size         \(width) × \(height) pixels, \(bandCount) band\(bandCount == 1 ? "" : "s")  (\(format(Double(width * height) / 1e6, 2)) Mpixel)")
        if let crs {
            lines.append("  CRS          \(crs)\(epsg.map { " (EPSG:\($0))" } ?? "")")
        } else {
            lines.append("  CRS          none")
        }
        if let pixelSize {
            lines.append("  pixel size   \(format(pixelSize[0], 6)) × \(format(abs(pixelSize[1]), 6))\(unit.map { " \($0)" } ?? "")")
        }
        if let extent {
            lines.append("  extent       x \(format(extent[0], 3)) … \(format(extent[2], 3)),  y \(format(extent[1], 3)) … \(format(extent[3], 3))")
        }
        for corner in corners where corner.longitude != nil {
            let lon = corner.longitude!, lat = corner.latitude!
            lines.append("  \(corner.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(degrees(lon, "E", "W")) \(degrees(lat, "N", "S"))")
        }
        if !metadataDomains.isEmpty {
            lines.append("  metadata     domains: \(metadataDomains.map { $0.isEmpty ? "(default)" : $0 }.joined(separator: ", "))")
        }
        for key in metadata.keys.sorted() where key != "AREA_OR_POINT" {
            lines.append("               \(key)=\(metadata[key]!)")
        }
        lines.append("")
        var header = ["band", "type", "nodata", "block", "description"]
        let hasStatistics = bands.contains { $0.statistics != nil }
        if hasStatistics { header += ["valid", "min", "max", "mean", "std"] }
        var rows = [header]
        for band in bands {
            var row = ["\(band.number)", band.type, band.nodata.map { format($0, 6) } ?? "-",
                       "\(band.block[0])×\(band.block[1])", band.description.isEmpty ? "-" : band.description]
            if let s = band.statistics {
                row += ["\(s.validPixels)", s.minimum.map { format($0, 4) } ?? "-", s.maximum.map { format($0, 4) } ?? "-",
                        s.mean.map { format($0, 4) } ?? "-", s.standardDeviation.map { format($0, 4) } ?? "-"]
            }
            rows.append(row)
        }
        lines += table(rows)
        return lines.joined(separator: "\n")
    }
}

private func format(_ value: Double, _ significant: Int) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(format: "%.\(significant)g", value)
}

private func degrees(_ value: Double, _ positive: String, _ negative: String) -> String {
    String(format: "%10.6f°%@", abs(value), value >= 0 ? positive : negative)
}

/// Left-aligned columns separated by two spaces.
private func table(_ rows: [[String]]) -> [String] {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
}
