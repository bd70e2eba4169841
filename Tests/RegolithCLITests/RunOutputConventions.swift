import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RasterIO
import Testing

/// What a GIS program needs from each raster of a `regolith run` folder (overviews, nodata on every
/// band, unit types, colour interpretation) and from its QGIS styles. Called by
/// `runWritesTheWholeReport`, which has already paid for the run.
enum RunOutputConventions {
    static func expectAll(folder: String) throws {
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        // One pass from DN to map: no reflectance scene in between.
        #expect(!FileManager.default.fileExists(atPath: file("reflectance.tif")))
        for name in ["content.tif", "content-interval.tif", "content-range.tif", "geochem.tif", "geochem-variance.tif", "anomaly-ranks.tif"] {
            let raster = try Raster.open(file(name))
            for band in raster.bands {
                #expect(band.overviewCount >= 1, "\(name) band \(band.number) has no overviews")
                #expect(band.nodata != nil, "\(name) band \(band.number) has no nodata")
                #expect(!band.description.isEmpty, "\(name) band \(band.number) has no description")
            }
        }
        #expect(try Raster.open(file("anomaly-ranks.tif")).bands[0].nodata == 0)
        let content = try Raster.open(file("content.tif")).bands[0]
        #expect(!content.unitType.isEmpty, "content.tif has no unit type")
        // The interval's bounds and width are contents: the map's unit, and named as lower, upper and width.
        let interval = try Raster.open(file("content-interval.tif"))
        #expect(interval.bands.map(\.unitType) == Array(repeating: content.unitType, count: 3), "\(interval.bands)")
        #expect(interval.bands[0].description.contains("lower") && interval.bands[1].description.contains("upper")
                && interval.bands[2].description.contains("width"), "\(interval.bands)")
        try expectRangeFlags(folder: folder)
        // The run's geochemical map is kriged globally: no neighbour-set seams within its support.
        let seams = try KrigeSeamTests.largestStepAnomaly(file("geochem.tif")) / KrigeSeamTests.samplesStandardDeviation()
        #expect(seams <= KrigeSeamTests.tolerance, "geochem.tif: largest step anomaly \(seams) of the samples' SD")

        // Each map style names the band, the quick-look's ramp limits (the report's) and the nodata.
        for (style, map) in [("content.qml", "content.tif"), ("geochem.qml", "geochem.tif")] {
            let document = try XMLDocument(contentsOf: URL(fileURLWithPath: file(style)), options: [])
            let band = try Raster.open(file(map)).bands[0]
            let properties = try document.nodes(forXPath: "//customproperties//Option[@name='regolith/band']/@value").map { $0.stringValue ?? "" }
            #expect(properties == [band.description], "\(style) names band \(properties), not \(band.description)")
            let shader = try #require(try document.nodes(forXPath: "//colorrampshader").first as? XMLElement, "\(style) has no colour ramp")
            let lower = try #require(shader.attribute(forName: "minimumValue")?.stringValue.flatMap(Double.init))
            let upper = try #require(shader.attribute(forName: "maximumValue")?.stringValue.flatMap(Double.init))
            #expect(lower < upper, "\(style): ramp \(lower)…\(upper)")
            let noData = try document.nodes(forXPath: "//noDataRange/@min").compactMap { $0.stringValue.flatMap(Double.init) }
            #expect(noData == [try #require(band.nodata)], "\(style) nodata \(noData), the map's \(band.nodata ?? .nan)")
            #expect(try document.nodes(forXPath: "//colorrampshader/item").count == 9, "\(style): the 9 viridis stops")
            try expectQuickLookLimits(lower: lower, upper: upper, map: try Raster.open(file(map)), style: style)
        }
        let areas = try XMLDocument(contentsOf: URL(fileURLWithPath: file("anomalies.qml")), options: [])
        #expect(try areas.nodes(forXPath: "//labeling//text-style/@fieldName").map { $0.stringValue } == ["rank"],
                "anomalies.qml labels the areas with their rank")
        #expect(try !areas.nodes(forXPath: "//layer[@class='SimpleFill']").isEmpty, "anomalies.qml outlines the areas")
    }

    /// `content-range.tif` flags exactly the map's pixels outside the training targets' range that
    /// report.json states (−1 below, +1 above, 0 within; nodata where the map is), and counts agree.
    private static func expectRangeFlags(folder: String) throws {
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file("report.json")))) as? [String: Any])
        let range = try #require((report["inversion"] as? [String: Any])?["outsideTargetRange"] as? [String: Any])
        let lower = try #require(range["lower"] as? Double), upper = try #require(range["upper"] as? Double)
        let map = try Raster.open(file("content.tif")), flags = try Raster.open(file("content-range.tif"))
        let values = try map.read(map.fullWindow, bands: [1], as: Float.self), flagged = try flags.read(flags.fullWindow, bands: [1], as: Float.self)
        let mapNodata = map.bands[0].nodata.map(Float.init), flagNodata = flags.bands[0].nodata.map(Float.init)
        var below = 0, above = 0, wrong = 0
        for (value, flag) in zip(values, flagged) {
            let expected: Float? = value.isNaN || value == mapNodata ? flagNodata
                : value < Float(lower) ? -1 : value > Float(upper) ? 1 : 0
            if flag != expected { wrong += 1 }
            if flag == -1 { below += 1 } else if flag == 1 { above += 1 }
        }
        #expect(wrong == 0, "\(wrong) pixels of content-range.tif disagree with content.tif and the range \(lower)…\(upper)")
        #expect(range["below"] as? Int == below && range["above"] as? Int == above, "report \(range), flags \(below) below, \(above) above")
    }

    /// The style's limits are the quick-look's: the 2nd and 98th percentiles of the map's valid
    /// pixels, recomputed here by sorting them (the quick-look takes them from a histogram; the two
    /// agreed within 0.01 % of the 2–98 % span on the fixture world, content and geochem maps;
    /// tolerance 0.1 %).
    private static func expectQuickLookLimits(lower: Double, upper: Double, map: Raster, style: String) throws {
        let nodata = map.bands[0].nodata.map(Float.init)
        let values = try map.read(map.fullWindow, bands: [1], as: Float.self).filter { !$0.isNaN && $0 != nodata }.sorted()
        let p2 = Double(values[Int(0.02 * Double(values.count - 1))]), p98 = Double(values[Int(0.98 * Double(values.count - 1))])
        let tolerance = 0.001 * (p98 - p2)
        #expect(abs(lower - p2) <= tolerance && abs(upper - p98) <= tolerance,
                "\(style): ramp \(lower)…\(upper), the map's 2nd–98th percentiles \(p2)…\(p98)")
    }
}
