// edgernn trainer: the matrix products and element-wise activations of forward and backward.
//
// All matrices are row-major with explicit row strides. Every `n` (column count of an output)
// is a multiple of row_pad and every pointer handed to the activations is 64-byte aligned: the
// callers keep rows padded (see buffer.hpp). The float versions run on the SIMD instruction set
// the build targets (register tiles of the core's simd::ops); the double versions are plain
// loops, used by the gradient checks.
#pragma once

#include <cmath>
#include <cstddef>

#include "edgernn/simd/activations.hpp"

namespace edgernn::train::kernels {

/// C[m×n] = (accumulate ? C : 0) + Σ_{s<nseg} A_s·B_s, where A_s is the m×kseg block of A at
/// columns [s·aseg, s·aseg + kseg) and B_s the kseg×n block of B at rows [s·bseg, ...). With
/// nseg = 1 this is a plain C (+)= A·B; segments skip the padding between gate blocks.
template <class T>
void gemm_nn(std::size_t m, std::size_t n, std::size_t kseg, std::size_t nseg, const T* a,
             std::size_t lda, std::size_t aseg, const T* b, std::size_t ldb, std::size_t bseg, T* c,
             std::size_t ldc, bool accumulate) noexcept;

/// C[m×n] += Aᵀ·B, with A k×m (row stride lda) and B k×n (row stride ldb): the weight
/// gradient Σ_rows xᵀ·dz accumulated over every (time step, sample) row at once.
template <class T>
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* b,
             std::size_t ldb, T* c, std::size_t ldc) noexcept;

/// out[j] += Σ_r A[r][j] for j < n (bias gradients).
template <class T>
void add_column_sums(std::size_t rows, std::size_t n, const T* a, std::size_t lda, T* out) noexcept;

/// p[i] = act(p[i]) for i < n (n a multiple of row_pad, p aligned). Float uses the core's
/// vectorised tanh / sigmoid (so training sees the same functions as inference), double uses
/// std::tanh / std::exp.
template <class T>
void activate(activation act, T* p, std::size_t n) noexcept;

/// dz[i] = dy[i] · act'(at the output y[i]): the derivative written in terms of the output
/// (relu: y > 0; tanh: 1 − y²; sigmoid: y(1 − y); linear: 1).
template <class T>
void activation_backward(activation act, const T* y, const T* dy, T* dz, std::size_t n) noexcept;

}  // namespace edgernn::train::kernels
