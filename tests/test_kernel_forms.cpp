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
  // of [−20, 20]; multipliers in [−1, 1] (gate values). Under qemu (cross builds) and the
  // sanitizers 8x sparser, as in test_activations.cpp.
#if defined(EDGERNN_TEST_SPARSE_SWEEPS)
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

// One case per fit, so that ctest runs them side by side.
TEST_CASE("fused activation forms stay within the documented bounds") {
  measure_forms_all<simd::fit::precise>();
}

TEST_CASE("fused activation forms of the cheaper fit stay within its bounds") {
  measure_forms_all<simd::fit::fast>();
}

TEST_CASE("quad broadcasts equal plain broadcasts") {
  check_quads<simd::default_arch>();
  check_quads<simd::narrow_arch>();
  CHECK(!simd::ops<simd::scalar>::has_quads);
}

TEST_CASE("the Zen 4 width rule: 256-bit kernels for small layers and where they pad less") {
  // Up to 16 units narrow; above, narrow where 8-lane registers pad to fewer lanes (units mod
  // 16 in 1 … 8), wide elsewhere; except LSTM and GRU of 9 … 16 units with gates · inputs ≥ 16
  // and SimpleRNN of 33 … 40 units, wide.
  auto narrow = [](std::size_t u, std::size_t g = 0, std::size_t in = 0) {
    return simd::narrow_by_default(u, g, in, simd::width_rule::zen4);
  };
  for (std::size_t u : {1, 8, 9, 16, 17, 20, 24, 33, 40, 50, 56, 72, 100, 120})
    CHECK(narrow(u));
  for (std::size_t u : {25, 30, 32, 41, 48, 60, 64, 128})
    CHECK(!narrow(u));
  // Recurrent layers: (units, gates, inputs).
  for (std::size_t g : {1, 3, 4}) {
    CHECK(narrow(8, g, 64));
    CHECK(narrow(17, g, 64));
    CHECK(narrow(50, g, 1));
    CHECK(!narrow(32, g, 1));
    CHECK(!narrow(41, g, 1));
  }
  CHECK(narrow(16, 4, 3));
  CHECK(!narrow(16, 4, 4));
  CHECK(!narrow(9, 4, 8));
  CHECK(narrow(16, 3, 5));
  CHECK(!narrow(12, 3, 6));
  CHECK(narrow(16, 1, 64));
  CHECK(narrow(40, 4, 1));
  CHECK(narrow(40, 3, 8));
  for (std::size_t u = 33; u <= 40; ++u)
    CHECK(!narrow(u, 1, 1));
  CHECK(narrow(49, 1, 8));
}

TEST_CASE("the forced width rules: every layer narrow, every layer wide") {
  for (std::size_t u = 1; u <= 300; u += 7) {
    for (std::size_t g : {0, 1, 3, 4}) {
      CHECK(simd::narrow_by_default(u, g, 8, simd::width_rule::narrow));
      CHECK(!simd::narrow_by_default(u, g, 8, simd::width_rule::wide));
    }
  }
}

