import RasterIO

/// Features of a k × k patch model: for each sample pixel, the window around it (edges replicated,
/// as the tile engine does), band-sequential: `bands × k × k` values.
public enum PatchFeatures {
    /// `affine` (per scene band) brings stored values to reflectance; nodata then reads as the
    /// reflectance scene `calibrate` writes holds it, as in `ContentMapKernel`.
    public static func extract(scene path: String, rows: [SampleSet.Row], bands: [Int], size: Int, affine: BandAffine? = nil) throws -> [[Double]] {
        let affine = affine?.selecting(bands: bands)
        let scene = try Raster.open(path)
        let nodata = bands.map { scene.bands[$0 - 1].nodata }
        let half = size / 2
        return try rows.map { row in
            guard row.column >= 0, row.row >= 0, row.column < scene.width, row.row < scene.height else {
                throw InversionError("\(path): sample \(row.id) at pixel (\(row.column), \(row.row)) is outside the scene")
            }
            let x0 = max(0, row.column - half), y0 = max(0, row.row - half)
            let x1 = min(scene.width, row.column + half + 1), y1 = min(scene.height, row.row + half + 1)
            let window = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            let values = try scene.read(window, bands: bands, as: Double.self)
            var features = [Double](repeating: 0, count: bands.count * size * size)
            for b in 0..<bands.count {
                for dy in 0..<size {
                    for dx in 0..<size {
                        let x = min(max(row.column - half + dx, x0), x1 - 1) - x0, y = min(max(row.row - half + dy, y0), y1 - 1) - y0
                        let value = values[b * window.pixelCount + y * window.width + x]
                        if let affine {
                            let isNodata = value.isNaN || value == nodata[b]
                            features[(b * size + dy) * size + dx] = Double(isNodata ? ReflectanceKernel.nodata : affine.apply(band: b, Float(value)))
                        } else {
                            features[(b * size + dy) * size + dx] = value
                        }
                    }
                }
            }
            return features
        }
    }
}
