#include "kernels.hpp"

#include <cmath>
#include <type_traits>
#include <utility>

#include "train/buffer.hpp"

namespace edgernn::train::kernels {

namespace {

// ---- float: register tiles over simd::ops --------------------------------------------------

using arch = simd::default_arch;
using O = simd::ops<arch>;
using reg = O::reg;
constexpr std::size_t W = O::width;
static_assert(row_pad % W == 0, "rows must hold whole registers");

// Tile: MR rows of C × NV registers of columns, all MR·NV accumulators in registers for the
// whole reduction. 32 vector registers (AVX-512): 6 × 4 = 24 accumulators + 4 B + 1 A.
// 16 registers (AVX2, SSE, NEON): 3 × 4 = 12 + 4.
constexpr std::size_t tile_rows = W >= 16 ? 6 : 3;
constexpr std::size_t tile_regs = 4;

// One product, described by strides so that A·B and Aᵀ·B share the tile:
// A(i, k) = a[i·ai + k·ak]; segment s reads A(·, s·aseg + k) and B row s·bseg + k.
struct product {
  const float* a;
  std::size_t ai, ak, aseg;
  std::size_t kseg, nseg;
  const float* b;
  std::size_t ldb, bseg;
  float* c;
  std::size_t ldc;
  bool accumulate;
};

// Calls f(integral_constant<I>) for I = 0 .. N-1, unrolled at compile time (the accumulator
// arrays below are then indexed by constants only, so they live in registers).
template <class F, std::size_t... I>
EDGERNN_INLINE void unroll_impl(F&& f, std::index_sequence<I...>) {
  (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F>
EDGERNN_INLINE void unroll(F&& f) {
  unroll_impl(f, std::make_index_sequence<N>{});
}

template <std::size_t MR, std::size_t NV>
EDGERNN_INLINE void tile(const product& p, std::size_t i0, std::size_t j0) noexcept {
  reg s[MR][NV];
  float* c = p.c + i0 * p.ldc + j0;
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto v) {
      s[i][v] = p.accumulate ? O::load(c + i * p.ldc + v * W) : O::broadcast(0.0f);
    });
  });
  for (std::size_t seg = 0; seg < p.nseg; ++seg) {
    const float* a = p.a + i0 * p.ai + seg * p.aseg * p.ak;
    const float* b = p.b + seg * p.bseg * p.ldb + j0;
    for (std::size_t k = 0; k < p.kseg; ++k, a += p.ak, b += p.ldb) {
      reg bv[NV];
      unroll<NV>([&](auto v) { bv[v] = O::load(b + v * W); });
      unroll<MR>([&](auto i) {
        const reg av = O::broadcast(a[i * p.ai]);
        unroll<NV>([&](auto v) { s[i][v] = O::fma(av, bv[v], s[i][v]); });
      });
    }
  }
  unroll<MR>(
      [&](auto i) { unroll<NV>([&](auto v) { O::store(c + i * p.ldc + v * W, s[i][v]); }); });
}

template <std::size_t MR>
void tile_row(const product& p, std::size_t i0, std::size_t n) noexcept {
  std::size_t j = 0;
  for (; j + tile_regs * W <= n; j += tile_regs * W)
    tile<MR, tile_regs>(p, i0, j);
  switch ((n - j) / W) {
    case 3:
      tile<MR, 3>(p, i0, j);
      break;
    case 2:
      tile<MR, 2>(p, i0, j);
      break;
    case 1:
      tile<MR, 1>(p, i0, j);
      break;
    default:
      break;
  }
}

template <std::size_t MR>
void rows_tail(const product& p, std::size_t i0, std::size_t rows, std::size_t n) noexcept {
  if constexpr (MR > 0) {
    if (rows == MR) {
      tile_row<MR>(p, i0, n);
    } else {
      rows_tail<MR - 1>(p, i0, rows, n);
    }
  }
}

void run(const product& p, std::size_t m, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + tile_rows <= m; i += tile_rows)
    tile_row<tile_rows>(p, i, n);
  if (i < m) rows_tail<tile_rows - 1>(p, i, m - i, n);
}

// ---- double: plain loops (gradient checks only) ---------------------------------------------

template <class T>
void generic_nn(std::size_t m, std::size_t n, std::size_t kseg, std::size_t nseg, const T* a,
                std::size_t lda, std::size_t aseg, const T* b, std::size_t ldb, std::size_t bseg,
                T* c, std::size_t ldc, bool accumulate) noexcept {
  for (std::size_t i = 0; i < m; ++i) {
    T* ci = c + i * ldc;
    if (!accumulate)
      for (std::size_t j = 0; j < n; ++j)
        ci[j] = T(0);
    for (std::size_t s = 0; s < nseg; ++s)
      for (std::size_t k = 0; k < kseg; ++k) {
        const T av = a[i * lda + s * aseg + k];
        const T* bk = b + (s * bseg + k) * ldb;
        for (std::size_t j = 0; j < n; ++j)
          ci[j] += av * bk[j];
      }
  }
}

