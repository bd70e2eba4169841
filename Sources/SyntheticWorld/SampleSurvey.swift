import Foundation
import RasterIO

/// One topsoil sample as the field team records it.
public struct Sample: Sendable, Equatable {
    public var id: String
    /// Recorded position (GPS, WGS 84), with GPS error.
    public var longitude: Double
    public var latitude: Double
    /// Laboratory RE2O3 content, with laboratory error.
    public var content: Double
    /// Where the sample really is (scene pixel) and its true content there.
    public var truePixel: (column: Int, row: Int)
    public var trueContent: Double

    public static func == (a: Sample, b: Sample) -> Bool {
        a.id == b.id && a.longitude == b.longitude && a.latitude == b.latitude && a.content == b.content
    }
}

/// Topsoil samples on a drilling grid over the sampling area, the way the paper's 374 were taken:
/// grid nodes with a little seeded scatter, on cleared ground (no river, house or vegetation), the `sampleCount` nodes
/// nearest the area's centre kept.
public enum SampleSurvey {
    public static func take(in scene: SyntheticScene) throws -> [Sample] {
        let model = scene.model, p = model.parameters, layout = model.layout, hash = model.hash
        let count = p.sampleCount
        guard count >= 3 else { throw SynthError("at least 3 samples are needed, got \(count)") }
        let side = layout.samplingArea[2], x0 = layout.samplingArea[0], y0 = layout.samplingArea[1]
        struct Site { var i: Int, j: Int, x: Double, y: Double, distance: Double }
        // Start with ~1.3 grid nodes per sample and densify until enough nodes are on cleared ground.
        var k = Int((Double(count) * 1.3).squareRoot().rounded(.up))
        var sites: [Site] = []
        while true {
            let spacing = side / Double(k)
            sites = []
            for j in 0..<k {
                for i in 0..<k {
                    let x = x0 + (Double(i) + 0.5 + 0.15 * hash.normal(Stream.samples.rawValue, i, 2 * j)) * spacing
                    let y = y0 + (Double(j) + 0.5 + 0.15 * hash.normal(Stream.samples.rawValue, i, 2 * j + 1)) * spacing
                    let column = Int(x / p.pixelSize), row = Int(y / p.pixelSize)
                    guard column >= 0, row >= 0, column < model.columns, row < model.rows else { continue }
                    let pixel = model.render(Window(x: column, y: row, width: 1, height: 1))
                    // Drill pads are cleared ground: no river, house or vegetation.
                    guard pixel.landCover[0] == LandCover.bareCrust.rawValue, pixel.vegetation[0] == 0 else { continue }
                    sites.append(Site(i: i, j: j, x: x, y: y, distance: hypot(x - x0 - side / 2, y - y0 - side / 2)))
                }
            }
            if sites.count >= count { break }
            guard spacing / 1.15 >= 2 * p.pixelSize else {
                throw SynthError("the \(Int(side)) m sampling area holds only \(sites.count) drill sites on cleared ground, fewer than the \(count) samples asked for")
            }
            k = Int((Double(k) * 1.15).rounded(.up))
        }
        let kept = sites.sorted { ($0.distance, $0.j, $0.i) < ($1.distance, $1.j, $1.i) }.prefix(count)
            .sorted { ($0.j, $0.i) < ($1.j, $1.i) }
        let toLonLat = try CoordinateTransformer(from: scene.spatialReference, to: .wgs84)
        return try kept.map { site in
            let column = Int(site.x / p.pixelSize), row = Int(site.y / p.pixelSize)
            let truth = Double(model.render(Window(x: column, y: row, width: 1, height: 1)).content[0])
            let measured = max(p.minimumContent, truth * exp(p.labErrorSigma * hash.normal(Stream.labError.rawValue, site.i, site.j)))
            let gx = site.x + p.gpsErrorSigma * hash.normal(Stream.gpsError.rawValue, site.i, 2 * site.j)
            let gy = site.y + p.gpsErrorSigma * hash.normal(Stream.gpsError.rawValue, site.i, 2 * site.j + 1)
            let map = scene.mapPoint(x: gx, y: gy)
            let lonLat = try toLonLat.transform(x: map.x, y: map.y)
            return Sample(id: String(format: "ZK%02d-%02d", site.j + 1, site.i + 1),
                          longitude: (lonLat.x * 1e7).rounded() / 1e7, latitude: (lonLat.y * 1e7).rounded() / 1e7,
                          content: (measured * 1000).rounded() / 1000, truePixel: (column, row), trueContent: truth)
        }
    }

    /// The CSV a field team hands over: `id,lon,lat,re2o3`.
    public static func csv(_ samples: [Sample]) -> String {
        var text = "id,lon,lat,re2o3\n"
        for s in samples {
            text += "\(s.id),\(String(format: "%.7f", s.longitude)),\(String(format: "%.7f", s.latitude)),\(String(format: "%.3f", s.content))\n"
        }
        return text
    }
}
