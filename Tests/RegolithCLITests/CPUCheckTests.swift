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

    static let v2: [RegolithCPUFeature] = [RegolithCPUFeatureSSE3, RegolithCPUFeatureSSSE3, RegolithCPUFeatureSSE4_1,
                                           RegolithCPUFeatureSSE4_2, RegolithCPUFeaturePOPCNT]
    static let v3: [RegolithCPUFeature] = v2 + [RegolithCPUFeatureAVX, RegolithCPUFeatureAVX2, RegolithCPUFeatureFMA, RegolithCPUFeatureF16C,
                                                RegolithCPUFeatureBMI, RegolithCPUFeatureBMI2, RegolithCPUFeatureLZCNT, RegolithCPUFeatureMOVBE]

    static func mask(_ features: [RegolithCPUFeature]) -> UInt64 { features.reduce(0) { $0 | bit($1) } }

    /// An AVX-512 build on an AVX2 node (the heterogeneous cluster's case).
    @Test func theMessageNamesTheBuildTheMissingFeaturesAndTheRemedy() {
        let built = Self.mask([RegolithCPUFeatureAVX2, RegolithCPUFeatureFMA, RegolithCPUFeatureAVX512F, RegolithCPUFeatureAVX512BW])
        let message = Self.text { regolith_cpu_mismatch_message("x86-64-v4", built, Self.mask(Self.v3), $0, $1) }
        #expect(message == "regolith: this binary was built with -march=x86-64-v4 for x86-64 with avx2, fma, avx512f, avx512bw; "
            + "this CPU lacks avx512f, avx512bw. Rebuild it on this machine (native), or with REGOLITH_MARCH=x86-64-v3 to run "
            + "on CPUs like this one (README, \"Building for your CPU\").")
        #expect(!message.contains("\n"))
    }

    @Test func theSuggestedLevelIsTheHighestTheCPUHasWhole() {
        #expect(String(cString: regolith_cpu_portable_level(Self.mask(Self.v3) | Self.bit(RegolithCPUFeatureAVX512F))) == "x86-64-v3")
        #expect(String(cString: regolith_cpu_portable_level(Self.mask(Self.v3) & ~Self.bit(RegolithCPUFeatureMOVBE))) == "x86-64-v2")
        #expect(String(cString: regolith_cpu_portable_level(Self.mask(Self.v2))) == "x86-64-v2")
        #expect(String(cString: regolith_cpu_portable_level(Self.bit(RegolithCPUFeatureSSE3))) == "none")
    }
}
