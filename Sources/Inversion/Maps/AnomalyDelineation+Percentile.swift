import RasterIO
import TileEngine

extension AnomalyDelineation {
    /// The `percent` percentile of the map's valid pixels that the masks keep (so vegetation or
    /// water do not set the threshold of the areas they are excluded from): a parallel pass for the
    /// range, then one streamed pass counting into 4096 bins (exact to one bin width).
    public static func percentile(_ percent: Double, of path: String, masks: Masks = Masks()) throws -> Double? {
        guard masks.isActive, let sceneName = masks.scene else {
            return try StatisticsPass.histograms(paths: [path], bands: [1])[0].histogram.percentile(percent)
        }
        let range = try StatisticsPass.run(path: path, bands: [1])[0]
        guard range.count > 0 else { return nil }
        let map = try Raster.open(path), scene = try Raster.open(sceneName)
        try SameGrid.check(map, scene)
        let nodata = map.bands[0].nodata.map(Float.init)
        var histogram = Histogram(lower: range.minimum, upper: range.maximum, bins: 4096)
        var kept: [Double] = []
        try RowStrips(map, bands: [1]).forEach { firstRow, rows, values in
            let bands = try scene.read(Window(x: 0, y: firstRow, width: map.width, height: rows), bands: masks.bands, as: Float.self)
            let plane = values.count
            kept.removeAll(keepingCapacity: true)
            for i in 0..<plane where !values[i].isNaN && values[i] != nodata
                && !masks.excludes(green: bands[i], red: bands[plane + i], nir: bands[2 * plane + i]) {
                kept.append(Double(values[i]))
            }
            kept.withUnsafeBufferPointer { histogram.add($0, nodata: nil) }
        }
        return histogram.percentile(percent)
    }
}
