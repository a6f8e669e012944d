// Vectorized tanh and sigmoid against float64 over the whole float range.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "edgernn/simd/kernels.hpp"

namespace {

using arch = edgernn::simd::default_arch;
using O = edgernn::simd::ops<arch>;
constexpr bool flushes = edgernn::simd::flushes_subnormals<arch>;

struct errors {
  double tanh_abs = 0, tanh_rel = 0, sigmoid_abs = 0;
  float worst_tanh = 0, worst_sigmoid = 0;
  std::size_t nan_wrong = 0, count = 0;
};

float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Runs both functions (rational `F`) over `xs` through the vector path and folds the errors
// into `e`.
template <edgernn::simd::fit F>
void measure(const std::vector<float>& xs, errors& e) {
  alignas(64) float in[64], t[64], s[64];
  constexpr std::size_t W = O::width;
  for (std::size_t i = 0; i < xs.size(); i += W) {
    const std::size_t n = xs.size() - i < W ? xs.size() - i : W;
    for (std::size_t l = 0; l < W; ++l)
      in[l] = l < n ? xs[i + l] : 0.0f;
    O::store(t, edgernn::simd::tanh<arch, F>(O::load(in)));
    O::store(s, edgernn::simd::sigmoid<arch, F>(O::load(in)));
    for (std::size_t l = 0; l < n; ++l) {
      const float x = in[l];
      ++e.count;
      if (std::isnan(x)) {
        e.nan_wrong += !std::isnan(t[l]) + !std::isnan(s[l]);
        continue;
      }
      if (flushes && x != 0.0f && std::fabs(x) < std::numeric_limits<float>::min()) {
        // A subnormal reads as ±0 on this unit: tanh gives that zero, sigmoid 0.5.
        e.nan_wrong += !(t[l] == 0.0f && std::signbit(t[l]) == std::signbit(x) && s[l] == 0.5f);
        continue;
      }
      const double te = std::tanh(static_cast<double>(x));
      const double se = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
      const double ta = std::fabs(t[l] - te);
      const double tr = te == 0.0 ? ta : ta / std::fabs(te);
      const double sa = std::fabs(s[l] - se);
      if (ta > e.tanh_abs) e.tanh_abs = ta, e.worst_tanh = x;
      if (tr > e.tanh_rel) e.tanh_rel = tr;
      if (sa > e.sigmoid_abs) e.sigmoid_abs = sa, e.worst_sigmoid = x;
    }
  }
}

#if defined(EDGERNN_TEST_SPARSE_SWEEPS)
// Under qemu (cross builds) the instructions run 20-50x slower: the whole-range sweeps took
// 13-19 s each there and the fused forms (test_kernel_forms.cpp) 36-45 s, most of an ARM
// suite's time (aarch64: 66 s of tests, 20 s with these strides). Strides 8x wider still hit
// every exponent, 3.2 million values in all; the largest error they find on aarch64 is 10 %
// below the dense sweep's (precise tanh 2.9e-7 against 3.2e-7, bound 4e-7). The sanitized
// build (-Og, every access checked) samples as sparsely: its four sweeps took 60 s there (8 s
// with these strides), for the values the release build checks in 4 s. The other host suites
// (release, scalar, xsimd-next) keep the dense strides.
inline constexpr std::uint32_t whole_stride = 2003, dense_stride = 2053;
#else
inline constexpr std::uint32_t whole_stride = 251, dense_stride = 257;
#endif

template <edgernn::simd::fit F>
void check_whole_range(const char* name) {
  errors e;
  std::vector<float> xs;
  xs.reserve(1 << 20);
  // Every 251st bit pattern on the host (a prime stride, so every exponent and varied mantissas
  // are hit), ~17 million values across both signs, NaNs, infinities and subnormals included.
  for (std::uint64_t u = 0; u <= 0xFFFFFFFFull; u += whole_stride) {
    xs.push_back(from_bits(static_cast<std::uint32_t>(u)));
    if (xs.size() == xs.capacity()) measure<F>(xs, e), xs.clear();
  }
  // Every 257th float in [0, 10] on the host: the region where both functions bend and the
  // polynomial error peaks, ~4 million values, both signs.
  for (std::uint32_t u = 0; u <= 0x41200000u; u += dense_stride) {
    xs.push_back(from_bits(u));
    xs.push_back(-from_bits(u));
    if (xs.size() + 2 > xs.capacity()) measure<F>(xs, e), xs.clear();
  }
  measure<F>(xs, e);
  const edgernn::simd::error_bounds bound = edgernn::simd::max_errors(F);
  MESSAGE(std::string(name) << " fit, kernels " << std::string(O::name()) << ": " << e.count
                            << " values; max |tanh error| " << e.tanh_abs
                            << " at x = " << e.worst_tanh << ", max relative " << e.tanh_rel
                            << "; max |sigmoid error| " << e.sigmoid_abs
                            << " at x = " << e.worst_sigmoid);
  CHECK(e.nan_wrong == 0);
  CHECK(e.tanh_abs <= bound.tanh_abs);
  CHECK(e.tanh_rel <= bound.tanh_rel);
  CHECK(e.sigmoid_abs <= bound.sigmoid_abs);
}

}  // namespace