TEST_CASE("the Intel width rule: 256-bit while each gate needs a few 8-lane registers") {
  auto narrow = [](std::size_t u, std::size_t g, std::size_t in) {
    return simd::narrow_by_default(u, g, in, simd::width_rule::intel);
  };
  // SimpleRNN: 5 registers (40 units) up to 4 inputs, 4 (32 units) up to 16, then 3 (24).
  CHECK(narrow(40, 1, 4));
  CHECK(!narrow(41, 1, 1));
  CHECK(narrow(32, 1, 16));
  CHECK(!narrow(33, 1, 5));
  CHECK(narrow(24, 1, 17));
  CHECK(!narrow(25, 1, 64));
  // LSTM: 2 registers (16 units) up to 7 inputs, then 1 (8 units).
  CHECK(narrow(16, 4, 7));
  CHECK(!narrow(17, 4, 1));
  CHECK(narrow(8, 4, 64));
  CHECK(!narrow(9, 4, 8));
  // GRU: 3 registers (24 units) up to 2 inputs, 2 (16 units) up to 16, then 1 (8 units).
  CHECK(narrow(24, 3, 2));
  CHECK(!narrow(25, 3, 1));
  CHECK(narrow(16, 3, 16));
  CHECK(!narrow(17, 3, 3));
  CHECK(narrow(8, 3, 17));
  CHECK(!narrow(9, 3, 32));
  // Where 8-lane registers pad less: LSTM of 49 … 53 units with up to 4 inputs; LSTM and GRU
  // of 33 … 40 units with gates · inputs ≥ 128 (LSTM from 32 inputs, GRU from 43).
  for (std::size_t u = 49; u <= 53; ++u) {
    CHECK(narrow(u, 4, 1));
    CHECK(narrow(u, 4, 4));
    CHECK(!narrow(u, 4, 5));
    CHECK(!narrow(u, 3, 1));
  }
  CHECK(!narrow(48, 4, 1));
  CHECK(!narrow(54, 4, 1));
  for (std::size_t u = 33; u <= 40; ++u) {
    CHECK(narrow(u, 4, 32));
    CHECK(!narrow(u, 4, 31));
    CHECK(narrow(u, 3, 43));
    CHECK(!narrow(u, 3, 42));
    CHECK(!narrow(u, 1, 64));
  }
  CHECK(!narrow(32, 4, 64));
  CHECK(!narrow(41, 4, 64));
  // Large layers: 512-bit at any input count.
  for (std::size_t g : {1, 3, 4}) {
    for (std::size_t in : {1, 8, 64}) {
      CHECK(!narrow(64, g, in));
      CHECK(!narrow(100, g, in));
      CHECK(!narrow(256, g, in));
    }
  }
  // Dense layers choose by their inputs: up to 40, and as under the Zen 4 rule above.
  for (std::size_t u = 1; u <= 130; ++u) {
    CHECK(narrow(u, 0, 0) == (u <= 40 || simd::narrow_by_default(u, 0, 0, simd::width_rule::zen4)));
  }
}

TEST_CASE("binary16 layers' width rules") {
  using simd::width_rule;
  for (std::size_t u = 1; u <= 300; u += 5) {
    for (std::size_t g : {0, 1, 3, 4}) {
      CHECK(simd::half_narrow_by_default(u, g, 8, width_rule::zen4));
      CHECK(simd::half_narrow_by_default(u, g, 8, width_rule::narrow));
      CHECK(!simd::half_narrow_by_default(u, g, 8, width_rule::wide));
    }
  }
  auto narrow = [](std::size_t u, std::size_t g, std::size_t in) {
    return simd::half_narrow_by_default(u, g, in, width_rule::intel);
  };
  // SimpleRNN: up to 56 units with up to 4 inputs, 40 up to 16, then 24; padding less up to 104.
  CHECK(narrow(56, 1, 4));
  CHECK(!narrow(57 + 7, 1, 4));
  CHECK(narrow(40, 1, 16));
  CHECK(!narrow(41 + 7, 1, 16));
  CHECK(narrow(24, 1, 17));
  CHECK(!narrow(25 + 7, 1, 64));
  CHECK(narrow(100, 1, 64));
  CHECK(!narrow(116, 1, 1));
  CHECK(!narrow(128, 1, 1));
  // LSTM and GRU: up to 24 units with up to 16 inputs, then 8; padding less up to 56.
  for (std::size_t g : {3, 4}) {
    CHECK(narrow(24, g, 16));
    CHECK(!narrow(25 + 7, g, 16));
    CHECK(narrow(8, g, 17));
    CHECK(!narrow(9 + 7, g, 64));
    CHECK(narrow(20, g, 64));
    CHECK(narrow(52, g, 1));
    CHECK(!narrow(60, g, 1));
    CHECK(!narrow(68, g, 1));
    CHECK(!narrow(64, g, 1));
    CHECK(!narrow(128, g, 1));
  }
  // Dense: up to 56 inputs, padding less up to 104.
  CHECK(narrow(56, 0, 0));
  CHECK(!narrow(57 + 7, 0, 0));
  CHECK(narrow(100, 0, 0));
  CHECK(!narrow(116, 0, 0));
}

