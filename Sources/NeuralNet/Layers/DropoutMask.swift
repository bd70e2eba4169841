/// Dropout decisions as a pure function of (seed, stream, layer, feature): the same pixel or sample
/// gets the same masks whatever the batching, tiling or thread that computes it.
/// `stream` identifies the sample and pass (training: iteration and sample index; Monte-Carlo
/// dropout: pixel index and pass number).
public enum DropoutMask {
    @inline(__always)
    public static func streamKey(seed: UInt64, index: UInt64, pass: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C908 &+ index) ^ (pass &* 0x9E37_79B9_7F4A_7C15))
    }

    /// True when the activation survives (probability 1 − `probability`).
    @inline(__always)
    public static func keeps(stream: UInt64, layer: Int, feature: Int, probability: Float) -> Bool {
        let bits = SplitMix64.mix(stream &+ UInt64(layer) &* 0xD1B5_4A32_D192_ED03 &+ UInt64(feature) &* 0x9E37_79B9_7F4A_7C15)
        return Float(bits >> 40) * 0x1p-24 >= probability
    }

    /// The factor an activation is multiplied by: 0, or 1/(1−p) for survivors (inverted dropout).
    @inline(__always)
    public static func factor(stream: UInt64, layer: Int, feature: Int, probability: Float) -> Float {
        keeps(stream: stream, layer: layer, feature: feature, probability: probability) ? 1 / (1 - probability) : 0
    }
}