TEST_CASE("tanh and sigmoid stay within the documented bounds over the whole float range") {
  check_whole_range<edgernn::simd::fit::precise>("precise");
}

// The fit of the binary16 layers and of float32 layers with fast_activations.
TEST_CASE("the cheaper fit stays within its bounds over the whole float range") {
  check_whole_range<edgernn::simd::fit::fast>("fast");
  // And it is the fit those layers use; float32 layers keep the precise one.
  CHECK(edgernn::detail::fit_for<std::uint16_t> == edgernn::simd::fit::fast);
  CHECK(edgernn::detail::fit_for<float> == edgernn::simd::fit::precise);
}

namespace {

// Saturation: exactly ±1 / 1 / 0 with the precise fit; with the fast fit ±R(5.15), within its
// bound of ±1.
template <edgernn::simd::fit F>
void check_special_values() {
  constexpr bool precise = F == edgernn::simd::fit::precise;
  const double sat = precise ? 1e-7 : edgernn::simd::max_errors(F).tanh_abs;
  constexpr float inf = std::numeric_limits<float>::infinity();
  const float denorm = std::numeric_limits<float>::denorm_min();
  const float tiny = std::numeric_limits<float>::min() / 4;  // subnormal
  const float xs[] = {0.0f,
                      -0.0f,
                      inf,
                      -inf,
                      std::numeric_limits<float>::quiet_NaN(),
                      denorm,
                      -denorm,
                      tiny,
                      -tiny,
                      9.02f,
                      -9.02f,
                      20.0f,
                      -20.0f,
                      std::numeric_limits<float>::max(),
                      -std::numeric_limits<float>::max(),
                      88.7f,
                      -88.7f};
  constexpr std::size_t n = sizeof xs / sizeof xs[0];
  constexpr std::size_t W = O::width;
  alignas(64) float in[64 + 32] = {}, t[64 + 32], s[64 + 32];
  for (std::size_t i = 0; i < n; ++i)
    in[i] = xs[i];
  for (std::size_t i = 0; i < n; i += W) {
    O::store(t + i, edgernn::simd::tanh<arch, F>(O::load(in + i)));
    O::store(s + i, edgernn::simd::sigmoid<arch, F>(O::load(in + i)));
  }
  // tanh(±0) = ±0 with its sign; tiny and subnormal x give x exactly (P(0) = Q(0) = 1).
  CHECK(t[0] == 0.0f);
  CHECK_FALSE(std::signbit(t[0]));
  CHECK(t[1] == 0.0f);
  CHECK(std::signbit(t[1]));
  CHECK(s[0] == 0.5f);
  CHECK(s[1] == 0.5f);
  if (precise) {
    CHECK(t[2] == 1.0f);
    CHECK(t[3] == -1.0f);
    CHECK(s[2] == 1.0f);
    CHECK(s[3] == 0.0f);
  } else {
    CHECK(t[2] >= 1.0 - sat);
    CHECK(t[2] <= 1.0f);
    CHECK(t[3] == -t[2]);
    CHECK(s[2] >= 1.0 - sat);
    CHECK(s[3] <= sat);
    CHECK(s[3] >= 0.0f);
  }
  CHECK(std::isnan(t[4]));
  CHECK(std::isnan(s[4]));
  for (std::size_t i = 5; i < 9; ++i) {
    CAPTURE(xs[i]);
    // Exactly x, or ±0 where the SIMD unit flushes subnormals (32-bit ARM NEON).
    CHECK(t[i] == (flushes ? 0.0f : xs[i]));
    CHECK(std::signbit(t[i]) == std::signbit(xs[i]));
    CHECK(s[i] == 0.5f);
  }
  for (std::size_t i = 9; i < n; ++i) {
    CAPTURE(xs[i]);
    CHECK(std::fabs(t[i]) <= 1.0f);
    CHECK(std::fabs(t[i]) >= 1.0 - sat);
    CHECK(s[i] >= 0.0f);
    CHECK(s[i] <= 1.0f);
  }
}

}  // namespace

TEST_CASE("special values: signed zeros, infinities, NaN, subnormals, saturation") {
  check_special_values<edgernn::simd::fit::precise>();
  check_special_values<edgernn::simd::fit::fast>();
}
