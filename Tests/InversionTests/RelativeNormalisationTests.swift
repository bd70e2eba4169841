import Foundation
@testable import Inversion
import Testing
import TestSupport

/// The robust fit behind `mosaic-products --normalise`: `PseudoInvariantPixels` and `TheilSenLine`
/// against numpy and scipy.stats.theilslopes (tools/reference-normalisation.py, run by hand, output in
/// fixtures/reference/normalisation/), and `RelativeNormalisation`'s bounds and fallbacks.
@Suite("Relative normalisation: pseudo-invariant pixels and Theil–Sen against scipy")
struct RelativeNormalisationTests {
    /// The reference's pixel pairs, per band: the product's and the reference's reflectance.
    static func pairs() throws -> (product: [[Double]], reference: [[Double]]) {
        let rows = try Fixtures.csv("reference/normalisation/pairs.csv")
        return ((1...4).map { b in rows.map { Double($0["product_b\(b)"]!)! } }, (1...4).map { b in rows.map { Double($0["reference_b\(b)"]!)! } })
    }

    /// Measured: the same 1288 pixels kept, and gains and offsets equal to scipy's to 0 (both in
    /// float64 on the same float32 values, the same median rules); 1e-12 allowed.
    @Test func fitMatchesScipyTheilSlopesOnThePseudoInvariantPixels() throws {
        let (product, reference) = try Self.pairs()
        let expected = try Fixtures.csv("reference/normalisation/theilsen.csv")
        let kept = PseudoInvariantPixels.select(product: product, reference: reference)
        #expect(kept.count == Int(expected[0]["pixels"]!)!)
        // Fewer pixels than the fit's subsample bound: the fit sees them all, as scipy did.
        #expect(kept.count <= RelativeNormalisation.fitSamples)
        let fit = RelativeNormalisation().fit(product: product, reference: reference, seed: 1)
        #expect(fit.note == nil && fit.samples == kept.count && fit.overlapSamples == product[0].count)
        for row in expected {
            let b = Int(row["band"]!)! - 1
            #expect(abs(fit.gains[b] - Double(row["slope"]!)!) <= 1e-12, "band \(b + 1) gain \(fit.gains[b]) vs scipy \(row["slope"]!)")
            #expect(abs(fit.offsets[b] - Double(row["intercept"]!)!) <= 1e-12, "band \(b + 1) offset \(fit.offsets[b]) vs scipy \(row["intercept"]!)")
        }
    }

    /// The changed pixels (15 % of the pairs, drawn anywhere in 0.05–0.5) are what the selection
    /// drops. Measured: 193 pairs' NIR is off the product's calibration (2017's over 2016's gain) by
    /// 0.05 or more, 1 of them kept (changed pixels whose NDVI happens to match).
    @Test func selectionDropsChangedPixels() throws {
        let (product, reference) = try Self.pairs()
        let kept = Set(PseudoInvariantPixels.select(product: product, reference: reference))
        let off = product[0].indices.filter { abs(product[3][$0] / reference[3][$0] - 0.1569 / 0.1613) >= 0.05 }
        #expect(off.count > product[0].count / 10)
        #expect(off.filter(kept.contains).count <= off.count / 10, "\(off.filter(kept.contains).count) of \(off.count) changed pixels kept")
    }

    @Test func theilSenIsExactOnALineAndIgnoresAThirdOfOutliers() throws {
        var generator = SeededGenerator(seed: 3)
        let x = (0..<301).map { _ in Double(generator.nextUnitFloat()) }
        var y = x.map { 0.8 * $0 + 0.05 }
        let line = try #require(TheilSenLine(x: x, y: y))
        #expect(abs(line.slope - 0.8) < 1e-12 && abs(line.intercept - 0.05) < 1e-12)
        for i in stride(from: 0, to: y.count, by: 4) { y[i] = Double(generator.nextUnitFloat()) * 5 }
        let robust = try #require(TheilSenLine(x: x, y: y))
        #expect(abs(robust.slope - 0.8) < 0.1, "\(robust.slope)")
        #expect(TheilSenLine(x: [1, 1, 1], y: [1, 2, 3]) == nil)
    }

