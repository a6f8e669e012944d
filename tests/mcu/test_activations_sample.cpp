// tanh and sigmoid against float64 on the MCU, over a sample of the range that
// tests/test_activations.cpp covers in full on the other targets (here the float64 reference is
// software floating point): every 65521st bit pattern (~65 thousand values, every exponent,
// both signs, NaNs, infinities and subnormals) and every 32771st float in [−10, 10] (~65
// thousand, where the approximation error peaks). The bounds are the documented ones, for both
// fits (the precise one of float32 layers, the cheaper one of binary16 layers).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "edgernn/simd/activations.hpp"

namespace {

using arch = edgernn::simd::default_arch;
using O = edgernn::simd::ops<arch>;

struct errors {
  double tanh_abs = 0, tanh_rel = 0, sigmoid_abs = 0;
  std::size_t nan_wrong = 0, count = 0;
};

template <edgernn::simd::fit F>
void measure(float x, errors& e) {
  alignas(64) float in[O::width] = {}, t[O::width], s[O::width];
  in[0] = x;
  O::store(t, edgernn::simd::tanh<arch, F>(O::load(in)));
  O::store(s, edgernn::simd::sigmoid<arch, F>(O::load(in)));
  ++e.count;
  if (std::isnan(x)) {
    e.nan_wrong += !std::isnan(t[0]) + !std::isnan(s[0]);
    return;
  }
  const double te = std::tanh(static_cast<double>(x));
  const double se = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
  const double ta = std::fabs(t[0] - te);
  e.tanh_abs = std::fmax(e.tanh_abs, ta);
  e.tanh_rel = std::fmax(e.tanh_rel, te == 0.0 ? ta : ta / std::fabs(te));
  e.sigmoid_abs = std::fmax(e.sigmoid_abs, std::fabs(s[0] - se));
}

float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

template <edgernn::simd::fit F>
void check_sample() {
  errors e;
  for (std::uint64_t u = 0; u <= 0xFFFFFFFFull; u += 65521)
    measure<F>(from_bits(static_cast<std::uint32_t>(u)), e);
  for (std::uint32_t u = 0; u <= 0x41200000u; u += 32771) {
    measure<F>(from_bits(u), e);
    measure<F>(-from_bits(u), e);
  }
  MESSAGE("kernels " << std::string(O::name())
                     << std::string(F == edgernn::simd::fit::fast ? ", fast fit" : "") << ": "
                     << e.count << " values; max |tanh error| " << e.tanh_abs << ", max relative "
                     << e.tanh_rel << "; max |sigmoid error| " << e.sigmoid_abs);
  const edgernn::simd::error_bounds bound = edgernn::simd::max_errors(F);
  CHECK(e.count > 100000);
  CHECK(e.nan_wrong == 0);
  CHECK(e.tanh_abs <= bound.tanh_abs);
  CHECK(e.tanh_rel <= bound.tanh_rel);
  CHECK(e.sigmoid_abs <= bound.sigmoid_abs);
}

}  // namespace

TEST_CASE("tanh and sigmoid stay within the documented bounds over a sample of the float range") {
  check_sample<edgernn::simd::fit::precise>();
  check_sample<edgernn::simd::fit::fast>();
}
