#ifndef REGOLITH_CPU_BUILD_FEATURES_H
#define REGOLITH_CPU_BUILD_FEATURES_H

#include <stdint.h>

/// The x86 instruction-set extensions Regolith's compiled code may use, one bit each. The order is
/// the order of the names in CPUCheck.c's table.
enum RegolithCPUFeature {
    RegolithCPUFeatureSSE3, RegolithCPUFeatureSSSE3, RegolithCPUFeatureSSE4_1, RegolithCPUFeatureSSE4_2,
    RegolithCPUFeaturePOPCNT, RegolithCPUFeatureAVX, RegolithCPUFeatureAVX2, RegolithCPUFeatureFMA,
    RegolithCPUFeatureF16C, RegolithCPUFeatureBMI, RegolithCPUFeatureBMI2, RegolithCPUFeatureLZCNT,
    RegolithCPUFeatureMOVBE, RegolithCPUFeatureAES, RegolithCPUFeaturePCLMUL, RegolithCPUFeatureAVXVNNI,
    RegolithCPUFeatureAVX512F, RegolithCPUFeatureAVX512CD, RegolithCPUFeatureAVX512BW, RegolithCPUFeatureAVX512DQ,
    RegolithCPUFeatureAVX512VL, RegolithCPUFeatureAVX512VNNI, RegolithCPUFeatureAVX512BF16, RegolithCPUFeatureAVX512FP16,
    RegolithCPUFeatureAVX512VBMI, RegolithCPUFeatureAVX512VBMI2, RegolithCPUFeatureAVX512IFMA, RegolithCPUFeatureAVX512BITALG,
    RegolithCPUFeatureAVX512VPOPCNTDQ, RegolithCPUFeatureGFNI, RegolithCPUFeatureVPCLMULQDQ,
    RegolithCPUFeatureCount
};

/// The bit of a feature, e.g. `REGOLITH_CPU_FEATURE_BIT(AVX2)`.
#define REGOLITH_CPU_FEATURE_BIT(feature) (UINT64_C(1) << RegolithCPUFeature##feature)

/// The features the compiler was allowed to use for this build (`-march=` of REGOLITH_MARCH), as
/// bits `1 << RegolithCPUFeature…`. Data only: this target is compiled with the build's -march
/// to read the compiler's feature macros, and holds no code that could run before the check.
extern const uint64_t regolith_build_cpu_features;

/// The `-march` value of the build (`native`, `x86-64-v3`, …), or `none`.
extern const char regolith_build_march[];

#endif
