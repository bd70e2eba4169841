import Foundation
import RasterIO
import Testing
import TestSupport

private let tar = ChildProcess.which("tar")

/// `regolith mosaic-products --normalise` on a 2 × 2 synthetic province (150-pixel products) in which
/// one product is calibrated with the wrong year's coefficients — a real mistake: its XML's
/// ReceiveTime says 2015 for an image taken (and made by the sensor) in 2017, so CRESDA's 2015 gains
/// turn its DNs into reflectance too bright by 2015's gain over 2017's in each band.
@Suite("regolith mosaic-products --normalise: a miscalibrated product fitted back to its neighbours", .enabled(if: tar != nil))
struct ProductNormalisationCommandTests {
    /// The product whose XML is edited (catalogue index 1, the north-east product, 2017-12-20, ranked
    /// second of four after the north-west one: not the reference).
    static let wrongProduct = 1
    /// CRESDA's GF-2 PMS1 gains (blue, green, red, NIR) of the year the product was taken and of the year its XML claims.
    static let takenGains = [0.1193, 0.1530, 0.1424, 0.1569], claimedGains = [0.1457, 0.1604, 0.1550, 0.1731]
    /// The gain the normalisation must find: the reference's reflectance over the miscalibrated one's.
    static var injectedGains: [Double] { zip(takenGains, claimedGains).map { $0 / $1 } }

    struct Province: Sendable {
        let folder: TemporaryDirectory
        /// The province as synth wrote it, every product calibrated right.
        let catalogue: String
        /// The same with the miscalibrated product (its tarball copy with the edited XML) in its place.
        let wrongCatalogue: String
        let dem: String
    }

