import RasterIO

/// How often a map's prediction interval holds a reference content (a synthetic world's truth):
/// the share of pixels with lower ≤ reference ≤ upper, over the pixels where both are valid,
/// within `support` and outside the masks, as `MapComparison` counts them.
public enum IntervalCoverage {
    /// `interval`: band 1 the lower bound, band 2 the upper. Nil when no pixel is valid in both.
    public static func measure(interval: String, reference: String, mask: AnomalyDelineation.Masks = .init(), support: String? = nil) throws -> Double? {
        let bounds = try Raster.open(interval), truth = try Raster.open(reference)
        try SameGrid.check(bounds, truth)
        let maskScene = try mask.isActive ? mask.scene.map { try Raster.open($0) } : nil
        if let maskScene { try SameGrid.check(bounds, maskScene) }
        let supportMap = try support.map { try Raster.open($0) }
        if let supportMap { try SameGrid.check(bounds, supportMap) }
        let supportNodata = supportMap?.bands[0].nodata.map(Float.init)
        let boundsNodata = bounds.bands[0].nodata.map(Float.init), truthNodata = truth.bands[0].nodata.map(Float.init)
        var pixels = 0, covered = 0
        try RowStrips(bounds, bands: [1, 2]).forEach { firstRow, rows, values in
            let window = Window(x: 0, y: firstRow, width: bounds.width, height: rows)
            let reference = try truth.read(window, bands: [1], as: Float.self)
            let scene = try maskScene?.read(window, bands: mask.bands, as: Float.self)
            let supported = try supportMap?.read(window, bands: [1], as: Float.self)
            let plane = reference.count
            for i in 0..<plane {
                let lower = values[i], upper = values[plane + i], value = reference[i]
                guard !lower.isNaN, !value.isNaN, lower != boundsNodata, value != truthNodata else { continue }
                if let supported, supported[i].isNaN || supported[i] == supportNodata { continue }
                if let scene, mask.excludes(green: scene[i], red: scene[plane + i], nir: scene[2 * plane + i]) { continue }
                pixels += 1
                if lower <= value && value <= upper { covered += 1 }
            }
        }
        return pixels > 0 ? Double(covered) / Double(pixels) : nil
    }
}
