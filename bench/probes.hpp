// Machine probes the benchmarks compare against: the FMA peak of one core, the FMA rate when
// every multiplicand is widened from binary16, and the read bandwidth of each cache level,
// measured in the same binary as the kernels.
#pragma once

#include <cstddef>

namespace edgernn::bench {

/// Single-core float32 FMA throughput in GFLOP/s (2 flops per lane per FMA), with the widest
/// registers the build uses.
double peak_gflops();

/// Single-core float32 FMA throughput in GFLOP/s when each FMA's weight operand is loaded from
/// binary16 and widened (the f16 kernels' load: F16C, NEON or software conversion), with the
/// registers the f16 layers use (simd::narrow_arch), a broadcast per row and as many
/// accumulators as their LSTM column blocks, the weights in L1. The compute ceiling of the f16
/// kernels: on CPUs where the conversion competes with the FMAs for issue slots, it is below
/// peak_gflops().
double widened_gflops();

/// Sustained read bandwidth in GB/s of a buffer of `bytes`, read over and over (so it lives
/// in whichever cache level holds it).
double read_bandwidth(std::size_t bytes);

/// Data cache sizes per level in bytes, as the OS reports them (sysconf on Linux/glibc), each
/// level that reports nothing taken as Zen 4's (32 KiB, 1 MiB, 32 MiB).
struct cache_sizes {
  std::size_t l1, l2, l3;
};
cache_sizes caches();

/// The working set probed for each level's bandwidth: half of L1, 3/8 of L2, a quarter of L3
/// (at most 8 MiB: an L3 is shared by the cores) — well inside the level, well above the one
/// below it. (level 1, 2 or 3.)
std::size_t probe_bytes(int level);

/// The bandwidth of the cache level that holds a working set of `bytes`: a level holds a working
/// set up to 3/4 of its size (the rest goes to the state, the code and the other data); each
/// level probed once (probe_bytes), then memory.
double bandwidth_for(std::size_t bytes);

}  // namespace edgernn::bench
