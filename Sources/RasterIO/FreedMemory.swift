import CGDAL

/// How freed memory goes back to the system, for the memory contract (peak RSS ≤ `--memory` + 64 MiB).
///
/// glibc serves a large allocation by `mmap` and returns it on `free`, but after freeing one it raises
/// that threshold to the freed size (up to 32 MiB) and its trimming threshold to twice that. GDAL's
/// block cache allocates and frees a block on every miss: with an L1A image's 16-row strips
/// (1.1 MB across a 34320-pixel PAN), each reading thread's heap then kept the blocks the cache had
/// already evicted. Measured on the full-size product (PAN 34320 × 30668), `ortho --pansharpen
/// --memory 256MiB` on 2 threads: peak RSS 315 MiB at 20 % of the tiles before, 162 MiB after. The
/// cost: 5 % more CPU time on a 1500 × 1500 L1A product (the kernel maps and zeroes each block afresh).
enum FreedMemory {
    /// Allocations from this size up are mapped on their own and unmapped when freed.
    static let separatelyMappedBytes = 128 << 10

    /// Fixes glibc's thresholds (setting one turns off their growth); a no-op elsewhere.
    static func returnLargeBlocksPromptly() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, Int32(separatelyMappedBytes))
        _ = mallopt(M_TRIM_THRESHOLD, Int32(separatelyMappedBytes))
        #endif
    }
}
