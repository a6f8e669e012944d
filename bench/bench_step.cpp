// Per-step latency of every cell at every size in tests/support/sizes.hpp, each followed by
// Dense(1): the static Model with this build's kernels, the same with binary16 weights, with
// the cheaper activations and with the scalar kernels, DynamicModel, and run() over 1000-step
// sequences.
//
// Counters (all from CPU time, so time the process spends descheduled on a shared machine
// does not count):
//   ns/step      time per step (shown with an SI prefix: 28.1n = 28.1 ns)
//   GFLOP/s      2 flops per multiply-add of the step
//   %peak        of the single-core FMA peak measured by this binary
//   %ceiling     of the weight-streaming ceiling: weight bytes per step ÷ the measured read
//                bandwidth of the cache level the weights fit in; for binary16 weights, of the
//                slower of that and the step's flops at the measured widen-and-FMA rate
//                (bench::widened_gflops), which is what bounds them when the FMAs cannot
//                hide the conversions
//
// The cases are in step_cases.hpp, built one cell per translation unit (step_<cell>.cpp).
//
// Run: build/release/bench/edgernn_bench --benchmark_repetitions=5
//      --benchmark_report_aggregates_only=true   (medians are what the README quotes)
#include <benchmark/benchmark.h>

#include <string>

#include "probes.hpp"
#include "step_cases.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("kernels", edgernn::simd::ops<edgernn::simd::default_arch>::name());
  // Which layers run the 256-bit kernels of an AVX-512 build (simd::default_width_rule).
  benchmark::AddCustomContext("width_rule",
                              edgernn::simd::to_string(edgernn::simd::default_width_rule));
  benchmark::AddCustomContext("peak_gflops", std::to_string(edgernn::bench::peak_gflops()));
  benchmark::AddCustomContext("widened_gflops", std::to_string(edgernn::bench::widened_gflops()));
  // Each cache level's size and the bandwidth the % ceiling counters use for it.
  const edgernn::bench::cache_sizes c = edgernn::bench::caches();
  const std::size_t sizes[] = {c.l1, c.l2, c.l3};
  for (int level = 1; level <= 3; ++level) {
    const std::string l = "L" + std::to_string(level);
    benchmark::AddCustomContext("cache_KiB_" + l, std::to_string(sizes[level - 1] >> 10));
    benchmark::AddCustomContext(
        "read_GBps_" + l,
        std::to_string(edgernn::bench::read_bandwidth(edgernn::bench::probe_bytes(level))));
  }
  edgernn_bench::register_simple_rnn();
  edgernn_bench::register_lstm();
  edgernn_bench::register_gru();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
