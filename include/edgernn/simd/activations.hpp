// edgernn: vectorized activations shared by every layer.
//
// tanh(x) ≈ a·P(a²) / Q(a²) with a = clamp(x, ±9.02): a [9/8] rational in x whose coefficients
// were fitted (relative-error minimax on [0, 9.02] in float64) with P(0) = Q(0) = 1, so
// tanh(x) = x exactly for tiny and subnormal x and the sign of zero is kept. Beyond 9.02, tanh
// rounds to ±1 in float32, which the clamp returns.
//
// A small layer's step is bounded by the latency of its activations (two in a row per step), so
// the evaluation is laid out for a short dependency chain (Zen 4 cycles in brackets, from x):
//   a = clamp(x) [2] and y = min(x·x, 9.02²) [4] in parallel;
//   N = a·P(y) = a·p01(y) + (a·y²)·(p23(y) + p4·y²) and Q(y) in Estrin form [15];
//   one division [26]. The clamp propagates NaN by operand order (see ops::clamp), so no
//   compare-and-select is needed for NaN in, NaN out.
// The layers use fused forms of the same rational (detail:: below): m·tanh(x) with m folded into
// the numerator (free: a·m runs beside a·a); sigmoid(2u) − 0.5 = 0.5·tanh(u) = N/(2Q) (2Q from
// doubled coefficients, exact), which lets a consumer add the 0.5 where it is off the chain; and
// sigmoid(2u) = that + 0.5. The layers fold the 0.5 of u = x/2 into the packed weights and bias
// of their sigmoid gates (exact: a power of two), so no multiply precedes the chain.
//
// Measured over every float (tests/test_activations.cpp): |tanh error| <= 4.0e-7 absolute and
// relative; sigmoid(x) = 0.5 + 0.5·tanh(x/2), |sigmoid error| <= 2.5e-7 absolute; the fused forms
// are measured by tests/test_kernel_forms.cpp. NaN in, NaN out; ±inf saturate to ±1 (tanh) and
// 1 / 0 (sigmoid). Just below the clamp (8.09 < |x| < 9.02) the rational exceeds 1 by one ulp
// (within its error bound): sigmoid() clamps at 0; the fused gate forms may be −6e−8 or
// 0.5 + 6e−8 there, harmless in a gate.
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
inline constexpr float tanh_clamp_sq = tanh_clamp * tanh_clamp;
inline constexpr float tanh_p1 = 1.338270533e-01f, tanh_p2 = 3.497479039e-03f,
                       tanh_p3 = 2.063616625e-05f, tanh_p4 = 1.338474424e-08f;
inline constexpr float tanh_q1 = 4.671602658e-01f, tanh_q2 = 2.588444247e-02f,
                       tanh_q3 = 3.288552011e-04f, tanh_q4 = 7.790440015e-07f;

/// tanh(x)·m as the ratio n / q (q = Q(a²) > 0, times `QScale`, a power of two, so exact).
template <class Arch>
struct ratio {
  typename ops<Arch>::reg n, q;
};

template <class Arch, bool Scaled, int QScale = 1>
EDGERNN_INLINE ratio<Arch> tanh_ratio(typename ops<Arch>::reg x,
                                      typename ops<Arch>::reg m) noexcept {
  using O = ops<Arch>;
  using R = typename O::reg;
  constexpr float s = static_cast<float>(QScale);
  const R a = O::clamp(x, O::broadcast(-tanh_clamp), O::broadcast(tanh_clamp));
  const R y = O::at_most(x * x, O::broadcast(tanh_clamp_sq));
  const R y2 = y * y;
  R am = a;
  if constexpr (Scaled) am = a * m;
  // N = am·(1 + p1 y) + (am·y²)·(p2 + p3 y + p4 y²)
  const R ap01 = O::fma(am * O::broadcast(tanh_p1), y, am);
  const R p23 = O::fma(O::broadcast(tanh_p3), y, O::broadcast(tanh_p2));
  const R n = O::fma(am * y2, O::fma(O::broadcast(tanh_p4), y2, p23), ap01);
  // s·Q = s·(1 + q1 y) + y²·(s·q2 + s·q3 y + s·q4 y²)
  const R q01 = O::fma(O::broadcast(s * tanh_q1), y, O::broadcast(s));
  const R q23 = O::fma(O::broadcast(s * tanh_q3), y, O::broadcast(s * tanh_q2));
  const R q = O::fma(O::fma(O::broadcast(s * tanh_q4), y2, q23), y2, q01);
  return {n, q};
}

/// m·tanh(x), with m folded into the numerator (no multiply after the division).
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg tanh_times(typename ops<Arch>::reg x,
                                                  typename ops<Arch>::reg m) noexcept {
  const ratio<Arch> r = tanh_ratio<Arch, true>(x, m);
  return r.n / r.q;
}

/// sigmoid(2u) − 0.5 = 0.5·tanh(u) = N / (2Q), for consumers that add the 0.5 off the chain.
/// Exactly half of tanh(u) as computed above (2Q is exact), so |result| ≤ 0.5.
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid_of_half_minus_half(
    typename ops<Arch>::reg u) noexcept {
  const ratio<Arch> r = tanh_ratio<Arch, false, 2>(u, u);
  return r.n / r.q;
}

/// sigmoid(2u) = 0.5 + 0.5·tanh(u): the sigmoid of a pre-halved argument, in [−6e−8, 1].
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid_of_half(typename ops<Arch>::reg u) noexcept {
  using O = ops<Arch>;
  return sigmoid_of_half_minus_half<Arch>(u) + O::broadcast(0.5f);
}
}  // namespace detail

/// Hyperbolic tangent of every lane.
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg tanh(typename ops<Arch>::reg x) noexcept {
  const detail::ratio<Arch> r = detail::tanh_ratio<Arch, false>(x, x);
  return r.n / r.q;
}

/// Logistic sigmoid 1 / (1 + e^-x) of every lane, as 0.5 + 0.5·tanh(x / 2), in [0, 1] (the
/// rational's one-ulp overshoot of |tanh| ≤ 1 near the clamp would give −6e−8, or, where the
/// compiler contracts the evaluation differently (NEON), 1 + 1.2e−7: clamped on both sides).
template <class Arch>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  return O::at_most(
      O::at_least(detail::sigmoid_of_half<Arch>(x * O::broadcast(0.5f)), O::broadcast(0.0f)),
      O::broadcast(1.0f));
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
