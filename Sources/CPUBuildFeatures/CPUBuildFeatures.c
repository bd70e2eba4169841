#include "CPUBuildFeatures.h"

#ifndef REGOLITH_MARCH
#define REGOLITH_MARCH "none"
#endif

const char regolith_build_march[] = REGOLITH_MARCH;

#define BIT REGOLITH_CPU_FEATURE_BIT

const uint64_t regolith_build_cpu_features = 0
#if defined(__x86_64__)
#ifdef __SSE3__
    | BIT(SSE3)
#endif
#ifdef __SSSE3__
    | BIT(SSSE3)
#endif
#ifdef __SSE4_1__
    | BIT(SSE4_1)
#endif
#ifdef __SSE4_2__
    | BIT(SSE4_2)
#endif
#ifdef __POPCNT__
    | BIT(POPCNT)
#endif
#ifdef __AVX__
    | BIT(AVX)
#endif
#ifdef __AVX2__
    | BIT(AVX2)
#endif
#ifdef __FMA__
    | BIT(FMA)
#endif
#ifdef __F16C__
    | BIT(F16C)
#endif
#ifdef __BMI__
    | BIT(BMI)
#endif
#ifdef __BMI2__
    | BIT(BMI2)
#endif
#ifdef __LZCNT__
    | BIT(LZCNT)
#endif
#ifdef __MOVBE__
    | BIT(MOVBE)
#endif
#ifdef __AES__
    | BIT(AES)
#endif
#ifdef __PCLMUL__
    | BIT(PCLMUL)
#endif
#ifdef __AVXVNNI__
    | BIT(AVXVNNI)
#endif
#ifdef __AVX512F__
    | BIT(AVX512F)
#endif
#ifdef __AVX512CD__
    | BIT(AVX512CD)
#endif
#ifdef __AVX512BW__
    | BIT(AVX512BW)
#endif
#ifdef __AVX512DQ__
    | BIT(AVX512DQ)
#endif
#ifdef __AVX512VL__
    | BIT(AVX512VL)
#endif
#ifdef __AVX512VNNI__
    | BIT(AVX512VNNI)
#endif
#ifdef __AVX512BF16__
    | BIT(AVX512BF16)
#endif
#ifdef __AVX512FP16__
    | BIT(AVX512FP16)
#endif
#ifdef __AVX512VBMI__
    | BIT(AVX512VBMI)
#endif
#ifdef __AVX512VBMI2__
    | BIT(AVX512VBMI2)
#endif
#ifdef __AVX512IFMA__
    | BIT(AVX512IFMA)
#endif
#ifdef __AVX512BITALG__
    | BIT(AVX512BITALG)
#endif
#ifdef __AVX512VPOPCNTDQ__
    | BIT(AVX512VPOPCNTDQ)
#endif
#ifdef __GFNI__
    | BIT(GFNI)
#endif
#ifdef __VPCLMULQDQ__
    | BIT(VPCLMULQDQ)
#endif
#endif
    ;
