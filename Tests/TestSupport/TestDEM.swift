import Foundation
import RasterIO

/// A seeded random DEM for covariate tests: a sum of 24 plane waves of random direction, wavelength
/// (5–40 cells) and phase over `side × side` Float32 cells in EPSG:4326 centred on (longitude,
/// latitude), `span` degrees wide, heights about 300 ± 150 m: rough enough that slope, TPI and
/// roughness vary from cell to cell.
public enum TestDEM {
    @discardableResult
    public static func write(_ path: String, seed: UInt64, longitude: Double = 107.2195, latitude: Double = 22.4555, span: Double = 0.04,
                             side: Int = 90, crs: SpatialReference = .wgs84, nodataHole: Bool = false) throws -> String {
        var random = SeededGenerator(seed: seed)
        let waves = (0..<24).map { _ -> (kx: Double, ky: Double, phase: Double, amplitude: Double) in
            let angle = Double(random.nextUnitFloat()) * 2 * .pi
            let wavelength = 5 + 35 * Double(random.nextUnitFloat())
            return (cos(angle) * 2 * .pi / wavelength, sin(angle) * 2 * .pi / wavelength, Double(random.nextUnitFloat()) * 2 * .pi,
                    10 + 30 * Double(random.nextUnitFloat()))
        }
        let step = span / Double(side)
        let grid = GeoTransform(originX: longitude - span / 2, originY: latitude + span / 2, pixelWidth: step, pixelHeight: step)
        let spec = RasterSpec(width: side, height: side, bandCount: 1, pixelType: .float32, geoTransform: grid,
                              spatialReference: crs, nodata: nodataHole ? -9999 : nil)
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: GeoTIFFOptions())
        var heights: [Float] = []
        for row in 0..<side {
            for column in 0..<side {
                let hole = nodataHole && abs(row - side / 2) < 3 && abs(column - side / 3) < 3
                heights.append(hole ? -9999 : Float(300 + waves.reduce(0) { $0 + $1.amplitude * sin($1.kx * Double(column) + $1.ky * Double(row) + $1.phase) }))
            }
        }
        try output.raster.write(Window(width: side, height: side), from: heights)
        try output.commit()
        return path
    }
}
