/// The package's one shuffle policy: forward Fisher–Yates (position i swaps with i + a uniform draw
/// in 0..<remaining) with `SplitMix64.index(below:)`, the order the standard library's
/// `shuffle(using:)` gives today, but fixed here so that a Swift release cannot change splits,
/// folds or trained models.
extension MutableCollection where Self: RandomAccessCollection {
    @inlinable public mutating func seededShuffle(using generator: inout SplitMix64) {
        var remaining = count
        guard remaining > 1 else { return }
        var position = startIndex
        while remaining > 1 {
            let offset = generator.index(below: remaining)
            remaining -= 1
            swapAt(position, index(position, offsetBy: offset))
            formIndex(after: &position)
        }
    }
}

extension Sequence {
    /// The elements in the order `seededShuffle` gives with a generator seeded by `seed`.
    public func shuffled(seed: UInt64) -> [Element] {
        var generator = SplitMix64(seed: seed)
        return seededShuffled(using: &generator)
    }

    /// The elements in the order `seededShuffle` gives with `generator`.
    public func seededShuffled(using generator: inout SplitMix64) -> [Element] {
        var result = Array(self)
        result.seededShuffle(using: &generator)
        return result
    }
}
