#ifndef REGOLITH_CPU_CHECK_H
#define REGOLITH_CPU_CHECK_H

#include <stddef.h>
#include <stdint.h>

/// The features of `regolith_build_cpu_features` this CPU (and its operating system) supports, as
/// the same bits. 0 on other architectures than x86-64.
uint64_t regolith_cpu_supported_features(void);

/// The features this binary was compiled for (`regolith_build_cpu_features`) and its `-march` value.
uint64_t regolith_cpu_build_features(void);
const char *regolith_cpu_build_march(void);

/// The build's features this CPU lacks (0 when it can run this binary).
uint64_t regolith_cpu_missing_features(void);

/// Writes the names of the features in `features` (e.g. "avx2, fma"), NUL-terminated, into
/// `buffer`; returns the length the whole text needs.
size_t regolith_cpu_feature_names(uint64_t features, char *buffer, size_t capacity);

/// The highest portable level (`x86-64-v3`, `x86-64-v2`) whose features are all in `supported`, or
/// `none`: what to rebuild with for a CPU like this one.
const char *regolith_cpu_portable_level(uint64_t supported);

/// Writes the one-line message for a binary built with `-march=<march>` for `built` on a CPU that
/// supports `supported`, NUL-terminated, into `buffer`; returns the length the whole text needs.
size_t regolith_cpu_mismatch_message(const char *march, uint64_t built, uint64_t supported, char *buffer, size_t capacity);

/// Checks this CPU against the build's features; when some are missing prints the message on
/// stderr and exits with status 1, instead of dying later on an illegal instruction.
void regolith_cpu_check_or_exit(void);

#endif
