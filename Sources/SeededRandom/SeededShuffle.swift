/// The package's one shuffle policy: Fisher–Yates from the back (position i, from the last down to 1,
/// swaps with `SplitMix64.index(below: i + 1)`), written out so that no Swift release can change
/// splits, folds or trained models. It is the order Inversion's validation splits and folds have
/// always used, so the pipeline's models and reports keep their figures.
extension MutableCollection where Self: RandomAccessCollection {
    @inlinable public mutating func seededShuffle(using generator: inout SplitMix64) {
        var last = count - 1
        while last > 0 {
            let other = generator.index(below: last + 1)
            swapAt(index(startIndex, offsetBy: last), index(startIndex, offsetBy: other))
            last -= 1
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
