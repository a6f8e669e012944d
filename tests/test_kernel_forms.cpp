// The fused activation forms the layers use (simd/activations.hpp), measured like tanh and
// sigmoid themselves, and the per-size kernel choice (simd::arch_for): the 256-bit kernels of
// an AVX-512 build against the float64 reference over every tail of their width.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "layer_sweep.hpp"

namespace {

using namespace edgernn;

float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

template <class Arch, simd::fit F>
void measure_forms() {
  using O = simd::ops<Arch>;
  constexpr std::size_t W = O::width;
  namespace a = simd::detail;
  alignas(64) float in[64], m[64], r1[64], r2[64], r3[64], r4[64];
  double tt = 0, sh = 0, s0 = 0;
  std::size_t nan_wrong = 0, out_of_range = 0, count = 0;
  std::uint32_t seed = 12345;
  // Every 509th bit pattern on the host (NaN, infinities and subnormals included) and a dense sweep
  // of [−20, 20]; multipliers in [−1, 1] (gate values). Under qemu (cross builds) 8x sparser, as in
  // test_activations.cpp.
#if defined(EDGERNN_TEST_EMULATED)
  constexpr std::uint32_t stride = 4001, dense_step = 8;
#else
  constexpr std::uint32_t stride = 509, dense_step = 1;
#endif
  std::vector<float> xs;
  for (std::uint64_t u = 0; u <= 0xFFFFFFFFull; u += stride)
    xs.push_back(from_bits(static_cast<std::uint32_t>(u)));
  for (int i = -2000000; i <= 2000000; i += static_cast<int>(dense_step))
    xs.push_back(static_cast<float>(i) * 1e-5f);
  for (std::size_t i = 0; i < xs.size(); i += W) {
    const std::size_t n = xs.size() - i < W ? xs.size() - i : W;
    for (std::size_t l = 0; l < W; ++l) {
      in[l] = l < n ? xs[i + l] : 0.0f;
      seed = seed * 1664525u + 1013904223u;
      m[l] = static_cast<float>(seed >> 8) / 8388608.0f - 1.0f;
    }
    O::store(r1, a::tanh_times<Arch, F>(O::load(in), O::load(m)));
    O::store(r2, a::sigmoid_of_half<Arch, F>(O::load(in)));
    O::store(r3, a::sigmoid_of_half_minus_half<Arch, F>(O::load(in)));
    O::store(r4, simd::sigmoid<Arch, F>(O::load(in)));
    for (std::size_t l = 0; l < n; ++l) {
      const double x = in[l];
      ++count;
      if (std::isnan(x)) {
        nan_wrong +=
            !std::isnan(r1[l]) + !std::isnan(r2[l]) + !std::isnan(r3[l]) + !std::isnan(r4[l]);
        continue;
      }
      const double t = std::tanh(x), s = 1.0 / (1.0 + std::exp(-2.0 * x));
      // m·tanh(x) relative to |m| (the layer multiplies by a gate in [0, 1]).
      tt = std::max(tt, std::fabs(r1[l] - m[l] * t) / (std::fabs(m[l]) + 1e-30));
      sh = std::max(sh, std::fabs(r2[l] - s));
      s0 = std::max(s0, std::fabs(r3[l] - (s - 0.5)));
      // Gates stay gates: within two ulps of [0, 1]. Just below the clamp the rational
      // overshoots |tanh| = 1 by an ulp; how that rounds into 0.5 + 0.5·t depends on how the
      // compiler contracts the evaluation (x86: −6e−8 … 1; NEON: −8.3e−8 … 1 + 1.2e−7).
      // The public sigmoid clamps: exactly in [0, 1].
      if (r2[l] < -1.2e-7f || r2[l] > 1.00000024f || std::fabs(r3[l]) > 0.50000012f) ++out_of_range;
      if (!(r4[l] >= 0.0f && r4[l] <= 1.0f)) ++out_of_range;
    }
  }
  MESSAGE(std::string(O::name()) << std::string(F == simd::fit::fast ? " (fast fit)" : "") << ": "
                                 << count << " values; m·tanh(x) max error / |m| " << tt
                                 << "; sigmoid(2u) max |error| " << sh
                                 << "; sigmoid(2u) − 0.5 max |error| " << s0);
  CHECK(nan_wrong == 0);
  CHECK(out_of_range == 0);
  // tanh's own bound plus one rounding of the product; sigmoid's bound.
  const simd::error_bounds bound = simd::max_errors(F);
  CHECK(tt <= bound.tanh_rel + 1.2e-7);
  CHECK(sh <= bound.sigmoid_abs);
  CHECK(s0 <= bound.sigmoid_abs);
}

// Every width this build has, with fit F.
template <simd::fit F>
void measure_forms_all() {
  measure_forms<simd::default_arch, F>();
  if (!std::is_same<simd::narrow_arch, simd::default_arch>::value)
    measure_forms<simd::narrow_arch, F>();
  measure_forms<simd::scalar, F>();
}

// splat<c>(load_quads(p)) is broadcast(p[c]) bit for bit (signed zeros, subnormals, NaN
// payloads), wherever accumulate() uses it instead of broadcasts.
template <class Arch>
void check_quads() {
  using O = simd::ops<Arch>;
  if constexpr (O::has_quads) {
    const float p[4] = {-0.0f, from_bits(0x00000123u), from_bits(0x7FC01234u), 3.25f};
    const auto q = O::load_quads(p);
    alignas(64) float got[4][O::width], want[4][O::width];
    O::store(got[0], O::template splat<0>(q));
    O::store(got[1], O::template splat<1>(q));
    O::store(got[2], O::template splat<2>(q));
    O::store(got[3], O::template splat<3>(q));
    for (int c = 0; c < 4; ++c)
      O::store(want[c], O::broadcast(p[c]));
    CHECK(std::memcmp(got, want, sizeof got) == 0);
  }
}

}  // namespace

