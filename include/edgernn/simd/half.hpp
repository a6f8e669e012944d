// edgernn: IEEE binary16 ("half") weights, stored as their 16 bits (std::uint16_t).
//
// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits; normal values
// 2^(e−15)·(1 + m/1024) for e in 1 … 30, subnormals m·2^−24, e = 31 infinities and NaN. The
// largest finite value is 65504; relative spacing 2^−10 (rounding error ≤ 2^−11 ≈ 4.9e−4).
//
// Conversions here are exact (half → float) or correctly rounded to nearest even (float → half),
// with portable code usable in constant expressions (packing an exported header's weights at
// compile time) and a bit-level version for the scalar kernels at run time. The SIMD kernels
// widen with the hardware (F16C, AVX-512, NEON) where the target has it: see ops::load.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

namespace edgernn::simd {

/// The value of half `h`, exactly; usable in constant expressions.
constexpr float half_to_float(std::uint16_t h) noexcept {
  const unsigned e = (h >> 10) & 31u, m = h & 1023u;
  float v = 0.0f;
  if (e == 0) {
    v = static_cast<float>(m) * (1.0f / 16777216.0f);  // m·2^−24, exact
  } else if (e == 31) {
    v = m != 0 ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = static_cast<float>(1024u + m) * (1.0f / 16777216.0f);  // (1024 + m)·2^−24 …
    for (unsigned k = 1; k < e; ++k)
      v *= 2.0f;  // … times 2^(e−1): exact powers of two
  }
  return (h & 0x8000u) ? -v : v;
}

/// half_to_float at run time, without branches on the value (the scalar kernels' widening):
/// the exponent is rebiased by one multiply by 2^112, which also handles subnormals exactly.
inline float half_to_float_fast(std::uint16_t h) noexcept {
  const std::uint32_t body = static_cast<std::uint32_t>(h & 0x7FFFu) << 13;
  float f;
  std::memcpy(&f, &body, sizeof f);
  f *= 5.192296858534828e33f;  // 2^112
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((h & 0x7C00u) == 0x7C00u) u = body | 0x7F800000u;  // infinity, NaN
  u |= static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

namespace detail {
// Round a non-negative float below 2^23 to the nearest integer, ties to even (exact arithmetic).
constexpr std::uint32_t round_even(float s) noexcept {
  std::uint32_t i = static_cast<std::uint32_t>(s);
  const float frac = s - static_cast<float>(i);
  if (frac > 0.5f || (frac == 0.5f && (i & 1u))) ++i;
  return i;
}
constexpr bool negative(float f) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
  return __builtin_signbit(f) != 0;  // also −0 (GCC folds it in constant expressions)
#else
  return f < 0.0f;  // −0 becomes +0: a zero weight's sign changes no result
#endif
}
}  // namespace detail

/// `f` rounded to the nearest half, ties to even; overflow gives ±infinity. Constant-evaluable.
constexpr std::uint16_t float_to_half(float f) noexcept {
  if (f != f) return 0x7E00u;
  const std::uint16_t sign = detail::negative(f) ? 0x8000u : 0u;
  const float a = f < 0.0f ? -f : f;
  if (a >= 65520.0f) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds past 65504
  if (a < 6.103515625e-05f) {                                            // below 2^−14: subnormal
    return static_cast<std::uint16_t>(sign | detail::round_even(a * 16777216.0f));
  }
  int e = -14;
  float p = 6.103515625e-05f;
  while (a >= 2.0f * p) {
    p *= 2.0f;
    ++e;
  }
  const std::uint32_t m = detail::round_even(a / p * 1024.0f);  // 1024 … 2048 (a carry)
  return static_cast<std::uint16_t>(sign |
                                    ((static_cast<std::uint32_t>(e + 15) << 10) + m - 1024u));
}

/// Half `h` times 0.5, rounded to nearest even (exact unless the result is subnormal).
constexpr std::uint16_t half_halve(std::uint16_t h) noexcept {
  const unsigned sign = h & 0x8000u, e = (h >> 10) & 31u, m = h & 1023u;
  if (e == 31) return h;
  if (e >= 2) return static_cast<std::uint16_t>(sign | ((e - 1) << 10) | m);
  const unsigned v = e == 1 ? 1024u + m : m;  // in units of 2^−24
  unsigned q = v >> 1;
  if ((v & 1u) && (q & 1u)) ++q;
  return static_cast<std::uint16_t>(sign | q);
}

}  // namespace edgernn::simd
