import Foundation
import Testing
import TestSupport
@testable import Inversion

/// The applicability domain: its whitening against the training covariance, and the tile kernel's
/// SIMD mask against the scalar reference (`ApplicabilityDomainMask.squaredDistance`) and the Double
/// distance, over band counts, block lengths around the 16-pixel width, pixels exactly on the
/// boundary, NaN and nodata.
@Suite struct ApplicabilityDomainMaskTests {
    /// Correlated training bands x = A z + μ, like reflectances of bare ground.
    static func features(bands p: Int, count n: Int, _ random: inout SeededGenerator) -> [[Double]] {
        let mixing = (0..<(p * p)).map { _ in Double.random(in: -1...1, using: &random) }
        let mean = (0..<p).map { _ in Double.random(in: 100...900, using: &random) }
        return (0..<n).map { _ in
            let z: [Double] = (0..<p).map { _ in Double.random(in: -40...40, using: &random) }
            return (0..<p).map { (r: Int) -> Double in
                var value = mean[r] + 10 * z[r]
                for k in 0..<p { value += mixing[r * p + k] * z[k] }
                return value
            }
        }
    }

    @Test func whiteningInvertsTrainingCovarianceAndThresholdIsLargestTrainingDistance() throws {
        var random = SeededGenerator(seed: 0xD0_0001)
        for p in 1...6 {
            let features = Self.features(bands: p, count: 12 * p, &random)
            let domain = try ApplicabilityDomain(features: features)
            let n = Double(features.count)
            // L⁻¹ Σ L⁻ᵀ = I with Σ the sample covariance (n − 1).
            var worst = 0.0
            for a in 0..<p {
                for b in 0..<p {
                    var sum = 0.0
                    for row in features {
                        let wa = (0..<p).reduce(0.0) { $0 + domain.whitening[a * p + $1] * (row[$1] - domain.mean[$1]) }
                        let wb = (0..<p).reduce(0.0) { $0 + domain.whitening[b * p + $1] * (row[$1] - domain.mean[$1]) }
                        sum += wa * wb / (n - 1)
                    }
                    worst = max(worst, abs(sum - (a == b ? 1 : 0)))
                }
            }
            // Measured ≤ 9e-16.
            #expect(worst <= 1e-14, "\(p) bands: L⁻¹ΣL⁻ᵀ − I reaches \(worst)")
            #expect(domain.threshold == features.map(domain.distance).max())
            #expect((0..<p).allSatisfy { r in ((r + 1)..<p).allSatisfy { domain.whitening[r * p + $0] == 0 } })
        }
        // A constant band makes Σ singular.
        let constant = Self.features(bands: 3, count: 30, &random).map { [$0[0], $0[1], 5] }
        #expect(throws: InversionError.self) { _ = try ApplicabilityDomain(features: constant) }
    }

    /// Pixels band-sequential with a band stride larger than the block (as in a tile with halo).
    static func outside(_ mask: ApplicabilityDomainMask, _ pixels: [Float], bandStride: Int, count: Int) -> [Int] {
        var found: [Int] = []
        pixels.withUnsafeBufferPointer { mask.forEachOutside($0.baseAddress!, bandStride: bandStride, count: count) { found.append($0) } }
        return found
    }

    static func reference(_ mask: ApplicabilityDomainMask, _ pixels: [Float], bandStride: Int, count: Int) -> [Int] {
        pixels.withUnsafeBufferPointer { p in (0..<count).filter { mask.squaredDistance(p.baseAddress!, bandStride: bandStride, pixel: $0) > mask.limit } }
    }

