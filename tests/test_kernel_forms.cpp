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
  using small = Lstm<4, simd::narrow_max_units>;
  using large = Lstm<4, simd::narrow_max_units + 1>;
  CHECK(std::is_same<small::arch, simd::narrow_arch>::value);
  CHECK(std::is_same<large::arch, simd::default_arch>::value);
  CHECK(std::is_same<Dense<simd::narrow_max_units, 40>::arch, simd::narrow_arch>::value);
  const layer_spec specs[] = {{layer_kind::gru, activation::tanh, true, 4, 9},
                              {layer_kind::lstm, activation::tanh, true, 9, 30},
                              {layer_kind::dense, activation::linear, true, 30, 5},
                              {layer_kind::dense, activation::linear, true, 5, 1}};
  DynamicModel m;
  REQUIRE(m.init(specs, 4) == status::ok);
  CHECK(std::string(m.layer_kernels(0)) == simd::ops<simd::narrow_arch>::name());
  CHECK(std::string(m.layer_kernels(1)) == simd::ops<simd::default_arch>::name());
  CHECK(std::string(m.layer_kernels(2)) == simd::ops<simd::default_arch>::name());
  CHECK(std::string(m.layer_kernels(3)) == simd::ops<simd::narrow_arch>::name());
}

// The narrow kernels at every size 1 … 3·W + 1 of their own width (the default sweep reaches
// them only up to narrow_max_units).
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
