import Foundation
import RasterIO
import Testing
import TestSupport

private let gdalTranslate = ChildProcess.which("gdal_translate")

/// `regolith mosaic-products` on a 2 × 2 synthetic province (`synth --province`, 150-pixel products,
/// one of them cloudy): the region grid, the source band recomputed here from each product's own
/// orthorectified and calibrated scene (`regolith calibrate --dem`, product by product) and the
/// catalogue's facts, and the mosaic's pixels against those scenes.
@Suite("regolith mosaic-products: overlapping products on one region grid, by a documented priority")
struct ProductMosaicCommandTests {
    /// A product as the test knows it: the catalogue's facts and its own calibrated scene.
    struct Product: Sendable {
        let name: String
        let date: Date
        let cloudCover: Double
        let viewAngle: Double
        /// Its calibrated scene's grid and band-sequential reflectance.
        let width: Int
        let height: Int
        let geoTransform: GeoTransform
        let reflectance: [Float]
        /// A mosaic's per-pixel cloud screen (`--cloud-reflectance`): a pixel brighter in blue has no data.
        var cloudReflectance: Float? = nil
        var pixelCount: Int { width * height }
        var extent: MapExtent { geoTransform.extent(width: width, height: height) }

        func hasData(column: Int, row: Int) -> Bool {
            guard column >= 0, row >= 0, column < width, row < height else { return false }
            if let cloudReflectance, reflectance[row * width + column] > cloudReflectance { return false }
            return (0..<4).allSatisfy { reflectance[$0 * pixelCount + row * width + column] != -9999 }
        }
    }

    struct Province: Sendable {
        let folder: TemporaryDirectory
        let catalogue: String
        let dem: String
        /// In the catalogue's order.
        let products: [Product]
    }

    /// Written once per test process: synth (about 1 s) and each product calibrated alone on the
    /// region's UTM zone (about 0.5 s each).
    static let province: Result<Province, any Error> = Result {
        let folder = try TemporaryDirectory("regolith-product-mosaic")
        let out = folder.file("province")
        let synth = try ChildProcess.regolith(["synth", "--province", "2x2", "--width", "150", "--height", "150", "--seed", "5",
                                               "--samples", "40", "--out", out, "--quiet"])
        guard synth.status == 0 else { throw TestSupportError("synth --province failed: \(synth.stderr)") }
        let catalogue = (out as NSString).appendingPathComponent("catalogue.json")
        let dem = (out as NSString).appendingPathComponent("dem.tif")
        let products = try calibratedProducts(catalogue: catalogue, dem: dem, into: folder)
        return Province(folder: folder, catalogue: catalogue, dem: dem, products: products)
    }

