// Compiled without the build's -march (Package.swift), so none of this code can use an instruction
// the CPU lacks: it runs first, before any code compiled for the build's ISA.
#include "CPUCheck.h"
#include "CPUBuildFeatures.h"

#include <stdio.h>
#include <stdlib.h>

/// Names as GCC, Clang and /proc/cpuinfo's users know them, in the order of RegolithCPUFeature.
static const char *const featureNames[RegolithCPUFeatureCount] = {
    "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi", "bmi2", "lzcnt",
    "movbe", "aes", "pclmul", "avxvnni", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
    "avx512vnni", "avx512bf16", "avx512fp16", "avx512vbmi", "avx512vbmi2", "avx512ifma", "avx512bitalg",
    "avx512vpopcntdq", "gfni", "vpclmulqdq",
};

#if defined(__x86_64__)
/// `__builtin_cpu_supports` takes only string literals, hence one case per feature.
static int supports(enum RegolithCPUFeature feature) {
    switch (feature) {
    case RegolithCPUFeatureSSE3: return __builtin_cpu_supports("sse3");
    case RegolithCPUFeatureSSSE3: return __builtin_cpu_supports("ssse3");
    case RegolithCPUFeatureSSE4_1: return __builtin_cpu_supports("sse4.1");
    case RegolithCPUFeatureSSE4_2: return __builtin_cpu_supports("sse4.2");
    case RegolithCPUFeaturePOPCNT: return __builtin_cpu_supports("popcnt");
    case RegolithCPUFeatureAVX: return __builtin_cpu_supports("avx");
    case RegolithCPUFeatureAVX2: return __builtin_cpu_supports("avx2");
    case RegolithCPUFeatureFMA: return __builtin_cpu_supports("fma");
    case RegolithCPUFeatureF16C: return __builtin_cpu_supports("f16c");
    case RegolithCPUFeatureBMI: return __builtin_cpu_supports("bmi");
    case RegolithCPUFeatureBMI2: return __builtin_cpu_supports("bmi2");
    case RegolithCPUFeatureLZCNT: return __builtin_cpu_supports("lzcnt");
    case RegolithCPUFeatureMOVBE: return __builtin_cpu_supports("movbe");
    case RegolithCPUFeatureAES: return __builtin_cpu_supports("aes");
    case RegolithCPUFeaturePCLMUL: return __builtin_cpu_supports("pclmul");
    case RegolithCPUFeatureAVXVNNI: return __builtin_cpu_supports("avxvnni");
    case RegolithCPUFeatureAVX512F: return __builtin_cpu_supports("avx512f");
    case RegolithCPUFeatureAVX512CD: return __builtin_cpu_supports("avx512cd");
    case RegolithCPUFeatureAVX512BW: return __builtin_cpu_supports("avx512bw");
    case RegolithCPUFeatureAVX512DQ: return __builtin_cpu_supports("avx512dq");
    case RegolithCPUFeatureAVX512VL: return __builtin_cpu_supports("avx512vl");
    case RegolithCPUFeatureAVX512VNNI: return __builtin_cpu_supports("avx512vnni");
    case RegolithCPUFeatureAVX512BF16: return __builtin_cpu_supports("avx512bf16");
    case RegolithCPUFeatureAVX512FP16: return __builtin_cpu_supports("avx512fp16");
    case RegolithCPUFeatureAVX512VBMI: return __builtin_cpu_supports("avx512vbmi");
    case RegolithCPUFeatureAVX512VBMI2: return __builtin_cpu_supports("avx512vbmi2");
    case RegolithCPUFeatureAVX512IFMA: return __builtin_cpu_supports("avx512ifma");
    case RegolithCPUFeatureAVX512BITALG: return __builtin_cpu_supports("avx512bitalg");
    case RegolithCPUFeatureAVX512VPOPCNTDQ: return __builtin_cpu_supports("avx512vpopcntdq");
    case RegolithCPUFeatureGFNI: return __builtin_cpu_supports("gfni");
    case RegolithCPUFeatureVPCLMULQDQ: return __builtin_cpu_supports("vpclmulqdq");
    default: return 0;
    }
}
#endif

uint64_t regolith_cpu_supported_features(void) {
    uint64_t features = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    for (int feature = 0; feature < RegolithCPUFeatureCount; feature++) {
        if (supports((enum RegolithCPUFeature)feature)) features |= UINT64_C(1) << feature;
    }
#endif
    return features;
}

uint64_t regolith_cpu_build_features(void) { return regolith_build_cpu_features; }

const char *regolith_cpu_build_march(void) { return regolith_build_march; }

uint64_t regolith_cpu_missing_features(void) { return regolith_build_cpu_features & ~regolith_cpu_supported_features(); }

size_t regolith_cpu_feature_names(uint64_t features, char *buffer, size_t capacity) {
    size_t length = 0;
    if (capacity > 0) buffer[0] = 0;
    for (int feature = 0; feature < RegolithCPUFeatureCount; feature++) {
        if (!(features & (UINT64_C(1) << feature))) continue;
        const char *separator = length == 0 ? "" : ", ";
        int written = snprintf(length < capacity ? buffer + length : NULL, length < capacity ? capacity - length : 0,
                               "%s%s", separator, featureNames[feature]);
        if (written > 0) length += (size_t)written;
    }
    return length;
}

#define BIT REGOLITH_CPU_FEATURE_BIT

const char *regolith_cpu_portable_level(uint64_t supported) {
    // The psABI levels, as far as this table tells them apart (v2 also needs CMPXCHG16B and LAHF).
    const uint64_t v2 = BIT(SSE3) | BIT(SSSE3) | BIT(SSE4_1) | BIT(SSE4_2) | BIT(POPCNT);
    const uint64_t v3 = v2 | BIT(AVX) | BIT(AVX2) | BIT(FMA) | BIT(F16C) | BIT(BMI) | BIT(BMI2) | BIT(LZCNT) | BIT(MOVBE);
    if ((supported & v3) == v3) return "x86-64-v3";
    if ((supported & v2) == v2) return "x86-64-v2";
    return "none";
}

size_t regolith_cpu_mismatch_message(const char *march, uint64_t built, uint64_t supported, char *buffer, size_t capacity) {
    char builtNames[512], missingNames[512];
    regolith_cpu_feature_names(built, builtNames, sizeof builtNames);
    regolith_cpu_feature_names(built & ~supported, missingNames, sizeof missingNames);
    int written = snprintf(buffer, capacity,
                           "regolith: this binary was built with -march=%s for x86-64 with %s; this CPU lacks %s. "
                           "Rebuild it on this machine (native), or with REGOLITH_MARCH=%s to run on CPUs like this one "
                           "(README, \"Building for your CPU\").",
                           march, builtNames, missingNames, regolith_cpu_portable_level(supported));
    return written > 0 ? (size_t)written : 0;
}

void regolith_cpu_check_or_exit(void) {
    uint64_t supported = regolith_cpu_supported_features();
    if ((regolith_build_cpu_features & ~supported) == 0) return;
    char message[1536];
    regolith_cpu_mismatch_message(regolith_build_march, regolith_build_cpu_features, supported, message, sizeof message);
    fprintf(stderr, "%s\n", message);
    exit(1);
}
