import CPUBuildFeatures
import CPUCheck
import Testing

@Suite("Start-up CPU check: the ISA the binary was built for against the CPU")
struct CPUCheckTests {
    static let march = String(cString: regolith_cpu_build_march())

    static func bit(_ feature: RegolithCPUFeature) -> UInt64 { 1 << UInt64(feature.rawValue) }

    static func text(_ write: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String {
        let length = write(nil, 0)
        var buffer = [CChar](repeating: 0, count: length + 1)
        _ = write(&buffer, buffer.count)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The tests run on the machine they were built on, which has every feature of the build.
    @Test func thisMachineLacksNothingThisBuildUses() {
        let missing = regolith_cpu_missing_features()
        #expect(missing == 0, "missing: \(Self.text { regolith_cpu_feature_names(missing, $0, $1) })")
        #expect(regolith_cpu_build_features() & ~regolith_cpu_supported_features() == 0)
    }

    /// The compiler's feature macros reach the check: a native build on an AVX2 machine records AVX2.
    @Test(.enabled(if: march == "native", "the build is not -march=native"))
    func aNativeBuildRecordsTheCPUsVectorISA() {
        let supported = regolith_cpu_supported_features()
        for feature in [RegolithCPUFeatureAVX, RegolithCPUFeatureAVX2, RegolithCPUFeatureFMA, RegolithCPUFeatureAVX512F]
        where supported & Self.bit(feature) != 0 {
            #expect(regolith_cpu_build_features() & Self.bit(feature) != 0, "feature \(feature.rawValue)")
        }
    }

    @Test func featureNamesAreListedInTableOrder() {
        let features = Self.bit(RegolithCPUFeatureAVX512BW) | Self.bit(RegolithCPUFeatureAVX2) | Self.bit(RegolithCPUFeatureSSE4_1)
        #expect(Self.text { regolith_cpu_feature_names(features, $0, $1) } == "sse4.1, avx2, avx512bw")
        #expect(Self.text { regolith_cpu_feature_names(0, $0, $1) } == "")
    }

    @Test func theMessageNamesTheBuildTheMissingFeaturesAndTheRemedy() {
        let built = Self.bit(RegolithCPUFeatureAVX2) | Self.bit(RegolithCPUFeatureFMA) | Self.bit(RegolithCPUFeatureAVX512F) | Self.bit(RegolithCPUFeatureAVX512BW)
        let missing = Self.bit(RegolithCPUFeatureAVX512F) | Self.bit(RegolithCPUFeatureAVX512BW)
        let message = Self.text { regolith_cpu_mismatch_message("x86-64-v4", built, missing, $0, $1) }
        #expect(message == "regolith: this binary was built with -march=x86-64-v4 for x86-64 with avx2, fma, avx512f, avx512bw; "
            + "this CPU lacks avx512f, avx512bw. Rebuild it for this machine, or with REGOLITH_MARCH=x86-64-v3 for a cluster "
            + "of mixed nodes (README, \"Building for your CPU\").")
        #expect(!message.contains("\n"))
    }
}
