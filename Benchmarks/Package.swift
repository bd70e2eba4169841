// swift-tools-version: 6.1
// Benchmarks live in their own package so `make test` never builds the benchmark tooling.
// Run: `make bench` (or `cd Benchmarks && swift package benchmark`).
import PackageDescription

// Same vector-ISA rule as the root package: REGOLITH_MARCH overrides `native`, `none` drops it.
let march = Context.environment["REGOLITH_MARCH"] ?? "native"
let vectorISA: [SwiftSetting] = march == "none" ? [] : [.unsafeFlags(["-Xcc", "-march=\(march)"])]

let package = Package(
    name: "RegolithBenchmarks",
    dependencies: [
        .package(name: "Regolith", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RasterBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RasterIO", package: "Regolith"),
                .product(name: "TileEngine", package: "Regolith"),
            ],
            path: "Benchmarks/RasterBenchmarks",
            swiftSettings: vectorISA,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "InferenceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NeuralNet", package: "Regolith"),
                .product(name: "SeededRandom", package: "Regolith"),
            ],
            path: "Benchmarks/InferenceBenchmarks",
            swiftSettings: vectorISA,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain release timing of training and the generic engine (no benchmark harness):
        // `cd Benchmarks && swift run -c release neuralnet-timing [steps] [model folder]`.
        .executableTarget(
            name: "neuralnet-timing",
            dependencies: [.product(name: "NeuralNet", package: "Regolith"), .product(name: "SeededRandom", package: "Regolith")],
            path: "Tools/neuralnet-timing",
            swiftSettings: vectorISA
        ),
    ],
    swiftLanguageModes: [.v6]
)
