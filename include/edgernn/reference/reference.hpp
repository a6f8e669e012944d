// edgernn: plain scalar implementations of every layer, written straight from the equations.
//
// This is the test oracle, never the hot path: Keras-layout arrays read as they are (no packing),
// one loop per sum, std::tanh / std::exp, computed in `T` (double in the tests). Each function
// advances one time step; the caller owns the state and a scratch buffer.
#pragma once

#include <cmath>
#include <cstddef>

#include "edgernn/simd/activations.hpp"

namespace edgernn::reference {

template <class T>
T activate(activation a, T v) {
  switch (a) {
    case activation::relu:
      return v > T(0) ? v : T(0);
    case activation::tanh:
      return std::tanh(v);
    case activation::sigmoid:
      return T(1) / (T(1) + std::exp(-v));
    case activation::linear:
      break;
  }
  return v;
}

template <class T>
T sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

/// y = act(x·K + b). K: in × out, b: out.
template <class T>
void dense(const T* x, T* y, std::size_t in, std::size_t out, const float* kernel,
           const float* bias, activation act) {
  for (std::size_t j = 0; j < out; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * out + j]);
    y[j] = activate(act, s);
  }
}

/// h = act(x·K + h·U + b), in place. K: in × H, U: H × H, b: H. scratch: H values.
template <class T>
void simple_rnn(const T* x, T* h, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
                const float* recurrent, const float* bias, activation act) {
  for (std::size_t j = 0; j < hs; ++j) {
    T s = bias[j];
    for (std::size_t k = 0; k < in; ++k)
      s += x[k] * T(kernel[k * hs + j]);
    for (std::size_t k = 0; k < hs; ++k)
      s += h[k] * T(recurrent[k * hs + j]);
    scratch[j] = activate(act, s);
  }
  for (std::size_t j = 0; j < hs; ++j)
    h[j] = scratch[j];
}

/// One LSTM step on h and c in place. K: in × 4H, U: H × 4H, b: 4H, gates i, f, c, o.
/// scratch: 4H values.
template <class T>
void lstm(const T* x, T* h, T* c, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
          const float* recurrent, const float* bias) {
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
    const T i = sigmoid(scratch[j]);
    const T f = sigmoid(scratch[hs + j]);
    const T g = std::tanh(scratch[2 * hs + j]);
    const T o = sigmoid(scratch[3 * hs + j]);
    c[j] = f * c[j] + i * g;
    h[j] = o * std::tanh(c[j]);
  }
}

/// One GRU step on h in place. K: in × 3H, U: H × 3H, gates z, r, h.
/// reset_after: bias 2 × 3H (input row, recurrent row); otherwise bias 3H. scratch: 7H values.
template <class T>
void gru(const T* x, T* h, T* scratch, std::size_t in, std::size_t hs, const float* kernel,
         const float* recurrent, const float* bias, bool reset_after) {
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
  for (std::size_t j = 0; j < hs; ++j) {
    const T z = sigmoid(xk[j] + hu[j]);
    const T r = sigmoid(xk[hs + j] + hu[hs + j]);
    T cand;
    if (reset_after) {
      cand = std::tanh(xk[2 * hs + j] + r * hu[2 * hs + j]);
    } else {
      T s = xk[2 * hs + j];
      for (std::size_t k = 0; k < hs; ++k) {
        const T rk = sigmoid(xk[hs + k] + hu[hs + k]);
        s += rk * h[k] * T(recurrent[k * cols + 2 * hs + j]);
      }
      cand = std::tanh(s);
    }
    hn[j] = z * h[j] + (T(1) - z) * cand;
  }
  for (std::size_t j = 0; j < hs; ++j)
    h[j] = hn[j];
}

}  // namespace edgernn::reference