    /// Written once per test process: synth (about 1 s) and a copy of the one product's tarball with its XML rewritten.
    static let province: Result<Province, any Error> = Result {
        let folder = try TemporaryDirectory("regolith-normalise")
        let out = folder.file("province")
        let synth = try ChildProcess.regolith(["synth", "--province", "2x2", "--width", "150", "--height", "150", "--seed", "5",
                                               "--samples", "40", "--out", out, "--quiet"])
        guard synth.status == 0 else { throw TestSupportError("synth --province failed: \(synth.stderr)") }
        let catalogue = (out as NSString).appendingPathComponent("catalogue.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: catalogue))) as! [String: Any]
        let item = (json["features"] as! [[String: Any]])[wrongProduct]
        let href = ((item["assets"] as! [String: Any])["product"] as! [String: Any])["href"] as! String
        let tarball = (out as NSString).appendingPathComponent(href), unpacked = folder.file("unpacked")
        let wrongHref = "wrong/" + (href as NSString).lastPathComponent, wrongTarball = (out as NSString).appendingPathComponent(wrongHref)
        try FileManager.default.createDirectory(atPath: (wrongTarball as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        let untar = try ChildProcess.run(tar!, ["xzf", tarball, "-C", unpacked])
        guard untar.status == 0 else { throw TestSupportError("tar xzf \(tarball): \(untar.stderr)") }
        let members = try FileManager.default.contentsOfDirectory(atPath: unpacked).sorted()
        for xml in members where xml.hasSuffix(".xml") {
            let path = (unpacked as NSString).appendingPathComponent(xml)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains("<ReceiveTime>2017-") else { throw TestSupportError("\(xml): not taken in 2017: \(text)") }
            try text.replacingOccurrences(of: "<ReceiveTime>2017-", with: "<ReceiveTime>2015-").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let retar = try ChildProcess.run(tar!, ["czf", wrongTarball, "-C", unpacked] + members)
        guard retar.status == 0 else { throw TestSupportError("tar czf \(wrongTarball): \(retar.stderr)") }
        let wrongCatalogue = (out as NSString).appendingPathComponent("catalogue-wrong.json")
        let text = try String(contentsOfFile: catalogue, encoding: .utf8)
        guard text.contains("\"\(href)\"") else { throw TestSupportError("\(catalogue) does not hold \(href) as written") }
        try text.replacingOccurrences(of: "\"\(href)\"", with: "\"\(wrongHref)\"").write(toFile: wrongCatalogue, atomically: true, encoding: .utf8)
        return Province(folder: folder, catalogue: catalogue, wrongCatalogue: wrongCatalogue, dem: (out as NSString).appendingPathComponent("dem.tif"))
    }

    /// `test`: names the output apart from other tests' (the tests run in parallel).
    static func mosaic(_ extra: [String], wrong: Bool = true, test: String = #function) throws -> (reflectance: Raster, source: Raster) {
        let province = try province.get()
        let out = province.folder.file("\(test.prefix { $0.isLetter })-mosaic\(wrong ? "-wrong" : "")\(extra.joined()).tif")
        let result = try ChildProcess.regolith(["mosaic-products", wrong ? province.wrongCatalogue : province.catalogue, "--dem", province.dem, "--out", out, "--quiet"] + extra)
        guard result.status == 0 else { throw TestSupportError("mosaic-products \(extra) failed: \(result.stderr)") }
        return (try Raster.open(out), try Raster.open(ProductMosaicPaths.source(out)))
    }

    /// Per band, the mean relative step in reflectance from the wrong product's pixels to their
    /// 4-neighbours from another product: (ρ_wrong − ρ_other) / ρ_other over every such pair.
    static func seam(_ reflectance: Raster, _ source: Raster) throws -> [Double] {
        let values = try reflectance.read(reflectance.fullWindow, as: Float.self), sources = try source.read(source.fullWindow, as: UInt16.self)
        let (w, h) = (source.width, source.height), n = w * h, wrong = UInt16(wrongProduct + 1)
        var sums = [Double](repeating: 0, count: 4), pairs = 0
        for row in 0..<h {
            for column in 0..<w where sources[row * w + column] == wrong {
                let i = row * w + column
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let (x, y) = (column + dx, row + dy)
                    guard x >= 0, y >= 0, x < w, y < h else { continue }
                    let j = y * w + x
                    guard sources[j] != wrong, sources[j] != 0 else { continue }
                    for b in 0..<4 { sums[b] += Double(values[b * n + i] - values[b * n + j]) / Double(values[b * n + j]) }
                    pairs += 1
                }
            }
        }
        #expect(pairs > 100, "the wrong product borders others over \(pairs) pixel pairs")
        return sums.map { $0 / Double(pairs) }
    }

    /// "gains 0.8190, 0.9540, …; offsets …" from MOSAIC_NORMALISATION_<k>.
    static func gains(_ raster: Raster, source k: Int) throws -> [Double] {
        let text = try #require(raster.metadataItem("MOSAIC_NORMALISATION_\(k)"))
        let list = try #require(text.split(separator: ";").first.map { $0.replacingOccurrences(of: "gains ", with: "") }, "\(text)")
        return list.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The mean relative difference per band between two mosaics on one grid over the pixels whose
    /// source (in both) is one of `sources`.
    static func meanRelativeDifference(_ a: Raster, _ b: Raster, source: Raster, sources: Set<UInt16>) throws -> [Double] {
        let x = try a.read(a.fullWindow, as: Float.self), y = try b.read(b.fullWindow, as: Float.self)
        let chosen = try source.read(source.fullWindow, as: UInt16.self)
        let n = chosen.count, pixels = chosen.indices.filter { sources.contains(chosen[$0]) }
        return (0..<4).map { band in pixels.map { Double(x[band * n + $0] - y[band * n + $0]) / Double(y[band * n + $0]) }.reduce(0, +) / Double(pixels.count) }
    }

    @Test func normaliseRecoversTheWrongCalibrationAndRemovesTheSeam() throws {
        let plain = try Self.mosaic([]), normalised = try Self.mosaic(["--normalise"])
        let cleanPlain = try Self.mosaic([], wrong: false), clean = try Self.mosaic(["--normalise"], wrong: false)
        #expect(plain.source.metadataItem("MOSAIC_RANKING")?.hasPrefix("1,2,") == true, "product 2 is ranked second, not the reference")
        #expect(normalised.source.metadataItem("MOSAIC_NORMALISATION_1") == "gain 1, offset 0: the reference (ranked first)")
        #expect(normalised.reflectance.metadataItem("MOSAIC_NORMALISATION")?.contains("Theil–Sen") == true)
        let k = Self.wrongProduct + 1
        let fitted = try Self.gains(normalised.source, source: k), natural = try Self.gains(clean.source, source: k)
        try #require(fitted.count == 4 && natural.count == 4)
        // The gain found, over the gain found when the product is calibrated right (1.0018, 1.0034, 1.0013,
        // 0.9976: the products' own differences), is the injected factor. Measured: fitted 0.8197, 0.9562,
        // 0.9190, 0.9006, ratios 0.8182, 0.9530, 0.9178, 0.9028 against 0.8188, 0.9539, 0.9187, 0.9064
        // (at most 0.0036 off); 0.02 allowed.
        for b in 0..<4 {
            #expect(abs(fitted[b] / natural[b] - Self.injectedGains[b]) <= 0.02,
                    "band \(b + 1): fitted gain \(fitted[b]) (\(natural[b]) when calibrated right), injected \(Self.injectedGains[b])")
        }
        // The seam's mean relative step across the wrong product's border. Measured: the right
        // calibration's own 0.87, 0.77, 1.11, 0.08 % (resampling at the better product's data edge);
        // with the wrong one 23.2, 5.7, 10.1, 10.4 % without --normalise (the injected error on top, to
        // 0.2 %), and with --normalise 0.98, 0.71, 0.99, 0.09 %: back to the right calibration's to
        // 0.12 %; 1 % allowed.
        let before = try Self.seam(plain.reflectance, plain.source), after = try Self.seam(normalised.reflectance, normalised.source)
        let naturalSeam = try Self.seam(cleanPlain.reflectance, cleanPlain.source)
        for b in 0..<4 {
            #expect(abs(before[b] - naturalSeam[b] - (1 / Self.injectedGains[b] - 1)) < 0.01, "band \(b + 1): seam \(before[b]) without --normalise")
            #expect(abs(after[b] - naturalSeam[b]) < 0.01, "band \(b + 1): seam \(after[b]) with --normalise, \(naturalSeam[b]) calibrated right, \(before[b]) without")
        }
        // Chained: products 3 and 4, fitted to a reference that includes the normalised wrong product,
        // come out as they do when every product is calibrated right (their gains to 0.0008). Measured:
        // mean relative differences over products 2–4 of −0.004, −0.002, −0.004, +0.029 %; 0.3 % allowed.
        let chained = try Self.meanRelativeDifference(normalised.reflectance, clean.reflectance, source: clean.source, sources: [2, 3, 4])
        #expect(chained.allSatisfy { abs($0) < 0.003 }, "\(chained)")
    }

    @Test func withoutNormaliseNothingIsFitted() throws {
        let plain = try Self.mosaic([])
        #expect(plain.source.metadataItem("MOSAIC_NORMALISATION") == nil && plain.source.metadataItem("MOSAIC_NORMALISATION_2") == nil)
    }

    /// A mosaic begun without --normalise and killed must not be finished with normalised tiles.
    @Test func aResumeNeverMixesNormalisedAndUnnormalisedTiles() throws {
        let province = try Self.province.get()
        let out = province.folder.file("resumed.tif"), journal = province.folder.file("resumed.partial.tif.journal")
        let command = ["mosaic-products", province.catalogue, "--dem", province.dem, "--out", out, "--tile-size", "256",
                       "--checkpoint-seconds", "0.05", "--threads", "1", "--quiet"]
        try EngineCommandTests.runAndKill(command, whenJournal: journal, records: 1, tileDelay: 0.5)
        let normalised = try ChildProcess.regolith(command + ["--normalise"])
        #expect(normalised.status == 1 && normalised.stderr.contains("different command") && normalised.stderr.contains("--restart"), "\(normalised.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let restarted = try ChildProcess.regolith(command + ["--normalise", "--restart"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(try Raster.open(out).metadataItem("MOSAIC_NORMALISATION_2") != nil)
    }
}

/// The source band's path beside a mosaic, as `mosaic-products` names it.
private enum ProductMosaicPaths {
    static func source(_ out: String) -> String { (out as NSString).deletingPathExtension + ".source.tif" }
}
