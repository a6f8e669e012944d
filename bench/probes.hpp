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

/// The bandwidth of the cache level that holds a working set of `bytes` (probed once per
/// level: L1 ≤ 24 KiB, L2 ≤ 768 KiB, L3 ≤ 16 MiB, then memory).
double bandwidth_for(std::size_t bytes);

}  // namespace edgernn::bench