    /// Both coordinates noisy alike (noise half the signal's spread): the one-way slope shrinks by
    /// the share of x's variance that is noise (1/(1 + 0.25), to 1.6), the symmetric one does not.
    /// Measured: 1.98 against 2; 0.1 allowed.
    @Test func theSymmetricLineIsNotAttenuatedByNoiseInX() throws {
        var generator = SeededGenerator(seed: 4)
        func noise() -> Double { (0..<12).map { _ in Double(generator.nextUnitFloat()) }.reduce(0, +) - 6 }
        let truth = (0..<1500).map { _ in noise() }
        let x = truth.map { $0 + 0.5 * noise() }, y = truth.map { 2 * ($0 + 0.5 * noise()) + 0.3 }
        let oneWay = try #require(TheilSenLine(x: x, y: y)), symmetric = try #require(TheilSenLine(symmetricX: x, y: y))
        #expect(oneWay.slope < 1.75, "\(oneWay.slope)")
        #expect(abs(symmetric.slope - 2) < 0.1, "\(symmetric.slope)")
    }

    /// Selection against sorting, odd and even counts, with ties.
    @Test func medianBySelectionEqualsTheSortedMiddle() {
        var generator = SeededGenerator(seed: 9)
        for count in [1, 2, 3, 10, 11, 1000, 1001] {
            let values = (0..<count).map { _ in Double(generator.index(below: 50)) }
            let sorted = values.sorted()
            let expected = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
            var work = values
            #expect(TheilSenLine.median(&work) == expected, "\(count) values")
        }
        var empty: [Double] = []
        #expect(TheilSenLine.median(&empty) == nil)
    }

    @Test func tooLittleOverlapKeepsGainOneAndSaysWhy() {
        let none = RelativeNormalisation().fit(product: [[], [], [], []], reference: [[], [], [], []], seed: 1)
        #expect(none.gains == [1, 1, 1, 1] && none.offsets == [0, 0, 0, 0] && none.note == "it overlaps no better-ranked product")
        let few = (0..<4).map { b in (0..<40).map { 0.1 + 0.001 * Double($0 + b) } }
        let small = RelativeNormalisation().fit(product: few, reference: few, seed: 1)
        #expect(small.gains == [1, 1, 1, 1] && small.overlapSamples == 40)
        #expect(small.note?.contains("fewer than \(RelativeNormalisation.minimumSamples)") == true, "\(small.note ?? "")")
    }

    /// Full-size products (7300 × 6900) overlapping whole: the lattice stays within its bound.
    @Test(arguments: [(7300, 6900), (7300, 900), (317, 316), (100_000, 3)])
    func theLatticeIsBounded(width: Int, height: Int) {
        let stride = RelativeNormalisation.latticeStride(width: width, height: height)
        let points = ((width + stride - 1) / stride) * ((height + stride - 1) / stride)
        #expect(points <= RelativeNormalisation.latticeSamples)
        #expect(stride == 1 || ((width + stride - 2) / (stride - 1)) * ((height + stride - 2) / (stride - 1)) > RelativeNormalisation.latticeSamples)
    }

    /// The normalisation composes with the calibration into one multiply-add.
    @Test func composesWithTheCalibration() {
        let calibration = BandAffine(scales: [0.01, 0.02], shifts: [-0.1, 0.05])
        let fit = ProductNormalisation(gains: [1.1, 0.9], offsets: [0.01, -0.02], overlapSamples: 10, samples: 5)
        let composed = fit.composed(with: calibration)
        for b in 0..<2 {
            let dn: Float = 300
            #expect(abs(composed.apply(band: b, dn) - Float(fit.gains[b] * Double(calibration.apply(band: b, dn)) + fit.offsets[b])) < 1e-6)
        }
        #expect(composed.signature != calibration.signature)
    }
}