TEST_CASE("fused activation forms stay within the documented bounds") {
  measure_forms_all<simd::fit::precise>();
  measure_forms_all<simd::fit::fast>();
}

TEST_CASE("quad broadcasts equal plain broadcasts") {
  check_quads<simd::default_arch>();
  check_quads<simd::narrow_arch>();
  CHECK(!simd::ops<simd::scalar>::has_quads);
}

TEST_CASE("layers choose their kernels by size (simd::arch_for), DynamicModel alike") {
  // Up to 16 units narrow; above, narrow where 8-lane registers pad to fewer lanes (units mod
  // 16 in 1 … 8), wide elsewhere; except LSTM and GRU of 9 … 16 units with gates · inputs ≥ 16
  // and SimpleRNN of 33 … 40 units, wide. (Without AVX-512 both are the same kernels.)
  const bool has_two = !std::is_same<simd::narrow_arch, simd::default_arch>::value;
  for (std::size_t u : {1, 8, 9, 16, 17, 20, 24, 33, 40, 50, 56, 72, 100, 120})
    CHECK(simd::narrow_by_default(u));
  for (std::size_t u : {25, 30, 32, 41, 48, 60, 64, 128})
    CHECK(!simd::narrow_by_default(u));
  // Recurrent layers: (units, gates, inputs).
  for (std::size_t g : {1, 3, 4}) {
    CHECK(simd::narrow_by_default(8, g, 64));
    CHECK(simd::narrow_by_default(17, g, 64));
    CHECK(simd::narrow_by_default(50, g, 1));
    CHECK(!simd::narrow_by_default(32, g, 1));
    CHECK(!simd::narrow_by_default(41, g, 1));
  }
  CHECK(simd::narrow_by_default(16, 4, 3));
  CHECK(!simd::narrow_by_default(16, 4, 4));
  CHECK(!simd::narrow_by_default(9, 4, 8));
  CHECK(simd::narrow_by_default(16, 3, 5));
  CHECK(!simd::narrow_by_default(12, 3, 6));
  CHECK(simd::narrow_by_default(16, 1, 64));
  CHECK(simd::narrow_by_default(40, 4, 1));
  CHECK(simd::narrow_by_default(40, 3, 8));
  for (std::size_t u = 33; u <= 40; ++u)
    CHECK(!simd::narrow_by_default(u, 1, 1));
  CHECK(simd::narrow_by_default(49, 1, 8));
  CHECK(std::is_same<Lstm<3, simd::narrow_max_units>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Lstm<4, simd::narrow_max_units>::arch, simd::default_arch>::value);
  CHECK(std::is_same<Lstm<8, 8>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Lstm<8, 16, fast_activations>::arch, simd::default_arch>::value);
  CHECK(std::is_same<Lstm<8, 16, f16>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Lstm<4, 24>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Gru<5, 12>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Gru<6, 12, false>::arch, simd::default_arch>::value);
  CHECK(std::is_same<Gru<4, 25>::arch, simd::default_arch>::value);
  CHECK(std::is_same<SimpleRnn<64, 16>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<SimpleRnn<4, 40>::arch, simd::default_arch>::value);
  CHECK(std::is_same<SimpleRnn<4, 48>::arch, simd::default_arch>::value);
  CHECK(std::is_same<SimpleRnn<4, 50>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Dense<simd::narrow_max_units, 40>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Dense<40, 1>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Dense<50, 1>::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<Dense<30, 1>::arch, simd::default_arch>::value);
  const layer_spec specs[] = {{layer_kind::gru, activation::tanh, true, 4, 9},
                              {layer_kind::lstm, activation::tanh, true, 9, 16},
                              {layer_kind::lstm, activation::tanh, true, 16, 30},
                              {layer_kind::dense, activation::linear, true, 30, 50},
                              {layer_kind::simple_rnn, activation::tanh, true, 50, 40},
                              {layer_kind::simple_rnn, activation::tanh, true, 40, 20},
                              {layer_kind::dense, activation::linear, true, 20, 1}};
  DynamicModel m;
  REQUIRE(m.init(specs, 7) == status::ok);
  const std::string narrow = simd::ops<simd::narrow_arch>::name(),
                    wide = simd::ops<simd::default_arch>::name();
  CHECK(m.layer_kernels(0) == narrow);
  CHECK(m.layer_kernels(1) == wide);
  CHECK(m.layer_kernels(2) == wide);
  CHECK(m.layer_kernels(3) == wide);
  CHECK(m.layer_kernels(4) == wide);
  CHECK(m.layer_kernels(5) == narrow);
  CHECK(m.layer_kernels(6) == narrow);
  CHECK(has_two == (narrow != wide));
}