TEST_CASE("under every width rule, a Dense layer after a 256-bit layer is 256-bit too") {
  // (512-bit loads of a 256-bit layer's output miss store forwarding: see narrow_on_intel.)
  for (auto rule : {simd::width_rule::zen4, simd::width_rule::intel, simd::width_rule::narrow,
                    simd::width_rule::wide}) {
    CAPTURE(static_cast<int>(rule));
    std::size_t pairs = 0;
    for (std::size_t g : {1, 3, 4}) {
      for (std::size_t in = 1; in <= 80; ++in) {
        for (std::size_t u = 1; u <= 300; ++u) {
          if (!simd::narrow_by_default(u, g, in, rule)) continue;
          ++pairs;
          if (!simd::narrow_by_default(u, 0, 0, rule)) {
            FAIL_CHECK("gates " << g << ", " << in << " inputs, " << u << " units");
          }
        }
      }
    }
    // The same for binary16 layers and a binary16 Dense layer (a model file's weights are all
    // one type).
    for (std::size_t g : {1, 3, 4}) {
      for (std::size_t in = 1; in <= 80; ++in) {
        for (std::size_t u = 1; u <= 300; ++u) {
          if (!simd::half_narrow_by_default(u, g, in, rule)) continue;
          if (!simd::half_narrow_by_default(u, 0, 0, rule)) {
            FAIL_CHECK("binary16: gates " << g << ", " << in << " inputs, " << u << " units");
          }
        }
      }
    }
    CHECK((pairs > 0) == (rule != simd::width_rule::wide));
  }
}

namespace {
// Whether the static layer of these sizes runs the kernels simd::narrow_by_default gives it.
template <class Layer>
bool follows_default_rule(std::size_t units, std::size_t gates, std::size_t in) {
  return std::is_same<typename Layer::arch, simd::narrow_arch>::value ==
         (simd::narrow_by_default(units, gates, in, simd::default_width_rule) ||
          std::is_same<simd::narrow_arch, simd::default_arch>::value);
}
}  // namespace

// A -march=native build runs where it was built (tests do): its compile-time rule must be the
// one the CPU itself calls for, or its static layers pick their widths for another CPU family.
#if defined(EDGERNN_TEST_NATIVE) && !defined(EDGERNN_WIDTH_RULE)
TEST_CASE("a -march=native build takes the width rule of the CPU it runs on") {
  if (std::is_same<simd::narrow_arch, simd::default_arch>::value) return;  // one width: moot
  INFO("default_width_rule " << std::string(simd::to_string(simd::default_width_rule)) << ", host "
                             << std::string(simd::to_string(simd::host_width_rule())));
  CHECK(simd::default_width_rule == simd::host_width_rule());
}
#endif

