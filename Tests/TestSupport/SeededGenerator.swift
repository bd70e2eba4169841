@_exported import SeededRandom

/// The package's seeded generator under the name the tests use, so they draw the same values every run.
public typealias SeededGenerator = SplitMix64