    @Test func maskMatchesScalarReferenceOverShapes() throws {
        var random = SeededGenerator(seed: 0xD0_0002)
        for p in [4, 1, 2, 3, 5] {
            let training = Self.features(bands: p, count: 15 * p, &random)
            let domain = try ApplicabilityDomain(features: training)
            for count in [1, 2, 15, 16, 17, 31, 32, 33, 47, 64, 100] {
                let bandStride = count + 5
                var pixels = [Float](repeating: .infinity, count: p * bandStride)
                for i in 0..<count {
                    // Training-like pixels pushed out by up to 2×, so both sides of the boundary occur.
                    let row = training[Int.random(in: 0..<training.count, using: &random)]
                    let stretch = Double.random(in: 0...2, using: &random)
                    for b in 0..<p { pixels[b * bandStride + i] = Float(domain.mean[b] + stretch * (row[b] - domain.mean[b])) }
                    if i % 7 == 3 { pixels[Int.random(in: 0..<p, using: &random) * bandStride + i] = .nan }
                    if i % 11 == 5 { pixels[Int.random(in: 0..<p, using: &random) * bandStride + i] = -9999 }
                }
                let mask = ApplicabilityDomainMask(domain)
                let found = Self.outside(mask, pixels, bandStride: bandStride, count: count)
                #expect(found == Self.reference(mask, pixels, bandStride: bandStride, count: count), "\(p) bands, \(count) pixels")
                for i in 0..<count {
                    let x = (0..<p).map { Double(pixels[$0 * bandStride + i]) }
                    if x.contains(where: \.isNaN) {
                        #expect(!found.contains(i), "a NaN pixel is left to the engine's nodata")
                    } else if x.contains(-9999) {
                        #expect(found.contains(i), "a nodata pixel lies far outside")
                    } else {
                        // Float and Double agree away from the boundary (measured gap of the squared
                        // distances ≤ 7.2e-7 of the limit).
                        let squared = pow(domain.distance(x), 2), limit = domain.threshold * domain.threshold
                        if abs(squared - limit) > 1e-5 * limit {
                            #expect(found.contains(i) == (squared > limit), "\(p) bands pixel \(i): \(squared) vs \(limit)")
                        }
                    }
                }
            }
        }
    }

    /// A pixel whose squared distance equals the limit is inside; one ulp lower a limit puts it outside.
    /// Copies of it sit in the SIMD body and in the scalar tail, which must decide it alike.
    @Test func pixelsExactlyOnTheBoundary() throws {
        var random = SeededGenerator(seed: 0xD0_0003)
        for p in [4, 3] {
            let domain = try ApplicabilityDomain(features: Self.features(bands: p, count: 40, &random))
            let unlimited = ApplicabilityDomainMask(domain)
            for count in [16, 17, 31, 33, 50] {
                let bandStride = count
                var pixels = [Float](repeating: 0, count: p * count)
                for i in 0..<count {
                    for b in 0..<p { pixels[b * count + i] = Float(domain.mean[b]) + Float.random(in: -60...60, using: &random) }
                }
                let chosen = Int.random(in: 0..<count, using: &random)
                for copy in Set([0, 7, 15, count - 1, count / 2]) where copy != chosen {
                    for b in 0..<p { pixels[b * count + copy] = pixels[b * count + chosen] }
                }
                let copies = Set([0, 7, 15, count - 1, count / 2, chosen])
                let onLimit = pixels.withUnsafeBufferPointer { unlimited.squaredDistance($0.baseAddress!, bandStride: bandStride, pixel: chosen) }
                for (limit, outsideExpected) in [(onLimit, false), (onLimit.nextDown, true)] {
                    let mask = ApplicabilityDomainMask(mean: unlimited.mean, whitening: unlimited.whitening, limit: limit)
                    let found = Set(Self.outside(mask, pixels, bandStride: bandStride, count: count))
                    #expect(found == Set(Self.reference(mask, pixels, bandStride: bandStride, count: count)), "\(p) bands, \(count) pixels")
                    #expect(copies.allSatisfy { found.contains($0) == outsideExpected }, "\(p) bands, \(count) pixels, limit \(limit)")
                }
            }
        }
    }
}
