// edgernn: plain scalar implementations of every layer, written straight from the equations.
//
// This is the test oracle, never the hot path: Keras-layout arrays read as they are (no packing),
// one loop per sum, std::tanh / std::exp, computed in `T` (double in the tests). Each function
// advances one time step; the caller owns the state and a scratch buffer. With simd::fit::fast
// the activations are the binary16 layers' rational instead of std::tanh / std::exp, evaluated
// in `T`: what those layers compute, less their float32 rounding.
#pragma once

#include <cmath>
#include <cstddef>

#include "edgernn/simd/activations.hpp"

namespace edgernn::reference {

/// tanh, or with fit::fast the [5/4] rational of simd/activations.hpp (its float32 constants).
template <class T>
T tanh(T v, simd::fit f = simd::fit::precise) {
  if (f == simd::fit::precise) return std::tanh(v);
  namespace d = simd::detail;
  const T c = T(d::fast_clamp);
  const T a = v < -c ? -c : (v > c ? c : v);
  const T y = std::fmin(v * v, T(d::fast_clamp_sq));
  return a * (T(1) + y * (T(d::fast_p1) + T(d::fast_p2) * y)) /
         (T(1) + y * (T(d::fast_q1) + T(d::fast_q2) * y));
}

/// The logistic sigmoid, or with fit::fast 0.5 + 0.5·tanh(v/2) through that rational.
template <class T>
T sigmoid(T v, simd::fit f = simd::fit::precise) {
  if (f == simd::fit::precise) return T(1) / (T(1) + std::exp(-v));
  return T(0.5) + T(0.5) * reference::tanh(v / T(2), f);
}

template <class T>
T activate(activation a, T v, simd::fit f = simd::fit::precise) {
  switch (a) {
    case activation::relu:
      return v > T(0) ? v : T(0);
    case activation::tanh:
      return reference::tanh(v, f);
    case activation::sigmoid:
      return reference::sigmoid(v, f);
    case activation::linear:
      break;
  }
  return v;
}

/// y = act(x·K + b). K: in × out, b: out.
template <class T>
void dense(const T* x, T* y, std::size_t in, std::size_t out, const float* kernel,
           const float* bias, activation act, simd::fit f = simd::fit::precise) {
  for (std::size_t j = 0; j < out; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * out + j]);
    y[j] = activate(act, s, f);
  }
}

/// h = act(x·K + h·U + b), in place. K: in × H, U: H × H, b: H. scratch: H values.
template <class T>
void simple_rnn(const T* x, T* h, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
                const float* recurrent, const float* bias, activation act,
                simd::fit f = simd::fit::precise) {
  for (std::size_t j = 0; j < hs; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * hs + j]);
    for (std::size_t k = 0; k < hs; ++k)
      s += h[k] * T(recurrent[k * hs + j]);
    scratch[j] = activate(act, s, f);
  }
  for (std::size_t j = 0; j < hs; ++j)
    h[j] = scratch[j];
}

/// One LSTM step on h and c in place. K: in × 4H, U: H × 4H, b: 4H, gates i, f, c, o.
/// scratch: 4H values.
template <class T>
void lstm(const T* x, T* h, T* c, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
          const float* recurrent, const float* bias, simd::fit f = simd::fit::precise) {
  const std::size_t cols = 4 * hs;
  for (std::size_t j = 0; j < cols; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * cols + j]);
    for (std::size_t k = 0; k < hs; ++k)
      s += h[k] * T(recurrent[k * cols + j]);
    scratch[j] = s;
  }
  for (std::size_t j = 0; j < hs; ++j) {
    const T i = reference::sigmoid(scratch[j], f);
    const T fg = reference::sigmoid(scratch[hs + j], f);
    const T g = reference::tanh(scratch[2 * hs + j], f);
    const T o = reference::sigmoid(scratch[3 * hs + j], f);
    c[j] = fg * c[j] + i * g;
    h[j] = o * reference::tanh(c[j], f);
  }
}

/// One GRU step on h in place. K: in × 3H, U: H × 3H, gates z, r, h.
/// reset_after: bias 2 × 3H (input row, recurrent row); otherwise bias 3H. scratch: 7H values.
template <class T>
void gru(const T* x, T* h, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
         const float* recurrent, const float* bias, bool reset_after,
         simd::fit f = simd::fit::precise) {
  const std::size_t cols = 3 * hs;
  T* xk = scratch;             // x·K + b0 (3H)
  T* hu = scratch + cols;      // h·U + b1 (3H), reset_after only
  T* hn = scratch + 2 * cols;  // new h (H)
  for (std::size_t j = 0; j < cols; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * cols + j]);
    xk[j] = s;
    T r = reset_after ? T(bias[cols + j]) : T(0);
    for (std::size_t k = 0; k < hs; ++k)
      r += h[k] * T(recurrent[k * cols + j]);
    hu[j] = r;
  }
  // Reset before: the candidate reads r ⊙ h, kept where h·U's candidate part would be (unused).
  T* rh = hu + 2 * hs;
  if (!reset_after) {
    for (std::size_t k = 0; k < hs; ++k)
      rh[k] = reference::sigmoid(xk[hs + k] + hu[hs + k], f) * h[k];
  }
  for (std::size_t j = 0; j < hs; ++j) {
    const T z = reference::sigmoid(xk[j] + hu[j], f);
    T cand;
    if (reset_after) {
      const T r = reference::sigmoid(xk[hs + j] + hu[hs + j], f);
      cand = reference::tanh(xk[2 * hs + j] + r * hu[2 * hs + j], f);
    } else {
      T s = xk[2 * hs + j];
      for (std::size_t k = 0; k < hs; ++k)
        s += rh[k] * T(recurrent[k * cols + 2 * hs + j]);
      cand = reference::tanh(s, f);
    }
    hn[j] = z * h[j] + (T(1) - z) * cand;
  }
  for (std::size_t j = 0; j < hs; ++j)
    h[j] = hn[j];
}

}  // namespace edgernn::reference
