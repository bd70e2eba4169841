import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("COG, VRT and vector outputs")
struct DerivedOutputTests {
    @Test func cogIsReadableWithOverviewsAndSamePixels() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("src.tif"), width: 1100, height: 900, bands: 1, type: .float32, nodata: -9999)
        try RasterCopies.writeCOG(from: dir.file("src.tif"), to: dir.file("cog.tif"))
        let cog = try Raster.open(dir.file("cog.tif"))
        #expect(cog.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG")
        #expect(cog.compression == "ZSTD")
        #expect(cog.bands[0].overviewCount >= 1)
        #expect(cog.bands[0].nodata == -9999)
        #expect(cog.spatialReference?.epsg == 32648)
        let source = try Raster.open(dir.file("src.tif"))
        #expect(try cog.read(cog.fullWindow, as: Float.self) == source.read(source.fullWindow, as: Float.self))
        #expect(dir.contents() == ["cog.tif", "src.tif"])
    }

    @Test func vrtMosaicOfAdjacentTiles() throws {
        let dir = try TemporaryDirectory()
        // Two scenes side by side on one grid: the right one starts 200 pixels (800 m) east.
        try TestRasters.write(dir.file("west.tif"), width: 200, height: 150, bands: 2, nodata: 0)
        let east = GeoTransform(originX: 727_000 + 800, originY: 2_486_000, pixelWidth: 4, pixelHeight: 4)
        try TestRasters.write(dir.file("east.tif"), width: 100, height: 150, bands: 2, nodata: 0, geoTransform: east)
        try RasterCopies.buildVRT(from: [dir.file("west.tif"), dir.file("east.tif")], to: dir.file("mosaic.vrt"))
        let mosaic = try Raster.open(dir.file("mosaic.vrt"))
        #expect(mosaic.driverName == "VRT")
        #expect(mosaic.width == 300 && mosaic.height == 150 && mosaic.bandCount == 2)
        #expect(mosaic.bands.allSatisfy { $0.nodata == 0 })
        let westPart = try mosaic.read(Window(x: 0, y: 0, width: 200, height: 150), as: UInt16.self)
        #expect(westPart == TestRasters.expected(width: 200, height: 150, bands: [1, 2], window: Window(width: 200, height: 150)).map { UInt16($0) })
        let eastPart = try mosaic.read(Window(x: 200, y: 0, width: 100, height: 150), as: UInt16.self)
        #expect(eastPart == TestRasters.expected(width: 100, height: 150, bands: [1, 2], window: Window(width: 100, height: 150)).map { UInt16($0) })
        #expect(!dir.contents().contains { $0.contains("partial") })
    }

    @Test func vrtRefusesMismatchedRastersAndLeavesNoFile() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("a.tif"), width: 50, height: 50, bands: 2)
        try TestRasters.write(dir.file("b.tif"), width: 50, height: 50, bands: 3)
        try TestRasters.write(dir.file("c.tif"), width: 50, height: 50, bands: 2, spatialReference: try SpatialReference("EPSG:32649"))
        let bands = #expect(throws: RasterError.self) {
            try RasterCopies.buildVRT(from: [dir.file("a.tif"), dir.file("b.tif")], to: dir.file("m.vrt"))
        }
        #expect(bands?.path == dir.file("b.tif") && bands?.message.contains("3 band(s)") == true)
        let crs = #expect(throws: RasterError.self) {
            try RasterCopies.buildVRT(from: [dir.file("a.tif"), dir.file("c.tif")], to: dir.file("m.vrt"))
        }
        #expect(crs?.kind == .mismatch && crs?.message.contains("UTM zone 49N") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.vrt")))
        #expect(dir.contents() == ["a.tif", "b.tif", "c.tif"])
    }

    static let fields = [VectorField("rank", .integer), VectorField("area_m2", .real), VectorField("label", .string)]
    static let square: [[VectorGeometry.Point]] = [[.init(x: 727_000, y: 2_486_000), .init(x: 727_400, y: 2_486_000),
                                                     .init(x: 727_400, y: 2_485_600), .init(x: 727_000, y: 2_485_600)]]

    @Test func geoJSONPolygonsWithTypedAttributes() throws {
        let dir = try TemporaryDirectory()
        let writer = try VectorLayerWriter(path: dir.file("areas.geojson"), layerName: "areas", geometry: .polygon,
                                           fields: Self.fields, spatialReference: TestRasters.utm48N)
        try writer.add(.polygon(Self.square), [.integer(1), .real(160_000), .string("I")])
        try writer.add(.polygon(Self.square), [.integer(2), .real(42.5), .null])
        #expect(!FileManager.default.fileExists(atPath: dir.file("areas.geojson")), "appears only on commit")
        try writer.commit()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("areas.geojson")))) as! [String: Any]
        let features = json["features"] as! [[String: Any]]
        #expect(features.count == 2)
        let first = features[0]["properties"] as! [String: Any]
        #expect(first["rank"] as? Int == 1 && first["area_m2"] as? Double == 160_000 && first["label"] as? String == "I")
        let geometry = features[0]["geometry"] as! [String: Any]
        #expect(geometry["type"] as? String == "Polygon")
        let ring = (geometry["coordinates"] as! [[[Double]]])[0]
        #expect(ring.count == 5 && ring.first == ring.last, "ring closed by the writer")
        // RFC 7946: no `crs` member, WGS 84 longitude/latitude (the square lies near 107.2° E, 22.5° N in UTM 48N).
        #expect(json["crs"] == nil)
        #expect(ring.allSatisfy { abs($0[0] - 107.2) < 0.5 && abs($0[1] - 22.5) < 0.5 }, "\(ring)")
    }

    @Test func geoPackageReadByOgrinfo() throws {
        let dir = try TemporaryDirectory()
        let writer = try VectorLayerWriter(path: dir.file("areas.gpkg"), layerName: "anomalies", geometry: .polygon,
                                           fields: Self.fields, spatialReference: TestRasters.utm48N)
        for rank in 1...3 { try writer.add(.polygon(Self.square), [.integer(rank), .real(Double(rank) * 1.5), .string("area \(rank)")]) }
        try writer.commit()
        #expect(dir.contents() == ["areas.gpkg"])
        let ogrinfo = try #require(ChildProcess.which("ogrinfo"), "ogrinfo (gdal-bin) is installed by make test")
        let out = try ChildProcess.run(ogrinfo, ["-al", "-so", dir.file("areas.gpkg")])
        #expect(out.status == 0)
        #expect(out.stdout.contains("Feature Count: 3"))
        #expect(out.stdout.contains("Geometry: Polygon"))
        #expect(out.stdout.contains("rank: Integer64"))
        #expect(out.stdout.contains("area_m2: Real"))
        #expect(out.stdout.contains("label: String"))
        #expect(out.stdout.contains("32648"))
    }

    @Test func unknownVectorFormatIsRejected() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: RasterError.self) {
            try VectorLayerWriter(path: dir.file("areas.shp.txt"), layerName: "x", geometry: .point, fields: [], spatialReference: nil)
        }
        #expect(error?.message.contains(".gpkg or .geojson") == true)
        #expect(dir.contents().isEmpty)
    }
}
