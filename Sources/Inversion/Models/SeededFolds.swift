import NeuralNet

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

extension SplitMix64 {
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
