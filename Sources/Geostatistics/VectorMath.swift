/// Lane-wise elementary functions on concrete SIMD vectors: Swift's own `exp` on a SIMD vector calls
/// libm once per lane, which dominates exponential and Gaussian kriging.
enum VectorMath {
    /// e^x for x in [−708, 709] to within about 1 ulp; 0 below −708 (where e^x < 3.3e-308), and the
    /// value at 709 above it. Not for NaN input.
    @inline(__always)
    static func exp(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let clamped = x.replacing(with: -708, where: x .< -708).replacing(with: 709, where: x .> 709)
        // Adding 1.5·2⁵² rounds x·log₂e to the nearest integer k and leaves k in the low mantissa bits.
        let shifter = 6_755_399_441_055_744.0
        let shifted = clamped * 1.4426950408889634 + shifter
        let k = shifted - shifter
        // r = x − k·ln2 with ln2 split in two (the high part has trailing zero bits, so k·high is exact).
        let r = (clamped - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
        // Taylor series of e^r to degree 13 (|r| ≤ ln2/2 leaves a truncation error below 1e-17), by
        // Estrin's scheme: a short dependency chain, so consecutive vectors overlap in the pipeline.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let q0 = 1 + r, q1 = 0.5 + r * (1.0 / 6), q2 = 1.0 / 24 + r * (1.0 / 120), q3 = 1.0 / 720 + r * (1.0 / 5_040)
        let q4 = 1.0 / 40_320 + r * (1.0 / 362_880), q5 = 1.0 / 3_628_800 + r * (1.0 / 39_916_800)
        let q6 = 1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)
        let low = (q0 + r2 * q1) + r4 * (q2 + r2 * q3)
        let high = (q4 + r2 * q5) + r4 * q6
        let p = low + r8 * high
        // 2^k straight into the exponent field: k + 1023 shifted up past the 52 mantissa bits.
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt64>.self)
        let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD8<Double>.self)
        return (p * scale).replacing(with: 0, where: x .< -708)
    }
}
