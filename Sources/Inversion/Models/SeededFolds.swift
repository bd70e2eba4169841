/// A seeded, reproducible partition of 0..<count into folds (round-robin over a shuffled order, so
/// fold sizes differ by at most one). SplitMix64 keeps the order the same on every platform.
public struct SeededFolds: Sendable, Equatable {
    public let members: [[Int]]
    public var count: Int { members.count }

    public static func assign(count: Int, folds: Int, seed: UInt64) -> SeededFolds {
        let order = SplitMix64.shuffled(Array(0..<count), seed: seed)
        var members = [[Int]](repeating: [], count: max(1, folds))
        for (position, index) in order.enumerated() { members[position % members.count].append(index) }
        return SeededFolds(members: members.map { $0.sorted() })
    }

    public func complement(_ fold: Int) -> [Int] {
        members.enumerated().filter { $0.offset != fold }.flatMap(\.element).sorted()
    }
}

/// SplitMix64: a tiny seeded generator for splits and shuffles that must not change between runs.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fisher–Yates with this generator (the standard library's shuffle may change between releases).
    public static func shuffled<T>(_ values: [T], seed: UInt64) -> [T] {
        var generator = SplitMix64(seed: seed)
        var result = values
        guard result.count > 1 else { return result }
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            result.swapAt(i, j)
        }
        return result
    }
}
