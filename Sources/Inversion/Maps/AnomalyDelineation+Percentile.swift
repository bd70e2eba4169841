import RasterIO
import TileEngine

extension AnomalyDelineation {
    /// The `percent` percentile of the map's valid pixels that the masks keep (so vegetation or
    /// water do not set the threshold of the areas they are excluded from): a parallel pass for the
    /// range, then one streamed pass counting into 4096 bins (exact to one bin width). Pixels that are
    /// nodata in `support` (a map masked beyond the samples' support) are left out too.
    public static func percentile(_ percent: Double, of path: String, masks: Masks = Masks(), support: String? = nil) throws -> Double? {
        let sceneName = masks.isActive ? masks.scene : nil
        guard sceneName != nil || support != nil else {
            return try StatisticsPass.histograms(paths: [path], bands: [1])[0].histogram.percentile(percent)
        }
        let range = try StatisticsPass.run(path: path, bands: [1])[0]
        guard range.count > 0 else { return nil }
        let map = try Raster.open(path)
        let scene = try sceneName.map { try Raster.open($0) }, supportMap = try support.map { try Raster.open($0) }
        for other in [scene, supportMap].compactMap({ $0 }) { try SameGrid.check(map, other) }
        let nodata = map.bands[0].nodata.map(Float.init), supportNodata = supportMap?.bands[0].nodata.map(Float.init)
        var histogram = Histogram(lower: range.minimum, upper: range.maximum, bins: 4096)
        var kept: [Double] = []
        try RowStrips(map, bands: [1]).forEach { firstRow, rows, values in
            let window = Window(x: 0, y: firstRow, width: map.width, height: rows)
            let bands = try scene?.read(window, bands: masks.bands, as: Float.self)
            let supported = try supportMap?.read(window, bands: [1], as: Float.self)
            let plane = values.count
            kept.removeAll(keepingCapacity: true)
            for i in 0..<plane where !values[i].isNaN && values[i] != nodata {
                if let bands, masks.excludes(green: bands[i], red: bands[plane + i], nir: bands[2 * plane + i]) { continue }
                if let supported, supported[i].isNaN || supported[i] == supportNodata { continue }
                kept.append(Double(values[i]))
            }
            kept.withUnsafeBufferPointer { histogram.add($0, nodata: nil) }
        }
        return histogram.percentile(percent)
    }
}
