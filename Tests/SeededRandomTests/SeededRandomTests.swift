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
        var small = SplitMix64(seed: 99)
        #expect((1...12).map { small.index(below: $0) } == [0, 0, 2, 0, 0, 1, 4, 5, 4, 5, 5, 8])
        // A bound of 3·2⁶¹ rejects a quarter of the raw draws, so the rejection loop is exercised.
        var large = SplitMix64(seed: 5)
        #expect((0..<8).map { _ in large.index(below: 3 << 61) } == [
            2_675_479_185_057_884_481, 1_609_772_408_571_979_898, 687_183_261_440_550_265, 1_300_219_597_915_456_297,
            2_632_873_304_981_157_913, 6_817_664_284_884_765_228, 3_116_174_520_861_248_126, 945_642_345_093_799_606,
        ])
    }

    @Test func shuffleMatchesReference() {
        #expect((0..<10).shuffled(seed: 1) == [5, 7, 9, 6, 3, 8, 2, 0, 1, 4])
        #expect((0..<17).shuffled(seed: 42) == [12, 3, 6, 7, 4, 15, 8, 5, 11, 13, 2, 9, 14, 1, 10, 0, 16])
        #expect((0..<100).shuffled(seed: 7) == [
            38, 2, 90, 59, 47, 28, 49, 37, 20, 46, 19, 96, 92, 88, 13, 61, 89, 44, 68, 80, 73, 29, 48, 55, 12, 97, 31, 56, 24, 58,
            25, 34, 21, 51, 70, 74, 40, 95, 33, 6, 78, 7, 64, 9, 43, 62, 35, 1, 91, 81, 83, 18, 23, 42, 10, 53, 77, 71, 39, 84,
            17, 75, 41, 27, 54, 63, 93, 5, 99, 98, 52, 57, 86, 85, 22, 69, 32, 8, 16, 66, 67, 72, 45, 14, 3, 87, 94, 4, 30, 60,
            0, 36, 82, 65, 15, 50, 11, 79, 26, 76,
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