TEST_CASE("layers choose their kernels by size (simd::arch_for), DynamicModel alike") {
  MESSAGE("default width rule: " << static_cast<int>(simd::default_width_rule)
                                 << " (0 zen4, 1 intel), host: "
                                 << static_cast<int>(simd::host_width_rule()));
  const bool has_two = !std::is_same<simd::narrow_arch, simd::default_arch>::value;
  CHECK(follows_default_rule<Lstm<3, 16>>(16, 4, 3));
  CHECK(follows_default_rule<Lstm<4, 16>>(16, 4, 4));
  CHECK(follows_default_rule<Lstm<8, 8>>(8, 4, 8));
  CHECK(follows_default_rule<Lstm<8, 16, fast_activations>>(16, 4, 8));
  CHECK(follows_default_rule<Lstm<4, 24>>(24, 4, 4));
  CHECK(follows_default_rule<Lstm<1, 40>>(40, 4, 1));
  CHECK(follows_default_rule<Lstm<1, 100>>(100, 4, 1));
  CHECK(follows_default_rule<Gru<5, 12>>(12, 3, 5));
  CHECK(follows_default_rule<Gru<6, 12, false>>(12, 3, 6));
  CHECK(follows_default_rule<Gru<4, 25>>(25, 3, 4));
  CHECK(follows_default_rule<Gru<1, 50>>(50, 3, 1));
  CHECK(follows_default_rule<SimpleRnn<64, 16>>(16, 1, 64));
  CHECK(follows_default_rule<SimpleRnn<4, 32>>(32, 1, 4));
  CHECK(follows_default_rule<SimpleRnn<4, 40>>(40, 1, 4));
  CHECK(follows_default_rule<SimpleRnn<4, 48>>(48, 1, 4));
  CHECK(follows_default_rule<SimpleRnn<4, 50>>(50, 1, 4));
  CHECK(follows_default_rule<Dense<16, 40>>(16, 0, 0));
  CHECK(follows_default_rule<Dense<40, 1>>(40, 0, 0));
  CHECK(follows_default_rule<Dense<50, 1>>(50, 0, 0));
  CHECK(follows_default_rule<Dense<30, 1>>(30, 0, 0));
  // Binary16 layers by simd::half_narrow_by_default.
  CHECK(std::is_same<Lstm<8, 16, f16>::arch, simd::narrow_arch>::value ==
        (simd::half_narrow_by_default(16, 4, 8) || !has_two));
  CHECK(std::is_same<Lstm<1, 64, f16>::arch, simd::narrow_arch>::value ==
        (simd::half_narrow_by_default(64, 4, 1) || !has_two));
  CHECK(std::is_same<Dense<64, 1, activation::linear, f16>::arch, simd::narrow_arch>::value ==
        (simd::half_narrow_by_default(64) || !has_two));

  const layer_spec specs[] = {{layer_kind::gru, activation::tanh, true, 4, 9},
                              {layer_kind::lstm, activation::tanh, true, 9, 16},
                              {layer_kind::lstm, activation::tanh, true, 16, 30},
                              {layer_kind::dense, activation::linear, true, 30, 50},
                              {layer_kind::simple_rnn, activation::tanh, true, 50, 40},
                              {layer_kind::simple_rnn, activation::tanh, true, 40, 20},
                              {layer_kind::dense, activation::linear, true, 20, 1}};
  constexpr std::size_t n = sizeof specs / sizeof specs[0];
  const std::string narrow = simd::ops<simd::narrow_arch>::name(),
                    wide = simd::ops<simd::default_arch>::name();
  CHECK(has_two == (narrow != wide));
  // Each rule, its own choice per layer; by default the static layers' rule; a caller buffer
  // sized for one rule holds that rule's model.
  for (auto rule : {simd::width_rule::zen4, simd::width_rule::intel, simd::width_rule::narrow,
                    simd::width_rule::wide}) {
    CAPTURE(static_cast<int>(rule));
    DynamicModel m;
    REQUIRE(m.init(specs, n, rule) == status::ok);
    for (std::size_t i = 0; i < n; ++i) {
      CAPTURE(i);
      const layer_spec& s = specs[i];
      const bool nar = s.kind == layer_kind::dense
                           ? simd::narrow_by_default(s.in, 0, 0, rule)
                           : simd::narrow_by_default(s.units, gate_count(s.kind), s.in, rule);
      CHECK(m.layer_kernels(i) == (nar ? narrow : wide));
      CHECK(m.layer_kernels(i) == std::string(DynamicModel::kernels_for(s, rule)));
    }
    const std::size_t need = DynamicModel::required_bytes(specs, n, rule);
    CHECK(m.bytes() == need);
    std::vector<unsigned char> buffer(need);
    DynamicModel c;
    CHECK(c.init(specs, n, buffer.data(), need - 1, rule) == status::buffer_too_small);
    REQUIRE(c.init(specs, n, buffer.data(), need, rule) == status::ok);
    for (std::size_t i = 0; i < n; ++i)
      CHECK(c.layer_kernels(i) == std::string(m.layer_kernels(i)));
  }
  DynamicModel d, z;
  REQUIRE(d.init(specs, n) == status::ok);
  REQUIRE(z.init(specs, n, simd::default_width_rule) == status::ok);
  for (std::size_t i = 0; i < n; ++i)
    CHECK(d.layer_kernels(i) == std::string(z.layer_kernels(i)));
  if (has_two) {
    // Binary16 layers: half_narrow_by_default under each rule (the wide rule: 512-bit).
    layer_spec h[] = {specs[2], {layer_kind::dense, activation::linear, true, 30, 1}};
    h[0].in = 1;
    h[0].half = h[1].half = true;
    for (auto rule : {simd::width_rule::zen4, simd::width_rule::intel, simd::width_rule::narrow,
                      simd::width_rule::wide}) {
      CAPTURE(static_cast<int>(rule));
      DynamicModel w;
      REQUIRE(w.init(h, 2, rule) == status::ok);
      CHECK(w.layer_kernels(0) == (simd::half_narrow_by_default(30, 4, 1, rule) ? narrow : wide));
      CHECK(w.layer_kernels(1) == (simd::half_narrow_by_default(30, 0, 0, rule) ? narrow : wide));
    }
  }
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
        // DynamicModel told to run every layer on the narrow kernels (the library's instance:
        // a BasicDynamicModel<narrow_arch> of its own more than doubled this unit's build).
        DynamicModel model;
        const layer_spec spec{l.kind, l.act, l.reset_after, in, h};
        REQUIRE(model.init(&spec, 1, simd::width_rule::narrow) == status::ok);
        REQUIRE(std::string(model.layer_kernels(0)) == simd::ops<A>::name());
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
