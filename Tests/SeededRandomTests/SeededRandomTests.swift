import SeededRandom
import Testing

/// The generator and the shuffle against an independent Python implementation
/// (`tools/reference-seeded-random.py`, its printed values copied here): any change of algorithm,
/// ours or the standard library's, shows up as a different order.
@Suite struct SeededRandomTests {
    @Test func splitMix64MatchesPublishedOutputs() {
        // Seed 0's first outputs, as Vigna's reference C code gives them.
        var generator = SplitMix64(seed: 0)
        #expect([generator.next(), generator.next(), generator.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func boundedDrawMatchesReference() {
        var generator = SplitMix64(seed: 99)
        #expect((1...12).map { generator.index(below: $0) } == [0, 0, 1, 3, 1, 1, 5, 3, 5, 2, 5, 2])
    }

    @Test func shuffleMatchesReference() {
        #expect((0..<10).shuffled(seed: 1) == [4, 2, 8, 1, 9, 3, 0, 6, 7, 5])
        #expect((0..<17).shuffled(seed: 42) == [9, 0, 16, 10, 14, 4, 5, 11, 1, 8, 12, 6, 7, 2, 15, 3, 13])
        #expect((0..<100).shuffled(seed: 7) == [
            14, 62, 24, 42, 17, 5, 4, 64, 97, 46, 80, 82, 54, 43, 36, 37, 90, 83, 57, 71, 53, 49, 78, 92, 29, 65, 77, 75, 60, 39,
            47, 45, 23, 99, 40, 52, 91, 50, 21, 89, 7, 84, 9, 10, 59, 98, 12, 51, 26, 96, 69, 68, 38, 95, 70, 34, 44, 6, 88, 13,
            85, 55, 74, 48, 1, 27, 66, 16, 2, 32, 94, 79, 8, 22, 30, 72, 3, 11, 76, 63, 61, 41, 81, 19, 20, 93, 31, 86, 15, 73,
            35, 25, 18, 28, 0, 58, 67, 56, 33, 87,
        ])
        #expect([Int]().shuffled(seed: 3).isEmpty)
        #expect([7].shuffled(seed: 3) == [7])
    }

    /// In-place on a slice, continuing one generator: the mini-batch reshuffles of the trainer.
    @Test func sliceShuffleIsAPermutationAndLeavesTheRestAlone() {
        var generator = SplitMix64(seed: 11)
        var values = Array(0..<50)
        values[10..<40].seededShuffle(using: &generator)
        #expect(Array(values[..<10]) == Array(0..<10) && Array(values[40...]) == Array(40..<50))
        #expect(values[10..<40].sorted() == Array(10..<40) && Array(values[10..<40]) != Array(10..<40))
    }
}
