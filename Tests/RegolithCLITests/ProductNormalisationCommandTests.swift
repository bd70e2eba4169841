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
        let catalogue: String
        let dem: String
    }

    /// Written once per test process: synth (about 1 s) and the one product's XML rewritten in its tarball.
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
        let retar = try ChildProcess.run(tar!, ["czf", tarball, "-C", unpacked] + members)
        guard retar.status == 0 else { throw TestSupportError("tar czf \(tarball): \(retar.stderr)") }
        return Province(folder: folder, catalogue: catalogue, dem: (out as NSString).appendingPathComponent("dem.tif"))
    }

    static func mosaic(_ extra: [String]) throws -> (reflectance: Raster, source: Raster) {
        let province = try province.get()
        let out = province.folder.file("mosaic\(extra.joined()).tif")
        let result = try ChildProcess.regolith(["mosaic-products", province.catalogue, "--dem", province.dem, "--out", out, "--quiet"] + extra)
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

    /// Measured (seed 5): the fitted gains of the miscalibrated product 0.8191, 0.9542, 0.9185, 0.9062
    /// against the injected 0.8188, 0.9539, 0.9187, 0.9064 (largest difference 0.0004); 0.004 allowed.
    /// The seam's mean relative step: +22.1, +4.8, +8.8, +10.3 % without --normalise, within ±0.3 %
    /// with it; below 1 % required.
    @Test func normaliseRecoversTheWrongCalibrationAndRemovesTheSeam() throws {
        let plain = try Self.mosaic([])
        let normalised = try Self.mosaic(["--normalise"])
        #expect(plain.source.metadataItem("MOSAIC_RANKING")?.hasPrefix("1,2,") == true, "product 2 is ranked second, not the reference")
        let fitted = try Self.gains(normalised.source, source: Self.wrongProduct + 1)
        #expect(fitted.count == 4)
        for (b, (found, injected)) in zip(fitted, Self.injectedGains).enumerated() {
            #expect(abs(found - injected) <= 0.004, "band \(b + 1): fitted gain \(found), injected \(injected)")
        }
        let before = try Self.seam(plain.reflectance, plain.source), after = try Self.seam(normalised.reflectance, normalised.source)
        for b in 0..<4 {
            #expect(abs(before[b] - (1 / Self.injectedGains[b] - 1)) < 0.02, "band \(b + 1): seam \(before[b]) without --normalise")
            #expect(abs(after[b]) < 0.01, "band \(b + 1): seam \(after[b]) with --normalise (\(before[b]) without)")
        }
        // The reference keeps gain 1 and says so; the others, chained to it, stay near 1: their calibration was right.
        #expect(normalised.source.metadataItem("MOSAIC_NORMALISATION_1") == "gain 1, offset 0: the reference (ranked first)")
        for k in [3, 4] {
            #expect(try Self.gains(normalised.source, source: k).allSatisfy { abs($0 - 1) < 0.05 }, "product \(k)")
        }
        #expect(normalised.reflectance.metadataItem("MOSAIC_NORMALISATION")?.contains("Theil–Sen") == true)
    }

    @Test func withoutNormaliseNothingIsFitted() throws {
        let plain = try Self.mosaic([])
        #expect(plain.source.metadataItem("MOSAIC_NORMALISATION") == nil && plain.source.metadataItem("MOSAIC_NORMALISATION_2") == nil)
    }

    /// A mosaic begun without --normalise and killed must not be finished with normalised tiles.
    @Test func aResumeNeverMixesNormalisedAndUnnormalisedTiles() throws {
        let province = try Self.province.get()
        let out = province.folder.file("resumed.tif"), journal = province.folder.file("resumed.partial.tif.journal")
        let command = ["mosaic-products", province.catalogue, "--dem", province.dem, "--out", out, "--tile-size", "64",
                       "--checkpoint-seconds", "0.05", "--threads", "1", "--quiet"]
        try EngineCommandTests.runAndKill(command, whenJournal: journal, records: 2, tileDelay: 0.3)
        let normalised = try ChildProcess.regolith(command + ["--normalise"])
        #expect(normalised.status == 1 && normalised.stderr.contains("--restart"), "\(normalised.stderr)")
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