template <class T>
void generic_tn(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                const T* b, std::size_t ldb, T* c, std::size_t ldc) noexcept {
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t i = 0; i < m; ++i) {
      const T av = a[r * lda + i];
      for (std::size_t j = 0; j < n; ++j)
        c[i * ldc + j] += av * b[r * ldb + j];
    }
}

}  // namespace

template <>
void gemm_nn<float>(std::size_t m, std::size_t n, std::size_t kseg, std::size_t nseg,
                    const float* a, std::size_t lda, std::size_t aseg, const float* b,
                    std::size_t ldb, std::size_t bseg, float* c, std::size_t ldc,
                    bool accumulate) noexcept {
  if (m == 0 || n == 0) return;
  run(product{a, lda, 1, aseg, kseg, nseg, b, ldb, bseg, c, ldc, accumulate}, m, n);
}

template <>
void gemm_nn<double>(std::size_t m, std::size_t n, std::size_t kseg, std::size_t nseg,
                     const double* a, std::size_t lda, std::size_t aseg, const double* b,
                     std::size_t ldb, std::size_t bseg, double* c, std::size_t ldc,
                     bool accumulate) noexcept {
  generic_nn(m, n, kseg, nseg, a, lda, aseg, b, ldb, bseg, c, ldc, accumulate);
}

template <>
void gemm_tn<float>(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                    const float* b, std::size_t ldb, float* c, std::size_t ldc) noexcept {
  if (m == 0 || n == 0 || k == 0) return;
  run(product{a, 1, lda, 0, k, 1, b, ldb, 0, c, ldc, true}, m, n);
}

template <>
void gemm_tn<double>(std::size_t m, std::size_t n, std::size_t k, const double* a, std::size_t lda,
                     const double* b, std::size_t ldb, double* c, std::size_t ldc) noexcept {
  generic_tn(m, n, k, a, lda, b, ldb, c, ldc);
}

template <class T>
void add_column_sums(std::size_t rows, std::size_t n, const T* a, std::size_t lda,
                     T* out) noexcept {
  for (std::size_t r = 0; r < rows; ++r) {
    const T* ar = a + r * lda;
    for (std::size_t j = 0; j < n; ++j)
      out[j] += ar[j];
  }
}

template <>
void activate<float>(activation act, float* p, std::size_t n) noexcept {
  switch (act) {
    case activation::linear:
      return;
    case activation::relu:
      for (std::size_t i = 0; i < n; i += W)
        O::store(p + i, simd::activate<activation::relu, arch>(O::load(p + i)));
      return;
    case activation::tanh:
      for (std::size_t i = 0; i < n; i += W)
        O::store(p + i, simd::activate<activation::tanh, arch>(O::load(p + i)));
      return;
    case activation::sigmoid:
      for (std::size_t i = 0; i < n; i += W)
        O::store(p + i, simd::activate<activation::sigmoid, arch>(O::load(p + i)));
      return;
  }
}

template <>
void activate<double>(activation act, double* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    switch (act) {
      case activation::linear:
        break;
      case activation::relu:
        p[i] = p[i] > 0 ? p[i] : 0.0;
        break;
      case activation::tanh:
        p[i] = std::tanh(p[i]);
        break;
      case activation::sigmoid:
        p[i] = 1.0 / (1.0 + std::exp(-p[i]));
        break;
    }
  }
}

template <class T>
void activation_backward(activation act, const T* y, const T* dy, T* dz, std::size_t n) noexcept {
  switch (act) {
    case activation::linear:
      for (std::size_t i = 0; i < n; ++i)
        dz[i] = dy[i];
      return;
    case activation::relu:
      for (std::size_t i = 0; i < n; ++i)
        dz[i] = y[i] > T(0) ? dy[i] : T(0);
      return;
    case activation::tanh:
      for (std::size_t i = 0; i < n; ++i)
        dz[i] = dy[i] * (T(1) - y[i] * y[i]);
      return;
    case activation::sigmoid:
      for (std::size_t i = 0; i < n; ++i)
        dz[i] = dy[i] * y[i] * (T(1) - y[i]);
      return;
  }
}

template void add_column_sums<float>(std::size_t, std::size_t, const float*, std::size_t,
                                     float*) noexcept;
template void add_column_sums<double>(std::size_t, std::size_t, const double*, std::size_t,
                                      double*) noexcept;
template void activation_backward<float>(activation, const float*, const float*, float*,
                                         std::size_t) noexcept;
template void activation_backward<double>(activation, const double*, const double*, double*,
                                          std::size_t) noexcept;

}  // namespace edgernn::train::kernels
