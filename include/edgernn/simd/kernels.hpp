// edgernn: the gate matrix-vector kernel every layer is built from, and its weight packing.
//
// A layer with G gates of H units computes, per step, z = x·K + h·U + b: a product of the
// K = In + H inputs with a (In + H) × G·H matrix. Columns are padded to Hp = round_up(H, W)
// (W = floats per SIMD register) and cut into column blocks of V registers per gate. For each
// block, the panel stores every input row's G·V registers next to each other:
//
//   panel[block][row k][gate g][register v][lane l] = M[k][g·H + j0 + v·W + l]   (0 past H)
//
// so one block streams K·G·V·W contiguous floats: broadcast input k, FMA its G·V registers into
// G·V accumulators that stay in registers, then finish the block (activations, state update)
// before moving on: one pass over the weights, no intermediate z vector in memory. Full blocks
// are V = 2 registers wide per gate for LSTM and GRU (8 and 6 accumulators in flight) and V = 4
// for SimpleRNN and Dense; the Hp/W mod V registers left over form one shorter block.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include "edgernn/simd/activations.hpp"

namespace edgernn {

/// A read-only array of floats handed to set_weights (Keras layout, row-major).
struct weights {
  const float* data = nullptr;
  std::size_t size = 0;

  constexpr weights() noexcept = default;
  constexpr weights(const float* d, std::size_t n) noexcept : data(d), size(n) {}
  template <std::size_t N>
  constexpr weights(const float (&a)[N]) noexcept : data(a), size(N) {}  // NOLINT: implicit
  /// Any contiguous container of floats (std::vector, std::array, ...).
  template <class C, class = decltype(static_cast<const float*>(std::declval<const C&>().data())),
            class = decltype(std::size_t{std::declval<const C&>().size()})>
  constexpr weights(const C& c) noexcept : data(c.data()), size(c.size()) {}  // NOLINT: implicit
};

namespace detail {

/// Reads float i of an array that may be unaligned and read-only (a file in flash):
/// little-endian IEEE binary32, copied byte-wise.
struct byte_floats {
  const unsigned char* bytes;
  float operator[](std::size_t i) const noexcept {
    float f;
    std::memcpy(&f, bytes + i * sizeof(float), sizeof(float));
    return f;
  }
};

/// Reads float i of a caller's float array.
struct plain_floats {
  const float* data;
  constexpr float operator[](std::size_t i) const noexcept { return data[i]; }
};

/// Geometry of a gate panel: `gates` gates of `units` columns each, `w`-float registers.
/// Usable at compile time (static layers) and at run time (DynamicModel): both walk the same
/// blocks over the same packed layout.
struct panel_shape {
  std::size_t padded;       ///< Hp = round_up(units, w)
  std::size_t regs;         ///< registers per gate
  std::size_t v;            ///< registers per gate in a full block
  std::size_t full_blocks;  ///< blocks of v registers
  std::size_t tail_regs;    ///< registers in the one short block after them (0: none)

  constexpr panel_shape(std::size_t units, std::size_t gates, std::size_t w) noexcept
      : padded(simd::round_up(units, w)),
        regs(padded / w),
        v(gates >= 3 ? 2 : 4),
        full_blocks(regs / v),
        tail_regs(regs % v) {}
};

template <std::size_t V>
using regs_t = std::integral_constant<std::size_t, V>;

/// Calls f(regs_t<V>{}, j0) for every column block of `s` in panel order: full blocks of
/// `VMax` (= s.v) registers, then the short block, if any. j0 is the block's first column.
template <std::size_t VMax, class F>
EDGERNN_INLINE constexpr void for_each_block(const panel_shape& s, std::size_t w, F&& f) {
  std::size_t j = 0;
  for (std::size_t b = 0; b < s.full_blocks; ++b, j += VMax * w)
    f(regs_t<VMax>{}, j);
  if constexpr (VMax >= 2) {
    if (s.tail_regs == 1) f(regs_t<1>{}, j);
  }
  if constexpr (VMax >= 3) {
    if (s.tail_regs == 2) f(regs_t<2>{}, j);
  }
  if constexpr (VMax >= 4) {
    if (s.tail_regs == 3) f(regs_t<3>{}, j);
  }
}

/// Packs rows [0, rows) of the Keras matrix `src` (rows × src_cols, gate g's column j at
/// g·H + j) for the column block [j0, j0 + nv·W), gates `gates[0..ng)`, in panel order.
/// Returns the end of what it wrote.
template <class Reader>
constexpr float* pack_block_rows(float* dst, const Reader& src, std::size_t rows,
                                 std::size_t src_cols, std::size_t h, const std::size_t* gates,
                                 std::size_t ng, std::size_t j0, std::size_t nv,
                                 std::size_t w) noexcept {
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t g = 0; g < ng; ++g) {
      for (std::size_t c = 0; c < nv * w; ++c) {
        const std::size_t j = j0 + c;
        *dst++ = j < h ? src[k * src_cols + gates[g] * h + j] : 0.0f;
      }
    }
  }
  return dst;
}

/// Packs a bias vector (src_cols floats, gate g's unit j at g·H + j) for `gates` into
/// `ng` rows of `hp` floats, zero past H.
template <class Reader>
constexpr void pack_bias(float* dst, const Reader& src, std::size_t h, std::size_t hp,
                         const std::size_t* gates, std::size_t ng) noexcept {
  for (std::size_t g = 0; g < ng; ++g) {
    for (std::size_t j = 0; j < hp; ++j)
      dst[g * hp + j] = j < h ? src[gates[g] * h + j] : 0.0f;
  }
}

/// acc[r] += src[k] · panel[k][r] for rows k in [0, rows) and the N registers of one block.
/// With fewer than 8 accumulators the FMA latency, not throughput, would bound the loop, so
/// odd rows go to a second set that is added at the end. Returns the panel past those rows.
template <class Arch, std::size_t N>
EDGERNN_INLINE const float* accumulate(typename simd::ops<Arch>::reg* acc,
                                       const float* EDGERNN_RESTRICT src, std::size_t rows,
                                       const float* EDGERNN_RESTRICT panel) noexcept {
  using O = simd::ops<Arch>;
  constexpr std::size_t W = O::width;
  if constexpr (N >= 8 || W == 1) {
    for (std::size_t k = 0; k < rows; ++k) {
      const auto s = O::broadcast(src[k]);
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::fma(s, O::load(panel + r * W), acc[r]);
      panel += N * W;
    }
  } else {
    typename O::reg odd[N];
    for (std::size_t r = 0; r < N; ++r)
      odd[r] = O::broadcast(0.0f);
    std::size_t k = 0;
    for (; k + 1 < rows; k += 2) {
      const auto s0 = O::broadcast(src[k]);
      const auto s1 = O::broadcast(src[k + 1]);
      for (std::size_t r = 0; r < N; ++r) {
        acc[r] = O::fma(s0, O::load(panel + r * W), acc[r]);
        odd[r] = O::fma(s1, O::load(panel + (N + r) * W), odd[r]);
      }
      panel += 2 * N * W;
    }
    if (k < rows) {
      const auto s = O::broadcast(src[k]);
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::fma(s, O::load(panel + r * W), acc[r]);
      panel += N * W;
    }
    for (std::size_t r = 0; r < N; ++r)
      acc[r] = acc[r] + odd[r];
  }
  return panel;
}

}  // namespace detail
}  // namespace edgernn
