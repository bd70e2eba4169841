import Foundation
import Inversion
import RasterIO
import Testing
import TestSupport

@Suite("GF-2 products: tarball, folder or image, found by CRESDA's naming")
struct GF2ProductTests {
    @Test func locatesTheImagesOfATarballInPlace() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("unpacked"))
        let tarball = try product.pack(to: dir.file("\(product.name).tar.gz"))
        let located = try GF2Product.locate(tarball)
        let root = "/vsitar/\(tarball)"
        #expect(located.name == product.name && located.source == tarball)
        #expect(located.mss == ProductImage(raster: "\(root)/\(product.name)-MSS1.tiff", rpc: "\(root)/\(product.name)-MSS1.rpb",
                                            metadata: "\(root)/\(product.name)-MSS1.xml"))
        #expect(located.pan == ProductImage(raster: "\(root)/\(product.name)-PAN1.tiff", rpc: "\(root)/\(product.name)-PAN1.rpb",
                                            metadata: "\(root)/\(product.name)-PAN1.xml"))
        // Read in place: GDAL opens the member and finds the .rpb beside it; the XML reads through VSI.
        let mss = try Raster.open(located.mss.raster)
        #expect(mss.width == 600 && mss.bandCount == 4 && mss.geoTransform == nil)
        #expect(mss.metadataItem("LINE_OFF", domain: "RPC").flatMap(Double.init) == 299.5)
        let metadata = try GF2Metadata.read(try #require(located.mss.metadata))
        #expect(metadata.sensorID == "PMS1" && metadata.widthInPixels == 600)
        #expect(try GF2Metadata.read(try #require(located.pan?.metadata)).widthInPixels == 600 * L1AProduct.panFactor)
        #expect(dir.contents() == ["\(product.name).tar.gz", "unpacked"], "nothing unpacked beside the tarball")
        // A plain .tar and a member's own path locate the same images.
        let plain = try GF2Product.locate(try product.pack(to: dir.file("plain.tar")))
        #expect(plain.mss.raster == "/vsitar/\(dir.file("plain.tar"))/\(product.name)-MSS1.tiff")
        #expect(try GF2Product.locate(located.mss.raster).mss == located.mss)
        // A tarball that holds the product's folder.
        let nested = dir.file("nested.tar.gz")
        #expect(try ChildProcess.run("/bin/tar", ["-czf", nested, "-C", dir.path, "unpacked"]).status == 0)
        let inFolder = try GF2Product.locate(nested)
        #expect(inFolder.mss.raster == "/vsitar/\(nested)/unpacked/\(product.name)-MSS1.tiff"
                && inFolder.pan?.rpc == "/vsitar/\(nested)/unpacked/\(product.name)-PAN1.rpb")
    }

    @Test func locatesTheImagesOfAFolderAndOfOneImage() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("product"))
        let expectedMSS = ProductImage(raster: product.mss, rpc: product.mssRPC, metadata: product.mssXML)
        let expectedPAN = ProductImage(raster: product.pan, rpc: product.panRPC, metadata: product.panXML)
        for path in [product.folder, product.mss, product.pan] {
            let located = try GF2Product.locate(path)
            #expect(located.mss == expectedMSS && located.pan == expectedPAN, "\(path)")
        }
        try FileManager.default.removeItem(atPath: product.pan)
        #expect(try GF2Product.locate(product.folder).pan == nil)
        #expect(try GF2Product.locate(product.mss).pan == nil)
        // A scene that is no product stays what it is, with the XML of its name.
        let other = try TestRasters.write(dir.file("scene.tif"), width: 8, height: 8, bands: 4)
        #expect(try GF2Product.sceneImage(other) == ProductImage(raster: other, metadata: dir.file("scene.xml")))
        #expect(try GF2Product.sceneImage(product.folder) == expectedMSS)
    }

    /// Each refusal is one line naming the product and the problem.
    @Test func badProductsAreRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("product"))
        let name = product.name
        let noMSS = try product.pack(to: dir.file("no-mss.tar.gz"), members: ["\(name)-PAN1.tiff", "\(name)-PAN1.rpb", "\(name)-PAN1.xml"])
        let noRPC = try product.pack(to: dir.file("no-rpc.tar.gz"), members: ["\(name)-MSS1.tiff", "\(name)-MSS1.xml"])
        // The PAN of another product: the same pixels under another product id.
        let otherName = name.replacingOccurrences(of: "L1A0005218441", with: "L1A0005299999")
        for suffix in ["PAN1.tiff", "PAN1.rpb", "PAN1.xml"] {
            try FileManager.default.copyItem(atPath: "\(product.folder)/\(name)-\(suffix)", toPath: "\(product.folder)/\(otherName)-\(suffix)")
        }
        let mixed = try product.pack(to: dir.file("mixed.tar.gz"), members: ["\(name)-MSS1.tiff", "\(name)-MSS1.rpb", "\(otherName)-PAN1.tiff"])
        try FileManager.default.copyItem(atPath: product.mss, toPath: "\(product.folder)/\(name)-MSS2.tiff")
        let twoMSS = try product.pack(to: dir.file("two-mss.tar"), members: ["\(name)-MSS1.tiff", "\(name)-MSS2.tiff"])
        try Data("not a tar archive".utf8).write(to: URL(fileURLWithPath: dir.file("broken.tar.gz")))
        let cases: [(String, String)] = [
            (noMSS, "no multispectral image (…-MSS1.tiff or …-MSS2.tiff) in the product; it holds \(name)-PAN1.rpb"),
            ("/vsitar/\(noRPC)/\(name)-MSS1.tiff", "is in sensor geometry (no georeferencing) and has no RPC (/vsitar/\(noRPC)/\(name)-MSS1.rpb is missing)"),
            (mixed, "the PAN image \(otherName)-PAN1.tiff and the MSS image \(name)-MSS1.tiff are of different products"),
            (twoMSS, "holds 2 multispectral (MSS) images"),
            (dir.file("broken.tar.gz"), "not a tar archive GDAL can read"),
            (dir.file("missing.tar.gz"), "no such file"),
            (dir.file("samples.csv"), "not a GF-2 product"),
        ]
        for (path, expected) in cases {
            let error = #expect(throws: InversionError.self) { try GF2Product.locate(path) }
            let message = error?.description ?? ""
            #expect(message.contains(expected) && !message.contains("\n"), "\(path): \(message)")
        }
        // The tarball itself is named when its MSS has no RPC.
        let error = #expect(throws: InversionError.self) { try GF2Product.locate(noRPC) }
        #expect(error?.description.contains("has no RPC") == true)
    }

    /// Listings and XML are bounded: an absurd folder or metadata file is refused, not read.
    @Test func absurdListingsAndMetadataAreRefusedUnread() throws {
        let dir = try TemporaryDirectory()
        let crowded = dir.file("crowded")
        try FileManager.default.createDirectory(atPath: crowded, withIntermediateDirectories: true)
        for index in 0...GF2Product.largestListing {
            _ = FileManager.default.createFile(atPath: "\(crowded)/f\(index)", contents: nil)
        }
        let listing = #expect(throws: InversionError.self) { try GF2Product.locate(crowded) }
        #expect(listing?.description.contains("holds more than \(GF2Product.largestListing) entries") == true, "\(listing?.description ?? "")")

        let product = L1AProduct(name: "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441", folder: dir.file("product"))
        try FileManager.default.createDirectory(atPath: product.folder, withIntermediateDirectories: true)
        let xml = try String(contentsOfFile: Fixtures.path("world/\(product.name)-MSS1.xml"), encoding: .utf8)
        try (xml + String(repeating: " ", count: GF2Metadata.largestFile)).write(toFile: product.mssXML, atomically: true, encoding: .utf8)
        let tarball = try product.pack(to: dir.file("big-xml.tar.gz"), members: ["\(product.name)-MSS1.xml"])
        let member = "/vsitar/\(tarball)/\(product.name)-MSS1.xml"
        let error = #expect(throws: MetadataError.self) { try GF2Metadata.read(member) }
        #expect(error?.description == "\(member): is \(xml.utf8.count + GF2Metadata.largestFile) bytes; a GF-2 metadata file is a few KiB (at most \(GF2Metadata.largestFile) bytes read)")
        let missing = #expect(throws: MetadataError.self) { try GF2Metadata.read("/vsitar/\(tarball)/none.xml") }
        #expect(missing?.message == "no such file")
    }

    /// The fitted RPC maps the L1A image back onto the fixture's grid: GDAL's RPC transformer
    /// (through gdalwarp) puts every pixel where the georeferenced fixture has it.
    @Test(.enabled(if: ChildProcess.which("gdalwarp") != nil, "gdalwarp (gdal-bin) is installed by make test"))
    func theTestProductsRPCReproducesTheFixtureGrid() throws {
        let dir = try TemporaryDirectory()
        let product = try L1AProduct.build(in: dir.file("product"))
        let world = Fixtures.path("world")
        let fixture = (world as NSString).appendingPathComponent("\(product.name)-MSS1.tiff")
        let grid = try #require(try Raster.open(fixture).geoTransform)
        let extent = grid.extent(width: 600, height: 600)
        let warped = dir.file("warped.tif")
        let result = try ChildProcess.run(ChildProcess.which("gdalwarp")!, [
            "-q", "-rpc", "-t_srs", "EPSG:32648", "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
            "-ts", "600", "600", "-r", "near", product.mss, warped])
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try Raster.open(warped).read(Window(width: 600, height: 600), bands: [1], as: UInt16.self)
        let theirs = try Raster.open(fixture).read(Window(width: 600, height: 600), bands: [1], as: UInt16.self)
        // Measured: every pixel identical (nearest neighbour, the affine fit is within 1e-3 pixel).
        let differing = zip(ours, theirs).filter { $0 != $1 }.count
        #expect(differing <= 600, "\(differing) of 360000 pixels differ")
    }
}
