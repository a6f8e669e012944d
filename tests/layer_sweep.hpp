// Every layer against the float64 reference over all tails of the SIMD width.
//
// For each layer type: hidden sizes 1 … 3·W + 1 (W = floats per register of the kernels under
// test: every remainder, full blocks and the short tail block) and two larger sizes (64 and
// 5·W + 3, where the kernels may choose other block widths), input sizes 1, 2, 3 and 8,
// random contractive weights, a 1000-step random input sequence from zero state, every output
// compared with the reference. The full grid runs through DynamicModel (the same kernels and
// packing with run-time sizes, so one build covers every size); the static Model<Layer> runs
// the corner sizes 1, W + 1 and 3W + 1 at inputs 1 and 3 (each static size is a separate
// template instantiation, costly to build).
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "support/harness.hpp"

namespace edgernn::test {

inline constexpr std::size_t sweep_width = simd::ops<simd::default_arch>::width;
inline constexpr std::size_t sweep_steps = 1000;
inline constexpr std::size_t sweep_inputs_list[] = {1, 2, 3, 8};
/// Sizes beyond 3·W + 1: 64 units and 5·W + 3 (a short block after full ones), where the
/// LSTM/GRU kernels switch block widths (simd gate_block_regs).
inline constexpr std::size_t sweep_large_units[] = {64, 5 * sweep_width + 3};

// float32 kernels with FMA and the rational activations (≤ 4e-7) against float64: the per-step
// rounding is ~1e-7 of the largest term; the contractive recurrence keeps the sum of past errors
// bounded by that over (1 − ρ) with ρ ≈ 0.5. 2e-6 absolute + 1e-5 relative is ~4× the largest
// error measured (5.4e-7, SimpleRNN relu) and 5–10× tighter than the golden-file tolerance.
inline constexpr tolerance layer_tolerance{2e-6, 1e-5};

struct sweep_result {
  double max_abs = 0;
  std::size_t cases = 0;
};

/// Compares `outputs` (steps × out, from the kernels) with the reference run of `d` over
/// `inputs`; records the worst error.
void compare_with_reference(const io::model_desc& d, const std::vector<float>& inputs,
                            const std::vector<float>& outputs, sweep_result& result,
                            simd::fit fit = simd::fit::precise);

/// Random inputs for sweep_steps steps of `n` values.
std::vector<float> sweep_inputs(std::size_t n, std::uint64_t seed);

/// The full size grid for one layer family through DynamicModel.
sweep_result sweep_dynamic(const io::layer_desc& family);

template <class L>
void check_static(std::uint64_t seed, sweep_result& result) {
  using M = Model<L>;
  static M model;  // static: the large ones do not belong on the stack
  model.reset();   // set_model overwrites every weight
  const io::model_desc d = random_model<L>(seed);
  REQUIRE(set_model(model, d) == status::ok);
  const std::vector<float> in = sweep_inputs(L::in_size, seed);
  std::vector<float> out(sweep_steps * M::out_size);
  model.run(in.data(), out.data(), sweep_steps);
  compare_with_reference(d, in, out, result, L::activation_fit);
}

/// Static corner sizes of `Family<In, H>`. On AVX-512, 1, w + 1 and 3·w + 1 units run the
/// 256-bit kernels (simd::narrow_by_default) and 2·w − 1 and 2·w + 9 the 512-bit ones.
template <template <std::size_t, std::size_t> class Family>
sweep_result sweep_static() {
  constexpr std::size_t w = sweep_width;
  sweep_result r;
  check_static<Family<1, 1>>(11, r);
  check_static<Family<1, w + 1>>(12, r);
  check_static<Family<1, 3 * w + 1>>(13, r);
  check_static<Family<3, 1>>(14, r);
  check_static<Family<3, w + 1>>(15, r);
  check_static<Family<3, 3 * w + 1>>(16, r);
  check_static<Family<1, 2 * w - 1>>(17, r);
  check_static<Family<3, 2 * w + 9>>(18, r);
  return r;
}

}  // namespace edgernn::test

#define EDGERNN_SWEEP_CASE(name, family)                                                     \
  TEST_CASE(name) {                                                                          \
    namespace t = ::edgernn::test;                                                           \
    const auto dyn = t::sweep_dynamic(t::describe<family<1, 1>>());                          \
    const auto sta = t::sweep_static<family>();                                              \
    MESSAGE(name << ": DynamicModel " << dyn.cases << " sizes, max |error| " << dyn.max_abs  \
                 << "; Model " << sta.cases << " sizes, max |error| " << sta.max_abs << " (" \
                 << t::sweep_steps << " steps each)");                                       \
    CHECK(dyn.cases == 4 * (3 * t::sweep_width + 1 + 2));                                    \
    CHECK(sta.cases == 8);                                                                   \
  }
