// swift-tools-version: 6.1
import PackageDescription

// The vector ISA for release kernels. Default flags turn SIMD16<Float> FMAs into a libm call per lane
// (measured 1.6 GFLOP/s against ~270 with AVX-512), so every target is compiled for a concrete CPU.
// REGOLITH_MARCH overrides it (an HPC site compiles for its nodes, e.g. `x86-64-v4`, `znver4`);
// `REGOLITH_MARCH=none` drops the flag for a portable binary.
let march = Context.environment["REGOLITH_MARCH"] ?? "native"
let vectorISA: [SwiftSetting] = march == "none" ? [] : [.unsafeFlags(["-Xcc", "-march=\(march)"])]
let common: [SwiftSetting] = vectorISA
// SIMD kernels run ~1000× slower unoptimised, so the numeric module is optimised in debug builds
// too: `swift test` then trains and infers at release speed while everything else stays debuggable.
let kernels: [SwiftSetting] = common + [.unsafeFlags(["-O"], .when(configuration: .debug))]
// The start-up ISA check: CPUBuildFeatures is compiled with the build's -march only to record the
// compiler's feature macros (data, no code); CPUCheck, compiled without it, compares them with the
// CPU before any code built for that ISA runs.
let buildFeatureFlags: [CSetting] = [.define("REGOLITH_MARCH", to: "\"\(march)\"")]
    + (march == "none" ? [] : [.unsafeFlags(["-march=\(march)"])])

let package = Package(
    name: "Regolith",
    products: [
        .executable(name: "regolith", targets: ["regolith"]),
        .library(name: "RasterIO", targets: ["RasterIO"]),
        .library(name: "TileEngine", targets: ["TileEngine"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev"])]
        ),
        // Gradient-boosted trees (`XGBoostRegression`): training and prediction through XGBoost's C API.
        .systemLibrary(
            name: "CXGBoost",
            pkgConfig: "xgboost",
            providers: [.apt(["libxgboost-dev"])]
        ),
        .target(name: "RasterIO", dependencies: ["CGDAL"], exclude: ["README.md"], swiftSettings: common),
        .target(name: "TileEngine", dependencies: ["RasterIO", .product(name: "Crypto", package: "swift-crypto")], exclude: ["README.md"], swiftSettings: common),
        .target(name: "SeededRandom", exclude: ["README.md"], swiftSettings: kernels),
        .target(name: "Geostatistics", dependencies: ["SeededRandom"], exclude: ["README.md"], swiftSettings: kernels),
        .target(name: "NeuralNet", dependencies: ["SeededRandom", "CPUBuildFeatures"], exclude: ["README.md"], swiftSettings: kernels),
        .target(name: "Inversion", dependencies: ["RasterIO", "TileEngine", "Geostatistics", "NeuralNet", "SeededRandom", "CXGBoost"], exclude: ["README.md"], swiftSettings: common),
        .target(
            name: "Pipeline",
            dependencies: ["RasterIO", "TileEngine", "Geostatistics", "NeuralNet", "Inversion", .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"], swiftSettings: common
        ),
        // Optimised in debug builds too: tests render worlds pixel by pixel (L1A products: tens of
        // millions of camera inversions), which unoptimised runs ~10× slower.
        .target(name: "SyntheticWorld", dependencies: ["RasterIO", "SeededRandom", "Geostatistics"], exclude: ["README.md"], swiftSettings: kernels),
        .target(name: "CPUBuildFeatures", cSettings: buildFeatureFlags),
        .target(name: "CPUCheck", dependencies: ["CPUBuildFeatures"]),
        .executableTarget(
            name: "regolith",
            dependencies: [
                "CPUCheck", "RasterIO", "TileEngine", "Geostatistics", "NeuralNet", "Inversion", "Pipeline", "SyntheticWorld",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: common
        ),
        .target(name: "TestSupport", dependencies: ["RasterIO", "SeededRandom", "SyntheticWorld"], path: "Tests/TestSupport", swiftSettings: common),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"], swiftSettings: common),
        .testTarget(name: "RasterIOTests", dependencies: ["RasterIO", "TestSupport"], swiftSettings: common),
        .testTarget(name: "TileEngineTests", dependencies: ["TileEngine", "RasterIO", "TestSupport"], swiftSettings: common),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"], swiftSettings: common),
        .testTarget(name: "GeostatisticsTests", dependencies: ["Geostatistics", "SeededRandom", "TestSupport"], swiftSettings: common),
        .testTarget(name: "InversionTests", dependencies: ["Inversion", "TestSupport"], swiftSettings: common),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Inversion", "TestSupport"], swiftSettings: common),
        .testTarget(name: "SyntheticWorldTests", dependencies: ["SyntheticWorld", "Inversion", "Geostatistics", "RasterIO", "TestSupport"], swiftSettings: common),
        // Runs each parser over a folder of mutated files in a child process, for FuzzTests.
        .executableTarget(name: "FuzzHarness", dependencies: ["Inversion", "NeuralNet", "Pipeline", "RasterIO", "TileEngine"],
                          path: "Tests/FuzzHarness", swiftSettings: common),
        .testTarget(name: "FuzzTests", dependencies: ["TestSupport"], swiftSettings: common),
        .testTarget(name: "RegolithCLITests", dependencies: ["CPUCheck", "RasterIO", "Geostatistics", "NeuralNet", "Inversion", "TestSupport"], swiftSettings: common),
    ],
    swiftLanguageModes: [.v6]
)
