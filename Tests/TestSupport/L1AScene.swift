import Foundation
import RasterIO
import SyntheticWorld

/// A scene as CRESDA ships an L1A one: the fixture's pixels without georeferencing, and beside them
/// an `.rpb` (RPC00B) derived from the fixture's grid, plus a DEM in another CRS (EPSG:4326).
///
/// The RPC is linear: sample and line are affine in longitude and latitude (the fixture's UTM grid
/// seen in WGS 84 over its 2.4 km), plus a height term, so the DEM displaces pixels (one sample and
/// 0.4 line per 100 m of height above the RPC's height offset). At that height it reproduces the
/// fixture's grid: orthorectified onto it, the pixels differ from the fixture's by 0.45 DN on
/// average (the affine map's departure from the UTM projection).
public enum L1AScene {
    public static let fixture = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    /// The RPC's HEIGHT_OFF, in metres.
    public static let heightOffset = 300.0
    public static let samplesPerMetre = 0.01
    public static let linesPerMetre = 0.004

    /// Writes `<folder>/<name>.tiff` and `<name>.rpb` from `fixture`, `tile` times across and down
    /// (a larger scene for timings); returns the scene's path.
    @discardableResult
    public static func write(into folder: String, name: String = "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1",
                             from fixture: String = fixture, tile: Int = 1, rpc: Bool = true) throws -> String {
        let source = try Raster.open(fixture)
        guard let grid = source.geoTransform, let crs = source.spatialReference else {
            throw TestSupportError("\(fixture): needs georeferencing to derive an RPC from")
        }
        let width = source.width * tile, height = source.height * tile
        let scene = (folder as NSString).appendingPathComponent(name + ".tiff")
        let spec = RasterSpec(width: width, height: height, bandCount: source.bandCount, pixelType: .uint16,
                              nodata: source.bands[0].nodata, bandDescriptions: source.bands.map(\.description))
        let output = try GeoTIFFOutput(creating: scene, spec: spec, options: GeoTIFFOptions())
        let pixels = try source.read(source.fullWindow, as: UInt16.self)
        for row in 0..<tile {
            for column in 0..<tile {
                try output.raster.write(Window(x: column * source.width, y: row * source.height, width: source.width, height: source.height),
                                        from: pixels)
            }
        }
        try output.commit()
        if rpc {
            let text = try rpb(grid: grid, crs: crs, width: width, height: height)
            try text.write(toFile: (folder as NSString).appendingPathComponent(name + ".rpb"), atomically: true, encoding: .utf8)
        }
        return scene
    }

    /// The RPC00B text: the grid's corners in lon/lat give the affine map, inverted to sample/line.
    static func rpb(grid: GeoTransform, crs: SpatialReference, width: Int, height: Int) throws -> String {
        let toLonLat = try CoordinateTransformer(from: crs, to: .wgs84)
        // The tiled copy continues the fixture's grid to the east and south.
        let corners = try toLonLat.transform([grid.map(column: 0, row: 0), grid.map(column: Double(width), row: 0),
                                              grid.map(column: 0, row: Double(height)),
                                              grid.map(column: Double(width) / 2, row: Double(height) / 2)])
        // (lon, lat) = origin + A · (sample, line); A's columns per pixel.
        let a = [(corners[1].x - corners[0].x) / Double(width), (corners[2].x - corners[0].x) / Double(height),
                 (corners[1].y - corners[0].y) / Double(width), (corners[2].y - corners[0].y) / Double(height)]
        let det = a[0] * a[3] - a[1] * a[2]
        let inverse = [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det]
        let (longOffset, latOffset) = (corners[3].x, corners[3].y)
        let degreeScale = 0.02 * Double(max(width, height)) / 600, heightScale = 500.0
        // RPC samples and lines count from the first pixel's centre, GDAL's grid from its corner.
        let (sampleOffset, lineOffset) = (Double(width) / 2 - 0.5, Double(height) / 2 - 0.5)
        // Normalised: sample' = c2·L + c3·P + c4·H with L, P, H the normalised lon, lat, height.
        func numerator(_ row: Int, scale: Double, perMetre: Double) -> [Double] {
            var c = [Double](repeating: 0, count: 20)
            c[1] = inverse[2 * row] * degreeScale / scale
            c[2] = inverse[2 * row + 1] * degreeScale / scale
            c[3] = perMetre * heightScale / scale
            return c
        }
        let sample = numerator(0, scale: Double(width) / 2, perMetre: samplesPerMetre)
        let line = numerator(1, scale: Double(height) / 2, perMetre: linesPerMetre)
        return RPC00B(lineOffset: lineOffset, sampleOffset: sampleOffset, latitudeOffset: latOffset, longitudeOffset: longOffset,
                      heightOffset: heightOffset, lineScale: Double(height) / 2, sampleScale: Double(width) / 2, latitudeScale: degreeScale,
                      longitudeScale: degreeScale, heightScale: heightScale, lineNumerator: line, sampleNumerator: sample)
            .rpbText(satellite: "GF2", band: "MS")
    }

    /// A DEM over `scene` (one `write` made) with a margin: centred on its RPC's offsets, 2.5 RPC
    /// degree scales wide (the scene spans about 1.2).
    @discardableResult
    public static func writeDEM(_ path: String, around scene: String) throws -> String {
        let raster = try Raster.open(scene)
        guard let longitude = raster.metadataItem("LONG_OFF", domain: "RPC").flatMap(Double.init),
              let latitude = raster.metadataItem("LAT_OFF", domain: "RPC").flatMap(Double.init),
              let scale = raster.metadataItem("LONG_SCALE", domain: "RPC").flatMap(Double.init) else {
            throw TestSupportError("\(scene): no RPC offsets")
        }
        return try writeDEM(path, longitude: longitude, latitude: latitude, span: 2.5 * scale)
    }

    /// A 60 × 60 Float32 DEM in EPSG:4326 centred on (longitude, latitude) and `span` degrees wide,
    /// heights 300 ± 200 m in smooth hills.
    @discardableResult
    public static func writeDEM(_ path: String, longitude: Double = 107.22, latitude: Double = 22.46, span: Double = 0.04) throws -> String {
        let side = 60
        let step = span / Double(side)
        let grid = GeoTransform(originX: longitude - span / 2, originY: latitude + span / 2, pixelWidth: step, pixelHeight: step)
        let spec = RasterSpec(width: side, height: side, bandCount: 1, pixelType: .float32, geoTransform: grid,
                              spatialReference: .wgs84, nodata: nil)
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: GeoTIFFOptions())
        var heights: [Float] = []
        for row in 0..<side {
            for column in 0..<side {
                heights.append(Float(heightOffset + 200 * sin(Double(column) / 7) * cos(Double(row) / 9)))
            }
        }
        try output.raster.write(Window(width: side, height: side), from: heights)
        try output.commit()
        return path
    }
}
