// edgernn: vectorized activations shared by every layer.
//
// tanh(x) ≈ a·P(a²) / Q(a²) with a = clamp(x, ±9.02): a [9/8] rational in x whose coefficients
// were fitted (tools/fit_tanh.py, relative-error minimax on [0, 9.02] in float64) with
// P(0) = Q(0) = 1, so tanh(x) = x exactly for tiny and subnormal x and the sign of zero is kept.
// Beyond 9.02, tanh rounds to ±1 in float32, which the clamp returns. Both polynomials are
// evaluated in Estrin form: the dependency chain (clamp, 2 squares, 2 FMAs, multiply, divide)
// is what bounds a small layer's step, so it is kept short.
//
// Measured over every float (tests/test_activations.cpp): |tanh error| <= 4.0e-7 absolute and
// relative; sigmoid(x) = 0.5 + 0.5·tanh(x/2), |sigmoid error| <= 2.5e-7 absolute. NaN in, NaN
// out; ±inf saturate to ±1 (tanh) and 1 / 0 (sigmoid).
#pragma once

#include "edgernn/simd/arch.hpp"

namespace edgernn {

/// Activation of a layer's output (Keras names: "" / linear, relu, tanh, sigmoid).
enum class activation : unsigned char { linear = 0, relu = 1, tanh = 2, sigmoid = 3 };

/// Keras name of an activation ("linear" for the identity).
constexpr const char* to_string(activation a) noexcept {
  switch (a) {
    case activation::linear:
      return "linear";
    case activation::relu:
      return "relu";
    case activation::tanh:
      return "tanh";
    case activation::sigmoid:
      return "sigmoid";
  }
  return "unknown";
}

namespace simd {

/// Documented (and tested) worst-case errors of the functions below against float64.
inline constexpr double tanh_max_abs_error = 4.0e-7;
inline constexpr double tanh_max_rel_error = 4.0e-7;
inline constexpr double sigmoid_max_abs_error = 2.5e-7;

namespace detail {
inline constexpr float tanh_clamp = 9.02f;
inline constexpr float tanh_p1 = 1.338270533e-01f, tanh_p2 = 3.497479039e-03f,
                       tanh_p3 = 2.063616625e-05f, tanh_p4 = 1.338474424e-08f;
inline constexpr float tanh_q1 = 4.671602658e-01f, tanh_q2 = 2.588444247e-02f,
                       tanh_q3 = 3.288552011e-04f, tanh_q4 = 7.790440015e-07f;
}  // namespace detail

/// Hyperbolic tangent of every lane.
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg tanh(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  using R = typename O::reg;
  namespace d = detail;
  const R a = O::min(O::max(x, O::broadcast(-d::tanh_clamp)), O::broadcast(d::tanh_clamp));
  const R y = a * a;
  const R y2 = y * y;
  // P(y) = 1 + p1 y + p2 y² + p3 y³ + p4 y⁴,  Q(y) = 1 + q1 y + q2 y² + q3 y³ + q4 y⁴.
  const R p01 = O::fma(O::broadcast(d::tanh_p1), y, O::broadcast(1.0f));
  const R p23 = O::fma(O::broadcast(d::tanh_p3), y, O::broadcast(d::tanh_p2));
  const R q01 = O::fma(O::broadcast(d::tanh_q1), y, O::broadcast(1.0f));
  const R q23 = O::fma(O::broadcast(d::tanh_q3), y, O::broadcast(d::tanh_q2));
  const R p = O::fma(O::fma(O::broadcast(d::tanh_p4), y2, p23), y2, p01);
  const R q = O::fma(O::fma(O::broadcast(d::tanh_q4), y2, q23), y2, q01);
  return O::keep_nan(x, (a * p) / q);
}

/// Logistic sigmoid 1 / (1 + e^-x) of every lane, as 0.5 + 0.5·tanh(x / 2).
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  const auto half = O::broadcast(0.5f);
  return O::fma(half, simd::tanh<Arch>(x * half), half);
}

/// Applies `A` to every lane.
template <activation A, class Arch>
EDGERNN_INLINE typename ops<Arch>::reg activate(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  if constexpr (A == activation::relu) {
    return O::max(x, O::broadcast(0.0f));
  } else if constexpr (A == activation::tanh) {
    return simd::tanh<Arch>(x);
  } else if constexpr (A == activation::sigmoid) {
    return simd::sigmoid<Arch>(x);
  } else {
    return x;
  }
}

}  // namespace simd
}  // namespace edgernn