#ifdef EDGERNN_HAS_NARROW_ARCH
// The 512-bit kernels where the layers default to the 256-bit ones above 16 units (a last
// register of 1 to 8 lanes: simd::narrow_by_default), which the default sweeps no longer reach:
// what a layer with explicit AVX-512 kernels runs.
namespace {
using wide_arch = simd::default_arch;
template <std::size_t In, std::size_t H>
using wide_lstm = Lstm<In, H, wide_arch>;
template <std::size_t In, std::size_t H>
using wide_gru = Gru<In, H, false, wide_arch>;
template <std::size_t In, std::size_t H>
using wide_srnn = SimpleRnn<In, H, activation::tanh, wide_arch>;
template <template <std::size_t, std::size_t> class Family>
void sweep_wide_tails(edgernn::test::sweep_result& r) {
  namespace t = edgernn::test;
  t::check_static<Family<3, 17>>(21, r);
  t::check_static<Family<3, 20>>(22, r);
  t::check_static<Family<1, 24>>(23, r);
  t::check_static<Family<3, 33>>(24, r);
  t::check_static<Family<1, 40>>(25, r);
}
}  // namespace

TEST_CASE("512-bit kernels match the reference where the default is 256-bit") {
  edgernn::test::sweep_result res;
  sweep_wide_tails<wide_lstm>(res);
  sweep_wide_tails<wide_gru>(res);
  sweep_wide_tails<wide_srnn>(res);
  MESSAGE(std::string(simd::ops<wide_arch>::name())
          << ": " << res.cases << " sizes, max |error| " << res.max_abs);
  CHECK(res.cases == 15);
}
#endif

// The narrow kernels at every size 1 … 3·W + 1 of their own width (the default sweep runs them
// only at the sizes simd::narrow_by_default gives them).
TEST_CASE("256-bit kernels match the reference for every tail of their width") {
  using A = simd::narrow_arch;
  constexpr std::size_t w = simd::ops<A>::width;
  namespace t = edgernn::test;
  t::sweep_result res;
  for (layer_kind kind : {layer_kind::lstm, layer_kind::gru, layer_kind::simple_rnn}) {
    for (std::size_t in : {1u, 3u, 8u}) {
      for (std::size_t h = 1; h <= 3 * w + 1; ++h) {
        io::model_desc d;
        d.in = in;
        io::layer_desc l;
        l.kind = kind;
        l.act = activation::tanh;
        l.in = in;
        l.units = h;
        t::rng r(in * 100 + h);
        t::randomize(l, r);
        d.layers.push_back(l);
        // An explicit narrow model: every layer of BasicDynamicModel<narrow_arch> is narrow.
        BasicDynamicModel<A> model;
        const layer_spec spec{l.kind, l.act, l.reset_after, in, h};
        REQUIRE(model.init(&spec, 1) == status::ok);
        REQUIRE(model.set_weights(0, {l.kernel.data(), l.kernel.size()},
                                  {l.recurrent.data(), l.recurrent.size()},
                                  {l.bias.data(), l.bias.size()}) == status::ok);
        const std::vector<float> x = t::sweep_inputs(in, in * 100 + h);
        std::vector<float> y(t::sweep_steps * h);
        model.run(x.data(), y.data(), t::sweep_steps);
        t::compare_with_reference(d, x, y, res);
      }
    }
  }
  MESSAGE(std::string(simd::ops<A>::name())
          << ": " << res.cases << " sizes, max |error| " << res.max_abs);
  CHECK(res.cases == 3 * 3 * (3 * w + 1));
}
