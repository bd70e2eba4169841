import SeededRandom

/// Dropout decisions as a pure function of (stream, layer, feature): the same pixel or sample
/// gets the same masks whatever the batching, tiling or thread that computes it.
/// `stream` identifies the sample and pass (training: seed, sample index and step; Monte-Carlo
/// dropout: seed, pixel index and pass number).
///
/// The per-feature hash is 32-bit so that 16 lanes are decided at once with AVX2 integer SIMD
/// (`survivorFactors`); the scalar `keeps` is the same function for one lane.
public enum DropoutMask {
    @inline(__always)
    public static func streamKey(seed: UInt64, index: UInt64, pass: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C908 &+ index) ^ (pass &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The 32-bit key a stream contributes to each of its features' hashes.
    @inline(__always)
    public static func laneKey(_ stream: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: stream ^ (stream >> 32)) }

    @inline(__always)
    static func featureOffset(layer: Int, feature: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: layer) &* 0x9E37_79B9 &+ UInt32(truncatingIfNeeded: feature) &* 0x85EB_CA6B
    }

    /// True when the activation survives (probability 1 − `probability`, to 2⁻²³).
    @inline(__always)
    public static func keeps(stream: UInt64, layer: Int, feature: Int, probability: Float) -> Bool {
        var x = laneKey(stream) &+ featureOffset(layer: layer, feature: feature)
        x ^= x >> 16; x &*= 0x7FEB_352D; x ^= x >> 15; x &*= 0x846C_A68B; x ^= x >> 16
        return Float(bitPattern: (x >> 9) | 0x3F80_0000) - 1 >= probability
    }

    /// The factor an activation is multiplied by: 0, or 1/(1−p) for survivors (inverted dropout).
    @inline(__always)
    public static func factor(stream: UInt64, layer: Int, feature: Int, probability: Float) -> Float {
        keeps(stream: stream, layer: layer, feature: feature, probability: probability) ? 1 / (1 - probability) : 0
    }

    /// `factor` for 16 lanes at once, given their `laneKey`s.
    @inline(__always)
    static func survivorFactors(keys: SIMD16<UInt32>, layer: Int, feature: Int, probability: Float, survivorScale: Float) -> SIMD16<Float> {
        var x = keys &+ featureOffset(layer: layer, feature: feature)
        x ^= x &>> 16; x &*= 0x7FEB_352D; x ^= x &>> 15; x &*= 0x846C_A68B; x ^= x &>> 16
        let uniform = unsafeBitCast((x &>> 9) | 0x3F80_0000, to: SIMD16<Float>.self) - 1
        return SIMD16<Float>(repeating: 0).replacing(with: survivorScale, where: uniform .>= probability)
    }
}
