import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("Window reads and writes")
struct RoundTripTests {
    static let layouts: [SampleLayout] = [.bandSequential, .pixelInterleaved]

    /// Reorders band-sequential values into `layout`.
    static func arrange(_ bsq: [Double], pixels: Int, bands: Int, layout: SampleLayout) -> [Double] {
        guard layout == .pixelInterleaved else { return bsq }
        var out = [Double](repeating: 0, count: bsq.count)
        for b in 0..<bands { for p in 0..<pixels { out[p * bands + b] = bsq[b * pixels + p] } }
        return out
    }

    func roundTrip<T: RasterScalar>(_ type: T.Type, layout: SampleLayout, convert: (Double) -> T) throws {
        let dir = try TemporaryDirectory()
        let (width, height, bands) = (300, 200, 3)   // not multiples of the 128 tile: partial edge tiles
        let spec = RasterSpec(width: width, height: height, bandCount: bands, pixelType: T.pixelType,
                              geoTransform: TestRasters.studyAreaOrigin, spatialReference: TestRasters.utm48N, nodata: 0)
        var options = GeoTIFFOptions()
        options.tileSize = 128
        let output = try GeoTIFFOutput(creating: dir.file("r.tif"), spec: spec, options: options)
        // Write in four uneven windows so block edges and window edges differ.
        for window in [Window(x: 0, y: 0, width: 170, height: 90), Window(x: 170, y: 0, width: 130, height: 90),
                       Window(x: 0, y: 90, width: 170, height: 110), Window(x: 170, y: 90, width: 130, height: 110)] {
            let values = Self.arrange(TestRasters.expected(width: width, height: height, bands: [1, 2, 3], window: window),
                                      pixels: window.pixelCount, bands: bands, layout: layout).map(convert)
            try output.raster.write(window, layout: layout, from: values)
        }
        try output.commit()

        let raster = try Raster.open(dir.file("r.tif"))
        #expect(raster.bands.allSatisfy { $0.pixelType == T.pixelType && $0.nodata == 0 })
        #expect(raster.compression == "ZSTD")
        #expect(raster.metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE") == (T.pixelType.isFloatingPoint ? "3" : "2"))
        // Edge windows, a band subset in reverse order, a single pixel in the last corner.
        let windows = [Window(x: 0, y: 0, width: 300, height: 200), Window(x: 250, y: 150, width: 50, height: 50),
                       Window(x: 127, y: 127, width: 2, height: 2), Window(x: 299, y: 199, width: 1, height: 1)]
        for window in windows {
            for subset in [[1, 2, 3], [3, 1], [2]] {
                let got = try raster.read(window, bands: subset, layout: layout, as: T.self)
                let want = Self.arrange(TestRasters.expected(width: width, height: height, bands: subset, window: window),
                                        pixels: window.pixelCount, bands: subset.count, layout: layout).map(convert)
                #expect(got == want, "\(T.self) \(layout) \(window) bands \(subset)")
            }
        }
        #expect(dir.contents() == ["r.tif"], "no temporary files remain")
    }

    @Test(arguments: layouts) func uint8(layout: SampleLayout) throws { try roundTrip(UInt8.self, layout: layout) { UInt8(Int($0) % 256) } }
    @Test(arguments: layouts) func uint16(layout: SampleLayout) throws { try roundTrip(UInt16.self, layout: layout) { UInt16($0) } }
    @Test(arguments: layouts) func int16(layout: SampleLayout) throws { try roundTrip(Int16.self, layout: layout) { Int16($0) - 500 } }
    @Test(arguments: layouts) func uint32(layout: SampleLayout) throws { try roundTrip(UInt32.self, layout: layout) { UInt32($0) * 100_000 } }
    @Test(arguments: layouts) func int32(layout: SampleLayout) throws { try roundTrip(Int32.self, layout: layout) { Int32($0) * -100_000 } }
    @Test(arguments: layouts) func float32(layout: SampleLayout) throws { try roundTrip(Float.self, layout: layout) { Float($0) / 7 } }
    @Test(arguments: layouts) func float64(layout: SampleLayout) throws { try roundTrip(Double.self, layout: layout) { $0 / 7 + 1e-12 } }

    @Test func readsConvertBetweenTypes() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("u16.tif"), width: 64, height: 48, bands: 4)
        let raster = try Raster.open(dir.file("u16.tif"))
        let asFloat = try raster.read(raster.fullWindow, as: Float.self)
        let expected = TestRasters.expected(width: 64, height: 48, bands: [1, 2, 3, 4], window: raster.fullWindow)
        #expect(asFloat == expected.map { Float($0) })
    }

    @Test func windowsOutsideTheRasterAreRejected() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("a.tif"), width: 100, height: 80, bands: 2)
        let raster = try Raster.open(dir.file("a.tif"))
        for window in [Window(x: 90, y: 0, width: 11, height: 10), Window(x: -1, y: 0, width: 5, height: 5),
                       Window(x: 0, y: 79, width: 5, height: 2), Window(x: 0, y: 0, width: 0, height: 3)] {
            let error = #expect(throws: RasterError.self) { try raster.read(window, as: Float.self) }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.description.hasPrefix(dir.file("a.tif")) == true)
        }
        let badBand = #expect(throws: RasterError.self) { try raster.read(Window(width: 2, height: 2), bands: [3], as: Float.self) }
        #expect(badBand?.message.contains("has 2 band(s)") == true)
    }

    @Test func headerDescribesTheFile() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("h.tif"), width: 700, height: 500, bands: 4, nodata: 0, tileSize: 256,
                              descriptions: ["blue", "green", "red", "nir"])
        let raster = try Raster.open(dir.file("h.tif"))
        #expect(raster.width == 700 && raster.height == 500 && raster.bandCount == 4)
        #expect(raster.driverName == "GTiff")
        #expect(raster.blockSize.width == 256 && raster.blockSize.height == 256)
        #expect(raster.bands.map(\.description) == ["blue", "green", "red", "nir"])
        #expect(raster.spatialReference?.epsg == 32648)
        #expect(raster.spatialReference?.name == "WGS 84 / UTM zone 48N")
        #expect(raster.geoTransform == TestRasters.studyAreaOrigin)
        #expect(raster.extent == MapExtent(minX: 727_000, minY: 2_484_000, maxX: 729_800, maxY: 2_486_000))
        #expect(raster.metadataDomains.contains("IMAGE_STRUCTURE"))
        // gdalinfo, an independent reader of the same file, agrees.
        let gdalinfo = try #require(ChildProcess.which("gdalinfo"), "gdalinfo (gdal-bin) is installed by tools/install-deps.sh")
        let out = try ChildProcess.run(gdalinfo, ["-json", dir.file("h.tif")])
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        #expect(json["size"] as? [Int] == [700, 500])
        let bands = json["bands"] as! [[String: Any]]
        #expect(bands.map { $0["description"] as? String } == ["blue", "green", "red", "nir"])
        #expect(bands.allSatisfy { $0["block"] as? [Int] == [256, 256] && $0["noDataValue"] as? Double == 0 })
    }

    @Test func cacheSizeFollowsTheBudget() {
        let before = GDAL.cacheSize
        GDAL.setCacheSize(bytes: 48 << 20)
        #expect(GDAL.cacheSize == 48 << 20)
        GDAL.setCacheSize(bytes: before)
    }
}
