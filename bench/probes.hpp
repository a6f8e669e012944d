// Machine probes the benchmarks compare against: the FMA peak of one core and the read
// bandwidth of each cache level, measured in the same binary as the kernels.
#pragma once

#include <cstddef>

namespace edgernn::bench {

/// Single-core float32 FMA throughput in GFLOP/s (2 flops per lane per FMA), with the widest
/// registers the build uses.
double peak_gflops();

/// Sustained read bandwidth in GB/s of a buffer of `bytes`, read over and over (so it lives
/// in whichever cache level holds it).
double read_bandwidth(std::size_t bytes);

/// The bandwidth of the cache level that holds a working set of `bytes` (probed once per
/// level: L1 ≤ 24 KiB, L2 ≤ 768 KiB, L3 ≤ 16 MiB, then memory).
double bandwidth_for(std::size_t bytes);

}  // namespace edgernn::bench
