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
//
// Layers with binary16 weights use a second, cheaper fit (fit::fast): a [5/4] rational on
// [0, 5.15] (same form, P(0) = Q(0) = 1, Horner order), 6 multiplies and FMAs instead of 12.
// Those layers are bound by the throughput of the FMA pipes, which the widening already loads,
// and the activations' multiplies compete for the same pipes; their weights are good to 2⁻¹¹
// ≈ 4.9e-4 relative, so an activation good to 7e-5 costs them no visible accuracy (measured on
// the golden cases: tests/test_f16.cpp). Bounds: |tanh error| <= 7.0e-5 absolute and relative,
// |sigmoid error| <= 3.5e-5; ±inf saturate to ±tanh(5.15)·(1 + error) ≈ ±(1 − 7e-5). Measured
// (bench/bench_step.cpp, Zen 4, alternating runs): binary16 LSTM and GRU steps 4–19 % faster
// at H = 8 … 256 (LSTM H = 64: 441 → 404 ns; GRU H = 128: 1116 → 1061 ns).
//
// Float32 layers may opt in to that fit (`fast_activations`, simd/kernels.hpp): where a step is
// bound by its activations (up to 32 units) its step is 1.05–1.30× faster (LSTM H = 16:
// 58.5 → 44.8 ns; bench/bench_step.cpp, static against static-fast, alternating runs, Zen 4);
// from 64 units, where the weights bound it, no faster.
#pragma once

#include "edgernn/simd/arch.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

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

/// Which rational approximates tanh (and sigmoid through it): `precise`, the [9/8] fit every
/// float32 layer and the public functions use by default, or `fast`, the cheaper [5/4] fit of
/// the layers with binary16 weights and of float32 layers that opt in (`fast_activations`; see
/// the top of this file).
enum class fit : unsigned char { precise, fast };

/// Documented (and tested) worst-case errors of the functions below against float64.
inline constexpr double tanh_max_abs_error = 4.0e-7;
inline constexpr double tanh_max_rel_error = 4.0e-7;
inline constexpr double sigmoid_max_abs_error = 2.5e-7;

/// The same bounds for either fit.
struct error_bounds {
  double tanh_abs, tanh_rel, sigmoid_abs;
};
constexpr error_bounds max_errors(fit f) noexcept {
  return f == fit::precise
             ? error_bounds{tanh_max_abs_error, tanh_max_rel_error, sigmoid_max_abs_error}
             : error_bounds{7.0e-5, 7.0e-5, 3.5e-5};
}

namespace detail {
inline constexpr float tanh_clamp = 9.02f;
inline constexpr float tanh_clamp_sq = tanh_clamp * tanh_clamp;
inline constexpr float tanh_p1 = 1.338270533e-01f, tanh_p2 = 3.497479039e-03f,
                       tanh_p3 = 2.063616625e-05f, tanh_p4 = 1.338474424e-08f;
inline constexpr float tanh_q1 = 4.671602658e-01f, tanh_q2 = 2.588444247e-02f,
                       tanh_q3 = 3.288552011e-04f, tanh_q4 = 7.790440015e-07f;
// fit::fast: [5/4], relative-error minimax on [0, 5.15] (where 1 − tanh = 6.7e-5, the fit's
// own error, so the clamp costs no more than the fit).
inline constexpr float fast_clamp = 5.15f;
inline constexpr float fast_clamp_sq = fast_clamp * fast_clamp;
inline constexpr float fast_p1 = 1.022919169e-01f, fast_p2 = 6.638222991e-04f;
inline constexpr float fast_q1 = 4.353704638e-01f, fast_q2 = 1.276562982e-02f;

/// tanh(x)·m as the ratio n / q (q = Q(a²) > 0, times `QScale`, a power of two, so exact).
template <class Arch>
struct ratio {
  typename ops<Arch>::reg n, q;
};

template <class Arch, bool Scaled, int QScale = 1, fit F = fit::precise>
EDGERNN_INLINE ratio<Arch> tanh_ratio(typename ops<Arch>::reg x,
                                      typename ops<Arch>::reg m) noexcept {
  using O = ops<Arch>;
  using R = typename O::reg;
  constexpr float s = static_cast<float>(QScale);
  if constexpr (F == fit::fast) {
    const R a = O::clamp(x, O::broadcast(-fast_clamp), O::broadcast(fast_clamp));
    const R y = O::at_most(x * x, O::broadcast(fast_clamp_sq));
    R am = a;
    if constexpr (Scaled) am = a * m;
    // N = am·(1 + y·(p1 + p2 y)), s·Q = s + y·(s·q1 + s·q2 y): Horner, 6 multiplies and FMAs.
    const R n = O::fma(am, O::fma(O::broadcast(fast_p2), y, O::broadcast(fast_p1)) * y, am);
    const R q =
        O::fma(O::fma(O::broadcast(s * fast_q2), y, O::broadcast(s * fast_q1)), y, O::broadcast(s));
    return {n, q};
  }
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
template <class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg tanh_times(typename ops<Arch>::reg x,
                                                  typename ops<Arch>::reg m) noexcept {
  const ratio<Arch> r = tanh_ratio<Arch, true, 1, F>(x, m);
  return r.n / r.q;
}

/// sigmoid(2u) − 0.5 = 0.5·tanh(u) = N / (2Q), for consumers that add the 0.5 off the chain.
/// Exactly half of tanh(u) as computed above (2Q is exact), so |result| ≤ 0.5.
template <class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid_of_half_minus_half(
    typename ops<Arch>::reg u) noexcept {
  const ratio<Arch> r = tanh_ratio<Arch, false, 2, F>(u, u);
  return r.n / r.q;
}

/// sigmoid(2u) = 0.5 + 0.5·tanh(u): the sigmoid of a pre-halved argument, in [−6e−8, 1].
template <class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid_of_half(typename ops<Arch>::reg u) noexcept {
  using O = ops<Arch>;
  return sigmoid_of_half_minus_half<Arch, F>(u) + O::broadcast(0.5f);
}
}  // namespace detail

/// Hyperbolic tangent of every lane.
template <class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg tanh(typename ops<Arch>::reg x) noexcept {
  const detail::ratio<Arch> r = detail::tanh_ratio<Arch, false, 1, F>(x, x);
  return r.n / r.q;
}

/// Logistic sigmoid 1 / (1 + e^-x) of every lane, as 0.5 + 0.5·tanh(x / 2), in [0, 1] (the
/// rational's one-ulp overshoot of |tanh| ≤ 1 near the clamp would give −6e−8, or, where the
/// compiler contracts the evaluation differently (NEON), 1 + 1.2e−7: clamped on both sides).
template <class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg sigmoid(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  return O::at_most(
      O::at_least(detail::sigmoid_of_half<Arch, F>(x * O::broadcast(0.5f)), O::broadcast(0.0f)),
      O::broadcast(1.0f));
}

/// Applies `A` to every lane, tanh and sigmoid with the rational `F`.
template <activation A, class Arch, fit F = fit::precise>
EDGERNN_INLINE typename ops<Arch>::reg activate(typename ops<Arch>::reg x) noexcept {
  using O = ops<Arch>;
  if constexpr (A == activation::relu) {
    return O::max(x, O::broadcast(0.0f));
  } else if constexpr (A == activation::tanh) {
    return simd::tanh<Arch, F>(x);
  } else if constexpr (A == activation::sigmoid) {
    return simd::sigmoid<Arch, F>(x);
  } else {
    return x;
  }
}

}  // namespace simd
}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
