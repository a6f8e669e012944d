// The one list of layer sizes the latency benchmarks (bench/) and the size tests
// (tests/test_sizes.cpp) both run: hidden units × inputs per step, each followed by Dense(1).
#pragma once

/// X(H, In) for every benchmarked size.
#define EDGERNN_BENCH_SIZES(X) \
  X(8, 1)                      \
  X(16, 1)                     \
  X(32, 1) X(64, 1) X(128, 1) X(256, 1) X(8, 8) X(16, 8) X(32, 8) X(64, 8) X(128, 8) X(256, 8)

/// X(H, In) for the benchmarks of step() against run() with wide inputs (bench/ only: their
/// static and sequence rows), where run()'s input projections are a matrix product over
/// several steps (detail::project_block; tests/test_sequence.cpp runs that path bit for bit
/// against step()).
#define EDGERNN_BENCH_WIDE_SIZES(X) \
  X(32, 16) X(64, 16) X(128, 16) X(32, 64) X(64, 64) X(128, 64) X(32, 256) X(64, 256) X(128, 256)

/// X(H, In) for the benchmarks of the two kernel widths of an AVX-512 build (bench/ only: their
/// width and width-alt rows) at sizes that are not a multiple of 16, where the 256-bit kernels
/// pad to fewer lanes (simd::narrow_by_default).
#define EDGERNN_BENCH_WIDTH_SIZES(X) X(20, 1) X(24, 8) X(40, 1) X(50, 1) X(100, 8)
