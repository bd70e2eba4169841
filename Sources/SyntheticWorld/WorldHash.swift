import SeededRandom

/// Counter-based randomness: every random number of the world is a hash of (seed, stream, x, y),
/// so any pixel can be computed alone, in any order, by any tile, and come out the same.
struct WorldHash: Sendable {
    let seed: UInt64

    /// One SplitMix64 step from state `value`: a bijection with full avalanche.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 { SplitMix64.mix(value &+ SplitMix64.increment) }

    @inline(__always)
    func bits(_ stream: UInt64, _ x: Int, _ y: Int) -> UInt64 {
        Self.mix(Self.mix(Self.mix(seed ^ (stream &* 0xD6E8_FEB8_6659_FD93)) ^ UInt64(bitPattern: Int64(x))) ^ UInt64(bitPattern: Int64(y)))
    }

    /// Uniform in [0, 1).
    @inline(__always)
    func uniform(_ stream: UInt64, _ x: Int, _ y: Int = 0) -> Double {
        Double(bits(stream, x, y) >> 11) * 0x1p-53
    }

    /// Approximately standard normal: the sum of four 16-bit uniforms (Irwin–Hall), rescaled to
    /// unit variance. Cheap, bounded at ±3.46 σ, and plenty for sensor and measurement noise.
    @inline(__always)
    func normal(_ stream: UInt64, _ x: Int, _ y: Int = 0) -> Double {
        let h = bits(stream, x, y)
        let sum = Double(h & 0xFFFF) + Double((h >> 16) & 0xFFFF) + Double((h >> 32) & 0xFFFF) + Double(h >> 48)
        return (sum / 65536 - 2) * 1.7320508075688772
    }
}

/// Named random streams, so adding one never shifts the others.
enum Stream: UInt64 {
    case contentField = 1, albedoField, vegetationField, albedoNoise, sensorNoise, vegetationNoise
    case layout, villageCells, villageHouses, samples, gpsError, labError, rivers, satellite, terrain, rpcCheckPoints
    case speckle
    /// The L1A images' own sensor noise, per image pixel (numbered apart from the streams above).
    case mssSensorNoise = 101, panSensorNoise
    /// A province's clouds and its products' acquisitions.
    case clouds = 110, province
}
