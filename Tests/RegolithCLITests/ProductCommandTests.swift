import Foundation
import RasterIO
import Testing
import TestSupport

/// GF-2 products as CRESDA delivers them (tarball, folder, image), given to the commands that take scenes.
@Suite("GF-2 products as inputs of info, calibrate, ndvi, plan and run")
struct ProductCommandTests {
    static let name = "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441"
    static let hasGDALTools = ChildProcess.which("gdalinfo") != nil && ChildProcess.which("gdalwarp") != nil

    static func gdalinfo(_ path: String) throws -> [String: Any] {
        // GDAL would otherwise leave its gzip seek index (.properties) beside a tarball it reads.
        let result = try ChildProcess.run(ChildProcess.which("gdalinfo")!, ["-json", "--config", "CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO", path])
        guard result.status == 0, let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw TestSupportError("gdalinfo \(path) failed: \(result.stderr)")
        }
        return json
    }

    /// The RPC section `gdalinfo` prints, as numbers.
    static func rpc(_ info: [String: Any]) -> [String: [Double]] {
        let section = (info["metadata"] as? [String: Any])?["RPC"] as? [String: String] ?? [:]
        return section.mapValues { $0.split(separator: " ").compactMap { Double($0) } }
    }

    /// Whether two RPC sections hold the same keys and numbers. GDAL prints the RPC it reads from a
    /// TIFF tag with 15 significant digits, from an .rpb as written (measured: equal to 1e-15 relative).
    static func sameRPC(_ a: [String: [Double]], _ b: [String: [Double]]) -> Bool {
        a.keys.sorted() == b.keys.sorted() && a.allSatisfy { key, values in
            values.count == b[key]!.count && zip(values, b[key]!).allSatisfy { abs($0 - $1) <= 1e-14 * max(abs($0), abs($1)) }
        }
    }

    @Test func infoShowsWhatWasFoundInAProduct() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("unpacked"))
        let tarball = try product.pack(to: dir.file("\(product.name).tar.gz"))
        let result = try ChildProcess.regolith(["info", "--no-stats", tarball])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        for expected in [tarball, "product      \(product.name)", "sensor       GF2 PMS1", "acquired     2020-11-12 03:15:42 UTC",
                         "sun          zenith 44.70°, azimuth 152.59°", "satellite    zenith 3.93°",
                         "MSS          600 × 600 pixels, 4 bands; sensor geometry with RPC (\(product.name)-MSS1.rpb)",
                         "PAN          2400 × 2400 pixels, 1 band; sensor geometry with RPC (\(product.name)-PAN1.rpb)",
                         "/vsitar/\(tarball)/\(product.name)-MSS1.tiff", "CRS          none", "domains: ", "RPC"] {
            #expect(result.stdout.contains(expected), "missing \(expected) in\n\(result.stdout)")
        }
        // The folder without its PAN, as JSON; the statistics pass reads the MSS image.
        try FileManager.default.removeItem(atPath: product.pan)
        let json = try ChildProcess.regolith(["info", "--json", product.folder])
        #expect(json.status == 0, "\(json.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let found = try #require(summary["product"] as? [String: Any])
        let mss = try #require(found["mss"] as? [String: Any])
        #expect(found["pan"] == nil && mss["hasRPC"] as? Bool == true && mss["georeferenced"] as? Bool == false)
        #expect(abs((found["solarZenith"] as? Double ?? 0) - 44.704479) < 1e-9 && summary["width"] as? Int == 600)
        #expect(((summary["bands"] as? [[String: Any]])?.first?["statistics"] as? [String: Any])?["validPixels"] != nil)

        // The fixture's own image: georeferenced, no PAN. A plain raster shows no product.
        let fixture = try ChildProcess.regolith(["info", "--no-stats", Fixtures.path("world/\(Self.name)-MSS1.tiff")])
        #expect(fixture.stdout.contains("MSS          600 × 600 pixels, 4 bands; georeferenced (WGS 84 / UTM zone 48N)")
                && fixture.stdout.contains("PAN          none"), "\(fixture.stdout)")
        let plain = try ChildProcess.regolith(["info", "--no-stats", try TestRasters.write(dir.file("scene.tif"), width: 8, height: 8, bands: 1)])
        #expect(plain.status == 0 && !plain.stdout.contains("product"), "\(plain.stdout)")
        let empty = dir.file("empty.tar")
        try product.pack(to: empty, members: [(product.mssXML as NSString).lastPathComponent])
        let refused = try ChildProcess.regolith(["info", empty])
        #expect(refused.status == 1 && refused.stderr == "regolith: \(empty): no multispectral image (…-MSS1.tiff or …-MSS2.tiff) in the product; it holds \(product.name)-MSS1.xml\n",
                "\(refused.stderr)")
    }

    /// `calibrate` on an L1A tarball keeps the RPC as it was (so the reflectance can still be
    /// orthorectified), and the band descriptions and colours; `ndvi` keeps the RPC too.
    @Test(.enabled(if: hasGDALTools, "gdalinfo and gdalwarp (gdal-bin) are installed by make test"))
    func calibrateAndNDVIKeepTheRPCOfAnL1AScene() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("unpacked"))
        let tarball = try product.pack(to: dir.file("\(product.name).tar.gz"))
        let calibrated = try ChildProcess.regolith(["calibrate", tarball, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        let input = Self.rpc(try Self.gdalinfo("/vsitar/\(tarball)/\(product.name)-MSS1.tiff"))
        #expect(input.count >= 14 && input["LINE_NUM_COEFF"]?.count == 20, "the input's RPC: \(input)")
        let output = try Self.gdalinfo(dir.file("refl.tif"))
        #expect(Self.sameRPC(Self.rpc(output), input), "\(Self.rpc(output))")
        #expect(output["geoTransform"] == nil)
        let bands = output["bands"] as? [[String: Any]] ?? []
        #expect(bands.map { $0["description"] as? String } == ["TOA reflectance b1 (blue)", "TOA reflectance b2 (green)", "TOA reflectance b3 (red)", "TOA reflectance b4 (nir)"])
        #expect(bands.map { $0["colorInterpretation"] as? String } == ["Blue", "Green", "Red", "Undefined"])
        #expect(dir.contents() == ["\(product.name).tar.gz", "refl.tif", "unpacked"], "nothing unpacked, no sidecar left")

        let ndvi = try ChildProcess.regolith(["ndvi", dir.file("refl.tif"), "--out", dir.file("ndvi.tif"), "--quiet"])
        #expect(ndvi.status == 0, "\(ndvi.stderr)")
        #expect(Self.sameRPC(Self.rpc(try Self.gdalinfo(dir.file("ndvi.tif"))), input))
        // A mosaic needs map coordinates: two L1A scenes into a folder are refused before any work.
        let mosaic = try ChildProcess.regolith(["ndvi", tarball, dir.file("refl.tif"), "--out", dir.file("maps"), "--quiet"])
        #expect(mosaic.status == 1 && mosaic.stderr.split(separator: "\n").count == 1
                && mosaic.stderr.contains("has no georeferencing (sensor geometry, e.g. an L1A product); a mosaic") && mosaic.stderr.contains("orthorectify it first"),
                "\(mosaic.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("maps")))
    }

    /// A scene orthorectified elsewhere (`gdalwarp -rpc`) with the product XML beside it calibrates:
    /// the XML's WidthInPixels/HeightInPixels describe the L1A raster and are checked only against
    /// a raster in sensor geometry (before, this failed: "say 600×600, but …/ortho.tif is 612×612").
    @Test(.enabled(if: hasGDALTools, "gdalinfo and gdalwarp (gdal-bin) are installed by make test"))
    func aSceneOrthorectifiedElsewhereWithItsXMLCalibrates() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("product"))
        // CGCS2000 / 3-degree Gauss–Krüger CM 108E: the grid turns against the image, so its size differs.
        let warp = try ChildProcess.run(ChildProcess.which("gdalwarp")!, ["-q", "-rpc", "-t_srs", "EPSG:4545", "-tr", "4", "4", "-r", "bilinear",
                                                                          product.mss, dir.file("ortho.tif")])
        #expect(warp.status == 0, "\(warp.stderr)")
        try FileManager.default.copyItem(atPath: product.mssXML, toPath: dir.file("ortho.xml"))
        let ortho = try Raster.open(dir.file("ortho.tif"))
        #expect(ortho.geoTransform != nil && (ortho.width, ortho.height) != (600, 600), "the old failure needs another size: \(ortho.width)×\(ortho.height)")
        let calibrated = try ChildProcess.regolith(["calibrate", dir.file("ortho.tif"), "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        #expect(try Raster.open(dir.file("refl.tif")).width == ortho.width)

        // A raster in sensor geometry must still be the size the XML gives.
        let crop = try ChildProcess.run(ChildProcess.which("gdal_translate")!, ["-q", "-srcwin", "0", "0", "500", "400", product.mss, dir.file("crop.tif")])
        #expect(crop.status == 0, "\(crop.stderr)")
        try FileManager.default.copyItem(atPath: product.mssXML, toPath: dir.file("crop.xml"))
        let refused = try ChildProcess.regolith(["calibrate", dir.file("crop.tif"), "--out", dir.file("crop-refl.tif"), "--quiet"])
        #expect(refused.status == 1 && refused.stderr == "regolith: \(dir.file("crop.xml")): <WidthInPixels>/<HeightInPixels> say 600×600, but \(dir.file("crop.tif")) is 500×400\n",
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("crop-refl.tif")))
    }

    /// `run` on an L1A product stops before writing anything and says orthorectification is needed;
    /// a tarball without an MSS image is refused by `calibrate` in one line.
    @Test func runOnAnL1AProductAsksForOrthorectification() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("unpacked"))
        let tarball = try product.pack(to: dir.file("\(product.name).tar.gz"))
        let config = dir.file("run.yml")
        try "scene: \(tarball)\nsamples: \(Fixtures.path("world/samples.csv"))\nout: \(dir.file("out"))\n".write(toFile: config, atomically: true, encoding: .utf8)
        let run = try ChildProcess.regolith(["run", config, "--quiet"])
        #expect(run.status == 1 && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("regolith: /vsitar/\(tarball)/\(product.name)-MSS1.tiff: has no georeferencing") && run.stderr.contains("orthorectify it first"),
                "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))

        let noMSS = try product.pack(to: dir.file("pan-only.tar.gz"), members: ["\(product.name)-PAN1.tiff", "\(product.name)-PAN1.rpb"])
        let calibrate = try ChildProcess.regolith(["calibrate", noMSS, "--out", dir.file("refl.tif")])
        #expect(calibrate.status == 1 && calibrate.stderr.split(separator: "\n").count == 1 && calibrate.stderr.contains("\(noMSS): no multispectral image"),
                "\(calibrate.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("refl.tif")))
    }

    /// A product whose MSS image is georeferenced (the fixture world's, packed as a tarball) goes
    /// through scene lists, folders with a mosaic, `plan` and Slurm shards like any scene.
    @Test func productsGoThroughSceneListsPlansAndShards() throws {
        let dir = try TemporaryDirectory()
        let product = L1AProduct(name: Self.name, folder: Fixtures.path("world"))
        let tarball = try product.pack(to: dir.file("\(Self.name).tar.gz"), members: ["\(Self.name)-MSS1.tiff", "\(Self.name)-MSS1.xml"])
        try "# one product\n\(Self.name).tar.gz\n".write(toFile: dir.file("list.txt"), atomically: true, encoding: .utf8)
        let listed = try ChildProcess.regolith(["ndvi", "@" + dir.file("list.txt"), "--out", dir.file("ndvi"), "--quiet"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir.file("ndvi"))).isSuperset(of: ["\(Self.name)-MSS1.ndvi.tif", "mosaic.ndvi.vrt"]))
        let plan = try ChildProcess.regolith(["plan", tarball, "--tasks", "2", "--unit-rows", "300", "--json"])
        #expect(plan.status == 0 && plan.stdout.contains("\(Self.name)-MSS1.tiff"), "\(plan.stderr)")
        let shard = try ChildProcess.regolith(["ndvi", tarball, "--out", dir.file("units"), "--shard", "1/2", "--unit-rows", "300", "--quiet"])
        #expect(shard.status == 0 && shard.stdout.contains("task 1/2 (--shard): 1 unit(s)"), "\(shard.stdout)\(shard.stderr)")
        let calibrated = try ChildProcess.regolith(["calibrate", tarball, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        let direct = try ChildProcess.regolith(["calibrate", Fixtures.path("world/\(Self.name)-MSS1.tiff"), "--out", dir.file("direct.tif"), "--quiet"])
        #expect(direct.status == 0)
        let window = Window(width: 600, height: 600)
        #expect(try Raster.open(dir.file("refl.tif")).read(window, as: Float.self) == Raster.open(dir.file("direct.tif")).read(window, as: Float.self))
    }
}
