import Foundation
import Inversion
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// `regolith synth --province`: R × C overlapping L1A products over one world, run as a user runs
/// it, and read back through Regolith's own product reader (`GF2Product`, `GF2Metadata`), GDAL
/// and the catalogue's JSON.
@Suite("regolith synth --province: overlapping L1A products over one world")
struct ProvinceTests {
    /// A 3 × 3 province of small products, written once per test process.
    static let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("regolith-province-\(getpid())")
    static let written: Result<ChildProcessResult, any Error> = {
        atexit { try? FileManager.default.removeItem(atPath: ProvinceTests.folder) }
        return Result {
            try ChildProcess.regolith(["synth", "--province", "3x3", "--width", "128", "--height", "112", "--seed", "5",
                                       "--samples", "90", "--out", folder])
        }
    }()

    struct Product {
        let name: String
        let file: String
        let window: Window
        let calibrationYear: Int
        let gains: [Double]
        let metadata: GF2Metadata
        let mss: String
    }

    /// The province's description and each product as Regolith reads it.
    static func province() throws -> (description: [String: Any], products: [Product]) {
        let result = try written.get()
        guard result.status == 0 else { throw TestSupportError("synth --province failed: \(result.stderr)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("province.json")))
        let description = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let products = try (description["products"] as! [[String: Any]]).map { entry in
            let file = (folder as NSString).appendingPathComponent(entry["file"] as! String)
            let product = try GF2Product.locate(file)
            let window = entry["window"] as! [Int]
            return Product(name: entry["name"] as! String, file: file, window: Window(x: window[0], y: window[1], width: window[2], height: window[3]),
                           calibrationYear: entry["calibrationYear"] as! Int, gains: entry["gains"] as! [Double],
                           metadata: try GF2Metadata.read(product.mss.metadata!), mss: product.mss.raster)
        }
        return (description, products)
    }

    @Test func writesNineProductsThatOverlapTheirNeighbours() throws {
        let (description, products) = try Self.province()
        #expect(products.count == 9)
        #expect(Set(products.map(\.name)).count == 9)
        let overlap = description["overlap"] as! [Int]
        // 12 % of 128 and 112 pixels.
        #expect(overlap == [15, 13])
        for (k, product) in products.enumerated() {
            let right = k % 3 < 2 ? products[k + 1] : nil, below = k / 3 < 2 ? products[k + 3] : nil
            if let right { #expect(product.window.intersection(right.window).width == overlap[0]) }
            if let below { #expect(product.window.intersection(below.window).height == overlap[1]) }
            // The images themselves overlap on the ground: their XML footprints (lon/lat) intersect by more than the window overlap's width.
            for neighbour in [right, below].compactMap({ $0 }) {
                let a = product.metadata, b = neighbour.metadata
                let (aWest, aEast) = (min(a.topLeft.longitude, a.bottomLeft.longitude), max(a.topRight.longitude, a.bottomRight.longitude))
                let (bWest, bEast) = (min(b.topLeft.longitude, b.bottomLeft.longitude), max(b.topRight.longitude, b.bottomRight.longitude))
                let (aSouth, aNorth) = (min(a.bottomLeft.latitude, a.bottomRight.latitude), max(a.topLeft.latitude, a.topRight.latitude))
                let (bSouth, bNorth) = (min(b.bottomLeft.latitude, b.bottomRight.latitude), max(b.topLeft.latitude, b.topRight.latitude))
                #expect(min(aEast, bEast) > max(aWest, bWest) && min(aNorth, bNorth) > max(aSouth, bSouth), "\(product.name) and \(neighbour.name)")
            }
            // Each MSS image is an L1A image: no georeferencing, an RPC.
            let raster = try Raster.open(product.mss)
            #expect(raster.geoTransform == nil && raster.bandCount == 4 && !raster.metadata(domain: "RPC").isEmpty)
        }
        // One truth grid for the region: 3 products less 2 overlaps across and down.
        let zones = try Raster.open((Self.folder as NSString).appendingPathComponent("truth/zones.tif"))
        #expect(zones.width == 3 * 128 - 2 * 15 && zones.height == 3 * 112 - 2 * 13)
        #expect(description["width"] as? Int == zones.width)
        let dem = try Raster.open((Self.folder as NSString).appendingPathComponent("dem.tif"))
        #expect(dem.width > zones.width && dem.height > zones.height)
    }

    @Test func eachProductHasItsOwnDateSunAndCalibration() throws {
        let (_, products) = try Self.province()
        #expect(Set(products.map(\.metadata.receiveTime)).count == 9)
        #expect(Set(products.map(\.metadata.solarZenith)).count == 9)
        #expect(Set(products.map(\.metadata.satelliteZenith)).count == 9)
        #expect(Set(products.map(\.calibrationYear)).count == 4)
        for product in products {
            // The XML's date selects the calibration the DNs were made with.
            #expect(product.metadata.year == product.calibrationYear, "\(product.name)")
            let row = try CalibrationTable.lookup(satellite: product.metadata.satelliteID, sensor: product.metadata.sensorID,
                                                  year: product.metadata.year)
            #expect(row.year == product.calibrationYear && row.gains == product.gains, "\(product.name)")
            #expect(product.name.contains(String(format: "_%04d", product.calibrationYear)))
        }
        for (year, gains) in SyntheticProvince.pms1Gains {
            let row = try CalibrationTable.lookup(satellite: "GF2", sensor: "PMS1", year: year)
            #expect(row.year == year && row.gains == gains && row.offsets.allSatisfy { $0 == 0 })
        }
    }

    /// One product is cloudy: its XML says how much, and its pixels show bright cloud about there;
    /// the others are clear in both.
    @Test func oneProductIsCloudyInItsXMLAndItsPixels() throws {
        let (description, products) = try Self.province()
        let percents = products.map { Int($0.metadata.otherTags.first { $0.tag == "CloudPercent" }!.value)! }
        let cloudy = try #require(percents.firstIndex { $0 > 0 })
        #expect(percents.filter { $0 > 0 }.count == 1)
        #expect(description["cloudyProduct"] as? String == products[cloudy].name)
        for (k, product) in products.enumerated() {
            let raster = try Raster.open(product.mss)
            let blue = try raster.read(raster.fullWindow, bands: [1], as: UInt16.self)
            let valid = blue.filter { $0 > 0 }
            // Bare crust's blue DN is about 200–300 here; cloud at half opacity about 900.
            let bright = 100 * Double(valid.filter { $0 > 700 }.count) / Double(valid.count)
            if k == cloudy {
                #expect(bright > Double(percents[k]) / 2 && bright < Double(percents[k]) * 2 + 5, "\(bright) % bright, XML \(percents[k]) %")
            } else {
                #expect(bright < 1, "\(product.name): \(bright) % bright pixels in a clear product")
            }
        }
    }

    /// Each product's XML date selects the calibration its DNs were made with, and its sun the
    /// illumination: calibrated and orthorectified (`regolith calibrate --dem`), clear neighbours
    /// agree on the reflectance of the ground they share, whatever their years and sun.
    @Test func calibratedNeighboursAgreeOnTheirOverlap() throws {
        let (description, products) = try Self.province()
        let cloudy = description["cloudyProduct"] as! String
        let dir = try TemporaryDirectory()
        let dem = (Self.folder as NSString).appendingPathComponent("dem.tif")
        var calibrated: [Int: Raster] = [:]
        // The north-west 2 × 2 block of the 3 × 3 province, clear products only.
        for k in [0, 1, 3, 4] where products[k].name != cloudy {
            let result = try ChildProcess.regolith(["calibrate", products[k].file, "--dem", dem, "--out", dir.file("\(k).tif"), "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            calibrated[k] = try Raster.open(dir.file("\(k).tif"))
        }
        var pairs = 0
        for (a, b) in [(0, 1), (0, 3), (1, 4), (3, 4), (0, 4), (1, 3)] {
            guard let ra = calibrated[a], let rb = calibrated[b] else { continue }
            let ga = try #require(ra.geoTransform).coefficients, gb = try #require(rb.geoTransform).coefficients
            // One pixel-aligned 4 m grid: the overlap is a window of each.
            let x0 = max(ga[0], gb[0]), x1 = min(ga[0] + 4 * Double(ra.width), gb[0] + 4 * Double(rb.width))
            let y1 = min(ga[3], gb[3]), y0 = max(ga[3] - 4 * Double(ra.height), gb[3] - 4 * Double(rb.height))
            guard x1 > x0, y1 > y0 else { continue }
            let width = Int(((x1 - x0) / 4).rounded()), height = Int(((y1 - y0) / 4).rounded())
            func window(_ g: [Double]) -> Window { Window(x: Int(((x0 - g[0]) / 4).rounded()), y: Int(((g[3] - y1) / 4).rounded()), width: width, height: height) }
            let va = try ra.read(window(ga), as: Float.self), vb = try rb.read(window(gb), as: Float.self)
            let n = width * height
            for band in 0..<4 {
                let ratios = (0..<n).compactMap { i -> Double? in
                    let x = va[band * n + i], y = vb[band * n + i]
                    return x > 0 && y > 0 ? Double(x / y) : nil
                }.sorted()
                guard ratios.count > 500 else { continue }
                // Measured: median ratios 0.9997–1.0026 on a 2 × 2 province (per-pixel noise and resampling
                // scatter them ±5 %); a wrong calibration year is off by 2–11 % in some band.
                let median = ratios[ratios.count / 2]
                #expect(abs(median - 1) < 0.02, "products \(a) and \(b), band \(band + 1): median reflectance ratio \(median)")
                pairs += 1
            }
        }
        #expect(pairs >= 8)
    }

    @Test func theCatalogueListsEveryProduct() throws {
        let (_, products) = try Self.province()
        let data = try Data(contentsOf: URL(fileURLWithPath: (Self.folder as NSString).appendingPathComponent("catalogue.json")))
        let catalogue = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(catalogue["type"] as? String == "FeatureCollection")
        let items = catalogue["features"] as! [[String: Any]]
        #expect(items.map { $0["id"] as! String } == products.map(\.name))
        let times = ISO8601DateFormatter()
        for (item, product) in zip(items, products) {
            let properties = item["properties"] as! [String: Any]
            #expect(times.date(from: properties["datetime"] as! String) == product.metadata.receiveTime)
            let percent = Double(product.metadata.otherTags.first { $0.tag == "CloudPercent" }!.value)!
            #expect(properties["eo:cloud_cover"] as? Double == percent)
            #expect(properties["view:incidence_angle"] as? Double == product.metadata.satelliteZenith)
            let offNadir = try #require(properties["view:off_nadir"] as? Double)
            #expect(offNadir < product.metadata.satelliteZenith && offNadir > 0.85 * product.metadata.satelliteZenith)
            let href = ((item["assets"] as! [String: Any])["product"] as! [String: Any])["href"] as! String
            #expect(URL(fileURLWithPath: href, relativeTo: URL(fileURLWithPath: Self.folder + "/")).standardizedFileURL.path
                    == URL(fileURLWithPath: product.file).standardizedFileURL.path)
            let ring = ((item["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])[0]
            #expect(ring.count == 5 && ring.first == ring.last)
            #expect(ring[0] == [product.metadata.topLeft.longitude, product.metadata.topLeft.latitude])
        }
    }

    /// Both true zones straddle product borders: each touches several products' windows and lies
    /// wholly inside none.
    @Test func zonesStraddleProductBorders() throws {
        let (_, products) = try Self.province()
        let zones = try Raster.open((Self.folder as NSString).appendingPathComponent("truth/zones.tif"))
        let values = try zones.read(zones.fullWindow, as: UInt8.self)
        for zone: UInt8 in [1, 2] {
            let pixels = values.indices.filter { values[$0] == zone }.map { (x: $0 % zones.width, y: $0 / zones.width) }
            #expect(pixels.count > 50, "zone \(zone): \(pixels.count) pixels")
            func holds(_ w: Window, _ p: (x: Int, y: Int)) -> Bool { p.x >= w.x && p.x < w.maxX && p.y >= w.y && p.y < w.maxY }
            let touching = products.filter { product in pixels.contains { holds(product.window, $0) } }
            let whole = products.filter { product in pixels.allSatisfy { holds(product.window, $0) } }
            #expect(touching.count >= 2 && whole.isEmpty, "zone \(zone): touches \(touching.count) products, lies wholly in \(whole.count)")
        }
    }

    @Test func samplesLieInEveryProduct() throws {
        let (description, products) = try Self.province()
        let zones = try Raster.open((Self.folder as NSString).appendingPathComponent("truth/zones.tif"))
        let toMap = try CoordinateTransformer(from: .wgs84, to: try #require(zones.spatialReference))
        let g = description["geoTransform"] as! [Double]
        let rows = try String(contentsOfFile: (Self.folder as NSString).appendingPathComponent("samples.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        #expect(rows.count == 90)
        var holding = Set<String>()
        for row in rows {
            let fields = row.split(separator: ",")
            let p = try toMap.transform(x: Double(fields[1])!, y: Double(fields[2])!)
            let x = Int((p.x - g[0]) / g[1]), y = Int((p.y - g[3]) / g[5])
            for product in products where x >= product.window.x && x < product.window.maxX && y >= product.window.y && y < product.window.maxY {
                holding.insert(product.name)
            }
        }
        #expect(holding.count == 9)
    }

    /// The same seed gives the same files whatever --threads; another seed another province.
    @Test func filesAreByteIdenticalForASeed() throws {
        let dir = try TemporaryDirectory()
        var outputs: [[String: Data]] = []
        for (index, (seed, threads)) in [("8", "1"), ("8", "2"), ("9", "2")].enumerated() {
            let result = try ChildProcess.regolith(["synth", "--province", "2x2", "--width", "80", "--height", "72", "--seed", seed,
                                                    "--samples", "30", "--threads", threads, "--quiet", "--out", dir.file("p\(index)")])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try filesUnder(dir.file("p\(index)")))
        }
        #expect(outputs[0].keys.filter { $0.hasSuffix(".tar.gz") }.count == 4)
        #expect(outputs[0].keys.sorted() == outputs[1].keys.sorted())
        for (name, data) in outputs[0] { #expect(outputs[1][name] == data, "\(name) differs") }
        #expect(outputs[2]["catalogue.json"] != outputs[0]["catalogue.json"])
    }

    @Test(arguments: [
        (["--province", "1x1"], "--province"),
        (["--province", "3"], "--province"),
        (["--province", "2x2", "--level", "ortho"], "--level ortho"),
        (["--overlap", "0.2"], "--overlap"),
        (["--province", "2x2", "--overlap", "0.6"], "--overlap"),
    ])
    func refusesABadProvince(arguments: [String], named option: String) throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["synth", "--quiet", "--out", dir.file("p")] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(option), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("p")))
    }
}
