import SeededRandom

/// A seeded, reproducible partition of 0..<count into folds (round-robin over a shuffled order, so
/// fold sizes differ by at most one). `SeededRandom`'s shuffle keeps the order the same on every platform and Swift release.
public struct SeededFolds: Sendable, Equatable {
    public let members: [[Int]]
    public var count: Int { members.count }

    public static func assign(count: Int, folds: Int, seed: UInt64) -> SeededFolds {
        let order = Array(0..<count).shuffled(seed: seed)
        var members = [[Int]](repeating: [], count: max(1, folds))
        for (position, index) in order.enumerated() { members[position % members.count].append(index) }
        return SeededFolds(members: members.map { $0.sorted() })
    }

    public func complement(_ fold: Int) -> [Int] {
        members.enumerated().filter { $0.offset != fold }.flatMap(\.element).sorted()
    }
}
