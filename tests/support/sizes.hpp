// The one list of layer sizes the latency benchmarks (bench/) and the size tests
// (tests/test_sizes.cpp) both run: hidden units × inputs per step, each followed by Dense(1).
#pragma once

/// X(H, In) for every benchmarked size.
#define EDGERNN_BENCH_SIZES(X) \
  X(8, 1)                      \
  X(16, 1)                     \
  X(32, 1) X(64, 1) X(128, 1) X(256, 1) X(8, 8) X(16, 8) X(32, 8) X(64, 8) X(128, 8) X(256, 8)
