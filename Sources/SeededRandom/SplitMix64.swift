/// SplitMix64 (Steele, Lea & Flood 2014): the package's one seeded generator, for initialisation,
/// shuffles and test data, and (its finaliser `mix` as a pure hash) for counter-based randomness
/// such as dropout masks and the synthetic world, which depend only on their coordinates.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The state increment, 2⁶⁴ divided by the golden ratio.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    @usableFromInline var state: UInt64

    @inlinable public init(seed: UInt64) { state = seed }

    // Inlinable: the hashes run per pixel in other modules.
    @inlinable public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The output finaliser: a bijection of 64-bit values with full avalanche.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1) from the top 24 bits.
    @inlinable public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// An integer in 0..<`bound` as the next output modulo `bound`: one division, the same on every
    /// platform and Swift release (unlike `Int.random(in:using:)`, whose algorithm the standard library
    /// may change). Its bias, below bound/2⁶⁴, is immaterial for the shuffles it serves.
    @inlinable public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "an index below \(bound) does not exist")
        return Int(next() % UInt64(bound))
    }
}
