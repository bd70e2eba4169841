import Foundation
import Inversion
import RasterIO
import Testing
import TestSupport

/// The value column's name and unit come from the user and label every output: a `treo_ppm` column
/// in ppm reads "treo_ppm (ppm)", and nothing says "%" (the fixture world's RE2O3 per cent) or RE2O3.
@Suite("the value column's unit labels the outputs")
struct ValueUnitTests {
    /// The fixture world's samples with the content column renamed `treo_ppm` and converted from
    /// per cent to ppm (× 10 000).
    static func writePPMSamples(_ path: String) throws {
        let rows = try Fixtures.csv("world/samples.csv")
        var text = "id,lon,lat,treo_ppm\n"
        for row in rows { text += "\(row["id"]!),\(row["lon"]!),\(row["lat"]!),\(Double(row["re2o3"]!)! * 10_000)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// No "%" at all (shares are written as fractions, so a reader never meets the sign beside a
    /// ppm value), and no trace of the fixture's column.
    static func expectNoPerCent(_ text: String, _ what: String) {
        for mark in ["%", "RE2O3", "re2o3"] {
            #expect(!text.contains(mark), "\(what) contains \(mark): …\(text.components(separatedBy: mark).first?.suffix(80) ?? "")")
        }
    }

    /// The report's text and markup without its style sheet (CSS lengths like `max-width: 100%` are
    /// layout, not content).
    static func withoutStyleSheet(_ html: String) -> String {
        guard let start = html.range(of: "<style>"), let end = html.range(of: "</style>", range: start.upperBound..<html.endIndex) else { return html }
        return String(html[..<start.lowerBound] + html[end.upperBound...])
    }

    @Test func runLabelsEveryOutputWithTheGivenUnit() throws {
        let dir = try TemporaryDirectory()
        let world = Fixtures.path("world")
        try Self.writePPMSamples(dir.file("samples.csv"))
        try """
            scene: \(world)/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff
            samples: \(dir.file("samples.csv"))
            column: treo_ppm
            unit: ppm
            model: {iterations: 200}
            validation: {folds: 3}
            """.write(toFile: dir.file("run.yml"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", dir.file("run.yml"), "--out", dir.file("out")])
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectNoPerCent(result.stdout, "run's console summary")

        let content = try Raster.open(dir.file("out/content.tif")), geochem = try Raster.open(dir.file("out/geochem.tif"))
        #expect(content.bands[0].description == "treo_ppm (ppm)" && content.bands[0].unitType == "ppm", "\(content.bands[0])")
        #expect(geochem.bands[0].description == "kriged treo_ppm (ppm)" && geochem.bands[0].unitType == "ppm", "\(geochem.bands[0])")
        for band in content.bands + geochem.bands {
            #expect(!band.description.contains("%") && !band.unitType.contains("%"), "\(band)")
        }
        // The legend `render` draws for the map, from the unit type it recorded.
        let legend = try QuickLook(unit: content.bands[0].unitType).render(map: dir.file("out/content.tif"), to: dir.file("legend.png")).legend
        #expect(legend.last == "ppm" && !legend.joined().contains("%"), "\(legend)")

        let html = try String(contentsOfFile: dir.file("out/report.html"), encoding: .utf8)
        let json = try String(contentsOfFile: dir.file("out/report.json"), encoding: .utf8)
        #expect(html.contains("treo_ppm (ppm)") && json.contains("treo_ppm (ppm)"))
        // The scatter plots, inline SVG, name the column and its unit on both axes.
        #expect(html.contains("measured treo_ppm (ppm)") && html.contains("predicted treo_ppm (ppm)"))
        #expect(html.contains("<style>"))
        Self.expectNoPerCent(Self.withoutStyleSheet(html), "report.html")
        Self.expectNoPerCent(json, "report.json")
        for style in try FileManager.default.contentsOfDirectory(atPath: dir.file("out")) where style.hasSuffix(".qml") {
            Self.expectNoPerCent(try String(contentsOfFile: dir.file("out/\(style)"), encoding: .utf8), style)
        }
        // The anomaly layer's description (GeoPackage metadata, as QGIS shows it) names the unit.
        let ogrinfo = try #require(ChildProcess.which("ogrinfo"), "ogrinfo (gdal-bin) is installed by tools/install-deps.sh")
        let layer = try ChildProcess.run(ogrinfo, ["-ro", "-q", "-sql", "SELECT description FROM gpkg_contents", dir.file("out/anomalies.gpkg")])
        #expect(layer.status == 0 && layer.stdout.contains("mean and max in ppm") && !layer.stdout.contains("%"), "\(layer.stdout)")
    }

    /// Without a unit none is invented: the column's name alone.
    @Test func krigeWithoutAUnitUsesTheColumnName() throws {
        let dir = try TemporaryDirectory()
        try Self.writePPMSamples(dir.file("samples.csv"))
        let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
        for (unit, description, unitType) in [([String](), "kriged treo_ppm", ""), (["--unit", "ppm"], "kriged treo_ppm (ppm)", "ppm")] {
            let out = dir.file("map\(unit.count).tif"), variance = dir.file("var\(unit.count).tif")
            let result = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", scene, "--column", "treo_ppm", "--out", out,
                                                    "--variance", variance, "--nmax", "16", "--quiet"] + unit)
            #expect(result.status == 0, "\(result.stderr)")
            let map = try Raster.open(out), variances = try Raster.open(variance)
            #expect(map.bands[0].description == description && map.bands[0].unitType == unitType, "\(map.bands[0])")
            #expect(variances.bands[0].unitType == (unit.isEmpty ? "" : "ppm²"), "\(variances.bands[0])")
        }
    }
}
