import Foundation
import Testing
@testable import Geostatistics
import SeededRandom

@Suite("Vectorised elementary functions")
struct VectorMathTests {
    @Test func vectorExpMatchesFoundationExp() {
        var generator = SplitMix64(seed: 17)
        var worst = 0.0
        // Random arguments over the whole domain, dense near zero, and the reduction boundaries k·ln2/2.
        var arguments = (0..<40_000).map { _ in Double.random(in: -708...709, using: &generator) }
        arguments += (0..<20_000).map { _ in Double.random(in: -2...2, using: &generator) }
        arguments += (-1400...1400).map { Double($0) * log(2.0) / 2 }.filter { $0 >= -708 && $0 <= 709 }
        arguments += [0, -0.0, 1e-300, -1e-300, -708, 709]
        while arguments.count % 8 != 0 { arguments.append(0.5) }
        for start in stride(from: 0, to: arguments.count, by: 8) {
            let x = SIMD8<Double>(arguments[start..<(start + 8)])
            let fast = VectorMath.exp(x)
            for lane in 0..<8 {
                let expected = Foundation.exp(x[lane])
                worst = max(worst, abs(fast[lane] - expected) / expected)
            }
        }
        #expect(worst <= 4.5e-16, "worst relative error \(worst)")
        #expect(VectorMath.exp(SIMD8<Double>(repeating: 0)) == SIMD8<Double>(repeating: 1))
        let underflow = VectorMath.exp(SIMD8<Double>(-709, -745, -800, -1e10, -708.5, -1000, -Double.infinity, -710))
        #expect(underflow == SIMD8<Double>(repeating: 0))
    }
}