    /// Each product of a `synth --province` catalogue with its facts, calibrated alone (`regolith
    /// calibrate --dem`, on the region's UTM zone) into `folder`; `calibrate`: further options.
    static func calibratedProducts(catalogue: String, dem: String, into folder: TemporaryDirectory, calibrate: [String] = []) throws -> [Product] {
        let base = (catalogue as NSString).deletingLastPathComponent
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: catalogue))) as! [String: Any]
        return try (json["features"] as! [[String: Any]]).map { item -> Product in
            let properties = item["properties"] as! [String: Any]
            let href = ((item["assets"] as! [String: Any])["product"] as! [String: Any])["href"] as! String
            let name = item["id"] as! String
            let calibrated = folder.file("\(name).tif")
            let result = try ChildProcess.regolith(["calibrate", (base as NSString).appendingPathComponent(href), "--dem", dem,
                                                    "--t-srs", "EPSG:32648", "--out", calibrated, "--quiet"] + calibrate)
            guard result.status == 0 else { throw TestSupportError("calibrate \(name) failed: \(result.stderr)") }
            let raster = try Raster.open(calibrated)
            return Product(name: name, date: ISO8601DateFormatter().date(from: properties["datetime"] as! String)!,
                           cloudCover: (properties["eo:cloud_cover"] as! NSNumber).doubleValue,
                           viewAngle: (properties["view:incidence_angle"] as! NSNumber).doubleValue,
                           width: raster.width, height: raster.height, geoTransform: raster.geoTransform!,
                           reflectance: try raster.read(raster.fullWindow, as: Float.self))
        }
    }

    /// The README's rule, written out again: catalogue indices best first by the keys in order
    /// (cloud cover, distance of the date from the target, view angle), ties by name.
    static func ranking(_ products: [Product], keys: [String], target: Date?) -> [Int] {
        let dates = products.map(\.date.timeIntervalSince1970).sorted()
        let median = dates.count % 2 == 1 ? dates[dates.count / 2] : (dates[dates.count / 2 - 1] + dates[dates.count / 2]) / 2
        let reference = target?.timeIntervalSince1970 ?? median
        func value(_ key: String, _ product: Product) -> Double {
            switch key {
            case "cloud": product.cloudCover
            case "date": abs(product.date.timeIntervalSince1970 - reference)
            default: product.viewAngle
            }
        }
        return products.indices.sorted { a, b in
            for key in keys where value(key, products[a]) != value(key, products[b]) { return value(key, products[a]) < value(key, products[b]) }
            return products[a].name < products[b].name
        }
    }

    /// Each product's offset on a grid (whole pixels: both are aligned to 4 m).
    static func offsets(_ products: [Product], on grid: GeoTransform) -> [(column: Int, row: Int)] {
        products.map { product in
            let transform = product.geoTransform
            return (Int(((transform.originX - grid.originX) / 4).rounded()), Int(((grid.originY - transform.originY) / 4).rounded()))
        }
    }

    /// The source band the rule gives on `grid` (`width` × `height`).
    static func expectedSource(_ products: [Product], ranking: [Int], grid: GeoTransform, width: Int, height: Int) -> [UInt16] {
        let offsets = offsets(products, on: grid)
        var source = [UInt16](repeating: 0, count: width * height)
        for row in 0..<height {
            for column in 0..<width {
                if let best = ranking.first(where: { products[$0].hasData(column: column - offsets[$0].column, row: row - offsets[$0].row) }) {
                    source[row * width + column] = UInt16(best + 1)
                }
            }
        }
        return source
    }

    /// Runs the command into a new folder; the reflectance and source rasters.
    static func mosaic(_ extra: [String] = []) throws -> (folder: TemporaryDirectory, reflectance: Raster, source: Raster) {
        let province = try province.get()
        let folder = try TemporaryDirectory("regolith-mosaic-run")
        let out = folder.file("mosaic.tif")
        let result = try ChildProcess.regolith(["mosaic-products", province.catalogue, "--dem", province.dem, "--out", out, "--quiet"] + extra)
        guard result.status == 0 else { throw TestSupportError("mosaic-products failed: \(result.stderr)") }
        // The products' views, made first beside the mosaic, are gone once it is finished.
        guard !FileManager.default.fileExists(atPath: folder.file("mosaic.products")) else { throw TestSupportError("mosaic-products left its views in \(folder.file("mosaic.products"))") }
        return (folder, try Raster.open(out), try Raster.open(folder.file("mosaic.source.tif")))
    }

    @Test func gridIsPixelAlignedOnTheRegionsUTMZoneAndCoversEveryProduct() throws {
        let products = try Self.province.get().products
        let (_, reflectance, source) = try Self.mosaic()
        let grid = try #require(reflectance.geoTransform)
        #expect(grid.pixelWidth == 4 && grid.pixelHeight == -4)
        #expect(grid.originX.truncatingRemainder(dividingBy: 4) == 0 && grid.originY.truncatingRemainder(dividingBy: 4) == 0)
        // The province is at 107.2° E, 22.5° N: UTM zone 48N.
        #expect(reflectance.spatialReference?.epsg == 32648)
        #expect(source.geoTransform == grid && source.width == reflectance.width && source.height == reflectance.height)
        // The smallest aligned grid holding every product's orthorectified extent: their union.
        let extents = products.map(\.extent)
        let region = try #require(reflectance.extent)
        #expect(region.minX == extents.map(\.minX).min() && region.maxX == extents.map(\.maxX).max())
        #expect(region.minY == extents.map(\.minY).min() && region.maxY == extents.map(\.maxY).max())
        #expect(reflectance.bandCount == 4 && reflectance.bands.allSatisfy { $0.pixelType == .float32 && $0.nodata == -9999 })
        #expect(source.bandCount == 1 && source.bands[0].pixelType == .uint16 && source.bands[0].nodata == 0)
        #expect(source.bands[0].description.contains("1-based index into the catalogue"))
        for (k, product) in products.enumerated() { #expect(source.metadataItem("MOSAIC_SOURCE_\(k + 1)") == product.name) }
    }

    /// Measured: equal at every pixel for each order, whatever the tiling; the date-first order with a
    /// target date in December 2015 puts that month's product first.
    @Test(arguments: [("cloud,date,view", nil, []), ("cloud,date,view", nil, ["--tile-size", "256", "--threads", "2"]),
                      ("view,date,cloud", nil, []), ("date,cloud,view", "2015-12-01", []), ("view", nil, [])] as [(String, String?, [String])])
    func sourceBandIsThePriorityAtEveryPixel(priority: String, targetDate: String?, engine: [String]) throws {
        let products = try Self.province.get().products
        let (_, reflectance, source) = try Self.mosaic(["--priority", priority] + (targetDate.map { ["--target-date", $0] } ?? []) + engine)
        let target = targetDate.map { ISO8601DateFormatter().date(from: $0 + "T00:00:00Z")! }
        let ranking = Self.ranking(products, keys: priority.split(separator: ",").map(String.init), target: target)
        #expect(source.metadataItem("MOSAIC_RANKING") == ranking.map { String($0 + 1) }.joined(separator: ","))
        #expect(source.metadataItem("MOSAIC_PRIORITY") == priority)
        let expected = Self.expectedSource(products, ranking: ranking, grid: reflectance.geoTransform!, width: source.width, height: source.height)
        let actual = try source.read(source.fullWindow, as: UInt16.self)
        let wrong = zip(actual, expected).filter { $0 != $1 }.count
        #expect(wrong == 0, "\(wrong) of \(actual.count) pixels from another product than the rule's")
        // Every product is somewhere the best, and a few pixels have none (the grid's corners).
        #expect(Set(actual) == Set(0...UInt16(products.count)))
    }

    @Test func changingThePriorityOrderChangesTheSourceBandWhereTheRankingsDisagree() throws {
        let products = try Self.province.get().products
        let (_, reflectance, cloudFirst) = try Self.mosaic(["--priority", "cloud,date,view"])
        let (_, _, viewFirst) = try Self.mosaic(["--priority", "view,date,cloud"])
        let grid = reflectance.geoTransform!
        let expectedA = Self.expectedSource(products, ranking: Self.ranking(products, keys: ["cloud", "date", "view"], target: nil),
                                            grid: grid, width: cloudFirst.width, height: cloudFirst.height)
        let expectedB = Self.expectedSource(products, ranking: Self.ranking(products, keys: ["view", "date", "cloud"], target: nil),
                                            grid: grid, width: cloudFirst.width, height: cloudFirst.height)
        let a = try cloudFirst.read(cloudFirst.fullWindow, as: UInt16.self), b = try viewFirst.read(viewFirst.fullWindow, as: UInt16.self)
        let changed = a.indices.filter { a[$0] != b[$0] }
        // The province's view angles do not follow its cloud and dates, so the orders disagree in overlaps.
        #expect(!changed.isEmpty)
        #expect(changed == expectedA.indices.filter { expectedA[$0] != expectedB[$0] })
    }

    /// Measured: identical (0) to each product's own `calibrate --dem` on the region's CRS, at every
    /// pixel it is chosen for, overlaps included; 1e-6 relative allowed.
    @Test func pixelsAreTheChosenProductsOwnOrthorectifiedCalibratedPixels() throws {
        let products = try Self.province.get().products
        let (_, reflectance, source) = try Self.mosaic()
        let values = try reflectance.read(reflectance.fullWindow, as: Float.self)
        let sources = try source.read(source.fullWindow, as: UInt16.self)
        let offsets = Self.offsets(products, on: reflectance.geoTransform!)
        let n = reflectance.width * reflectance.height
        var largest = 0.0, compared = 0, overlapping = 0
        for row in 0..<reflectance.height {
            for column in 0..<reflectance.width {
                let i = row * reflectance.width + column
                let covering = products.indices.filter { products[$0].hasData(column: column - offsets[$0].column, row: row - offsets[$0].row) }
                if covering.count > 1 { overlapping += 1 }
                guard sources[i] > 0 else {
                    #expect(covering.isEmpty && (0..<4).allSatisfy { values[$0 * n + i] == -9999 })
                    continue
                }
                let k = Int(sources[i]) - 1, product = products[k]
                let (c, r) = (column - offsets[k].column, row - offsets[k].row)
                for band in 0..<4 {
                    let theirs = Double(product.reflectance[band * product.pixelCount + r * product.width + c])
                    largest = max(largest, abs(Double(values[band * n + i]) - theirs) / max(abs(theirs), 1e-6))
                }
                compared += 1
            }
        }
        #expect(largest <= 1e-6, "largest relative difference \(largest)")
        #expect(overlapping > 1000 && compared > 30_000, "\(overlapping) overlapping pixels, \(compared) compared")
    }

    /// `--feather F`: a pixel within F pixels of another product's area blends that product in,
    /// weighted F + 1 − d against F + 1 (d the Euclidean distance to that area), recomputed here from
    /// the rule's source band and each product's own calibrated scene. Measured: 1918 pixels blended,
    /// largest relative difference 1.4e-7 (Float sums); 1e-6 allowed. Elsewhere, and in the source
    /// band, as without it.
    @Test func featheredSeamsBlendByDistanceAndTilingDoesNotMatter() throws {
        let products = try Self.province.get().products
        let feather = 3
        let (_, plain, plainSource) = try Self.mosaic()
        let (_, feathered, featheredSource) = try Self.mosaic(["--feather", "\(feather)"])
        let (_, tiled, _) = try Self.mosaic(["--feather", "\(feather)", "--tile-size", "256", "--threads", "2"])
        let (width, height) = (plain.width, plain.height), n = width * height
        #expect(width > 256 && height > 256, "the region must span several 256-pixel tiles")
        let source = try plainSource.read(plainSource.fullWindow, as: UInt16.self)
        #expect(try featheredSource.read(featheredSource.fullWindow, as: UInt16.self) == source)
        let values = try feathered.read(feathered.fullWindow, as: Float.self)
        #expect(try tiled.read(tiled.fullWindow, as: Float.self) == values)
        let hard = try plain.read(plain.fullWindow, as: Float.self)
        let offsets = Self.offsets(products, on: plain.geoTransform!)
        func reflectance(_ k: Int, _ band: Int, column: Int, row: Int) -> Double? {
            let (c, r) = (column - offsets[k].column, row - offsets[k].row)
            guard products[k].hasData(column: c, row: r) else { return nil }
            return Double(products[k].reflectance[band * products[k].pixelCount + r * products[k].width + c])
        }
        var blended = 0, largest = 0.0
        for row in 0..<height {
            for column in 0..<width {
                let i = row * width + column, own = Int(source[i])
                guard own > 0 else { continue }
                var nearest: [Int: Double] = [:]
                for dy in -feather...feather {
                    for dx in -feather...feather {
                        let (x, y) = (column + dx, row + dy)
                        guard x >= 0, y >= 0, x < width, y < height else { continue }
                        let other = Int(source[y * width + x]), distance = Double(dx * dx + dy * dy).squareRoot()
                        guard other > 0, other != own, distance <= Double(feather) else { continue }
                        nearest[other] = min(nearest[other] ?? distance, distance)
                    }
                }
                let others = nearest.filter { reflectance($0.key - 1, 0, column: column, row: row) != nil }
                if others.isEmpty {
                    #expect((0..<4).allSatisfy { values[$0 * n + i] == hard[$0 * n + i] })
                    continue
                }
                blended += 1
                for band in 0..<4 {
                    var sum = Double(feather + 1) * reflectance(own - 1, band, column: column, row: row)!, total = Double(feather + 1)
                    for (other, distance) in others {
                        sum += (Double(feather + 1) - distance) * reflectance(other - 1, band, column: column, row: row)!
                        total += Double(feather + 1) - distance
                    }
                    let expected = sum / total
                    largest = max(largest, abs(Double(values[band * n + i]) - expected) / max(abs(expected), 1e-6))
                }
            }
        }
        #expect(blended > 1000, "only \(blended) pixels blended")
        #expect(largest <= 1e-6, "largest relative difference \(largest)")
    }

    @Test func aFinishedMosaicRemovesItsViewsAndNothingElse() throws {
        let province = try Self.province.get()
        let folder = try TemporaryDirectory("regolith-mosaic-views")
        let out = folder.file("mosaic.tif"), views = folder.file("mosaic.products")
        try FileManager.default.createDirectory(atPath: views, withIntermediateDirectories: true)
        try "someone else's".write(toFile: "\(views)/notes.txt", atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["mosaic-products", province.catalogue, "--dem", province.dem, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: views) == ["notes.txt"])
    }

    @Test(.enabled(if: gdalTranslate != nil, "needs gdal_translate (tools/install-deps.sh installs gdal-bin)"),
          arguments: ["no products", "DEM not covering", "bad --t-srs"])
    func badInputIsOneLineAndLeavesNothing(problem: String) throws {
        let province = try Self.province.get()
        let folder = try TemporaryDirectory("regolith-mosaic-bad")
        var catalogue = province.catalogue, dem = province.dem, extra: [String] = [], expected = "", status: Int32 = 1
        switch problem {
        case "no products":
            catalogue = folder.file("empty")
            try FileManager.default.createDirectory(atPath: catalogue, withIntermediateDirectories: true)
            expected = "\(catalogue): holds no GF-2 product"
        case "DEM not covering":
            dem = folder.file("small-dem.tif")
            let cut = try ChildProcess.run(gdalTranslate!, ["-q", "-srcwin", "0", "0", "40", "40", province.dem, dem])
            #expect(cut.status == 0, "\(cut.stderr)")
            expected = "\(dem): the DEM does not cover the scene"
        default:
            extra = ["--t-srs", "EPSG:999999"]
            expected = "--t-srs 'EPSG:999999' is not a CRS GDAL knows"
            status = 2
        }
        let out = folder.file("mosaic.tif")
        let result = try ChildProcess.regolith(["mosaic-products", catalogue, "--dem", dem, "--out", out, "--quiet"] + extra)
        #expect(result.status == status)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: folder.file("mosaic.source.tif"))
                && !FileManager.default.fileExists(atPath: folder.file("mosaic.products/0.tif")))
    }
}
