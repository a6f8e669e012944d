// edgernn: which instruction set the kernels use, and a thin, version-proof layer over xsimd.
//
// Kernels are written once against `ops<Arch>`. For an xsimd architecture tag `ops<Arch>` wraps
// `xsimd::batch<float, Arch>`; for `edgernn::simd::scalar` it wraps a plain float, so the scalar
// path compiles where xsimd has no SIMD at all (armv6, Cortex-M: there `xsimd::batch<float>` does
// not exist and xsimd is never included).
//
// The architecture comes from the compile flags: define EDGERNN_FORCE_SCALAR to take the scalar
// path on a SIMD host (the `scalar` preset does, so tests cover it everywhere).
#pragma once

#include <cstddef>
#include <cstring>

#if !defined(EDGERNN_FORCE_SCALAR) &&                                \
    (defined(__SSE2__) || defined(_M_X64) || defined(__aarch64__) || \
     (defined(__ARM_NEON) && defined(__ARM_ARCH) && __ARM_ARCH >= 7))
#define EDGERNN_HAS_XSIMD 1
#include <xsimd/xsimd.hpp>
#else
#define EDGERNN_HAS_XSIMD 0
#endif

#if defined(__GNUC__)
#define EDGERNN_INLINE inline __attribute__((always_inline))
#define EDGERNN_RESTRICT __restrict__
#else
#define EDGERNN_INLINE inline
#define EDGERNN_RESTRICT
#endif

namespace edgernn::simd {

/// Tag for the portable path: one float per "vector", no SIMD instructions.
struct scalar {
  static constexpr const char* name() noexcept { return "scalar"; }
};

#if EDGERNN_HAS_XSIMD
/// The widest instruction set the compile flags allow (AVX-512, AVX2+FMA, SSE, NEON).
using default_arch = xsimd::default_arch;
#else
using default_arch = scalar;
#endif

/// Vector operations for `Arch`; see the specializations below.
template <class Arch>
struct ops;

template <>
struct ops<scalar> {
  using reg = float;
  static constexpr std::size_t width = 1;
  static constexpr std::size_t alignment = 16;
  static constexpr const char* name() noexcept { return "scalar"; }

  static EDGERNN_INLINE reg load(const float* p) noexcept { return *p; }
  static EDGERNN_INLINE void store(float* p, reg v) noexcept { *p = v; }
  static EDGERNN_INLINE reg broadcast(float v) noexcept { return v; }
  static EDGERNN_INLINE reg fma(reg a, reg b, reg c) noexcept { return a * b + c; }
  static EDGERNN_INLINE reg min(reg a, reg b) noexcept { return b < a ? b : a; }
  static EDGERNN_INLINE reg max(reg a, reg b) noexcept { return a < b ? b : a; }
  /// `v` where `v` is NaN, `r` elsewhere.
  static EDGERNN_INLINE reg keep_nan(reg v, reg r) noexcept { return v != v ? v : r; }
  static EDGERNN_INLINE float sum(reg v) noexcept { return v; }
  static EDGERNN_INLINE reg mask_tail(reg v, std::size_t n) noexcept { return n > 0 ? v : 0.0f; }
};

#if EDGERNN_HAS_XSIMD
template <class Arch>
struct ops {
  using reg = xsimd::batch<float, Arch>;
  static constexpr std::size_t width = reg::size;
  static constexpr std::size_t alignment = width * sizeof(float) < 16 ? 16 : width * sizeof(float);
  static constexpr const char* name() noexcept { return Arch::name(); }

  // Aligned loads and stores only: every buffer a kernel touches is ours and padded.
  static EDGERNN_INLINE reg load(const float* p) noexcept { return reg::load_aligned(p); }
  static EDGERNN_INLINE void store(float* p, reg v) noexcept { v.store_aligned(p); }
  static EDGERNN_INLINE reg broadcast(float v) noexcept { return reg(v); }
  // Plain SSE/AVX have no FMA instruction: xsimd falls back to a multiply and an add there.
  static EDGERNN_INLINE reg fma(reg a, reg b, reg c) noexcept { return xsimd::fma(a, b, c); }
  static EDGERNN_INLINE reg min(reg a, reg b) noexcept { return xsimd::min(a, b); }
  static EDGERNN_INLINE reg max(reg a, reg b) noexcept { return xsimd::max(a, b); }
  static EDGERNN_INLINE reg keep_nan(reg v, reg r) noexcept {
    // Not `v != v`: xsimd 8.1's AVX-512 `!=` is an ordered compare, false for NaN.
    return xsimd::select(xsimd::isnan(v), v, r);
  }
  /// `v` with lanes n and above set to 0 (whatever they held, NaN included).
  static EDGERNN_INLINE reg mask_tail(reg v, std::size_t n) noexcept {
    alignas(64) static constexpr float lane[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                   8, 9, 10, 11, 12, 13, 14, 15};
    static_assert(width <= 16, "wider registers need a longer lane table");
    return xsimd::select(reg::load_aligned(lane) < reg(static_cast<float>(n)), v, reg(0.0f));
  }
  static EDGERNN_INLINE float sum(reg v) noexcept {
#if XSIMD_VERSION_MAJOR >= 9
    return xsimd::reduce_add(v);
#else
    return xsimd::hadd(v);
#endif
  }
};
#endif

/// Smallest multiple of `m` that is >= `n`.
constexpr std::size_t round_up(std::size_t n, std::size_t m) noexcept {
  return (n + m - 1) / m * m;
}

/// Integer division rounding up.
constexpr std::size_t ceil_div(std::size_t n, std::size_t m) noexcept {
  return (n + m - 1) / m;
}

}  // namespace edgernn::simd
