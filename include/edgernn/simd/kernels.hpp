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
// are V = 2 registers wide per gate for LSTM and GRU (8 and 6 accumulators in flight; other
// widths where measured faster, see gate_block_regs) and V = 4 for SimpleRNN and Dense; the
// Hp/W mod V registers left over form one shorter block.
//
// The panel holds float32, or IEEE binary16 (the `f16` kernels: half the bytes per weight,
// widened by ops::load as they stream in; the bias and all arithmetic stay float32).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "edgernn/simd/activations.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

/// A read-only array of weights handed to set_weights (Keras layout, row-major): floats, or
/// binary16 bit patterns (std::uint16_t, as an f16 model file or exported header stores them).
struct weights {
  const float* data = nullptr;
  std::size_t size = 0;
  const std::uint16_t* halves = nullptr;  ///< set instead of `data` for binary16 arrays
  /// Whether `halves` is the array. A flag rather than a null test: GCC 12 with UBSan cannot
  /// compare the address of a constexpr array with null in a constant expression, which the
  /// compile-time packing of exported binary16 headers needs.
  bool half = false;

  constexpr weights() noexcept = default;
  constexpr weights(const float* d, std::size_t n) noexcept : data(d), size(n) {}
  constexpr weights(const std::uint16_t* h, std::size_t n) noexcept
      : size(n), halves(h), half(true) {}
  template <std::size_t N>
  constexpr weights(const float (&a)[N]) noexcept : data(a), size(N) {}  // NOLINT: implicit
  template <std::size_t N>
  constexpr weights(const std::uint16_t (&a)[N]) noexcept  // NOLINT: implicit
      : size(N), halves(a), half(true) {}
  /// Any contiguous container of floats (std::vector, std::array, ...).
  template <class C, class = decltype(static_cast<const float*>(std::declval<const C&>().data())),
            class = decltype(std::size_t{std::declval<const C&>().size()})>
  constexpr weights(const C& c) noexcept : data(c.data()), size(c.size()) {}  // NOLINT: implicit
};

/// Weight storage for a layer's `Kernels` parameter: binary16 weights with the default kernels
/// for binary16 (`Lstm<In, H, f16>`: the width simd::half_narrow_by_default gives, under the
/// zen4 rule simd::narrow_arch at every size, since 256-bit conversions stream twice as fast
/// as 512-bit ones on Zen 4), or with those of `Arch` (`f16_on<Arch>`).
struct f16 {};
template <class Arch>
struct f16_on {};

/// Float32 weights with the cheaper activations of the binary16 layers (simd::fit::fast: tanh
/// and sigmoid good to 7e-5 instead of 4e-7, see simd/activations.hpp), an opt-in for small
/// layers whose step is bound by its activations (`Lstm<In, H, fast_activations>`: the default
/// kernels, simd::arch_for; `fast_activations_on<Arch>`: those of `Arch`).
struct fast_activations {};
template <class Arch>
struct fast_activations_on {};

namespace detail {

template <class R, class = void>
struct has_half_at : std::false_type {};
template <class R>
struct has_half_at<R, decltype(void(std::declval<const R&>().half_at(std::size_t{})))>
    : std::true_type {};

/// A layer's `Kernels` parameter resolved: the instruction set, the weight storage type and the
/// activations' rational (fit_for<weight> unless the layer opts in to the fast one).
/// `Units`, `Gates` and `In` choose the default kernels of `fast_activations` (simd::arch_for).
template <class Kernels, std::size_t Units, std::size_t Gates = 0, std::size_t In = 0>
struct kernels_of {
  using arch = Kernels;
  using weight = float;
  static constexpr simd::fit fit = simd::fit::precise;
};
template <std::size_t Units, std::size_t Gates, std::size_t In>
struct kernels_of<f16, Units, Gates, In> {
  using arch = typename std::conditional<simd::half_narrow_by_default(Units, Gates, In),
                                         simd::narrow_arch, simd::default_arch>::type;
  using weight = std::uint16_t;
  static constexpr simd::fit fit = simd::fit::fast;
};
template <class Arch, std::size_t Units, std::size_t Gates, std::size_t In>
struct kernels_of<f16_on<Arch>, Units, Gates, In> {
  using arch = Arch;
  using weight = std::uint16_t;
  static constexpr simd::fit fit = simd::fit::fast;
};
template <std::size_t Units, std::size_t Gates, std::size_t In>
struct kernels_of<fast_activations, Units, Gates, In> {
  using arch = simd::arch_for<Units, Gates, In>;
  using weight = float;
  static constexpr simd::fit fit = simd::fit::fast;
};
template <class Arch, std::size_t Units, std::size_t Gates, std::size_t In>
struct kernels_of<fast_activations_on<Arch>, Units, Gates, In> {
  using arch = Arch;
  using weight = float;
  static constexpr simd::fit fit = simd::fit::fast;
};

/// Reads value i of a `weights` array as float, or as binary16 bits (exact for halves).
struct weights_reader {
  const float* f;
  const std::uint16_t* h;
  bool half;
  constexpr float operator[](std::size_t i) const noexcept {
    return half ? simd::half_to_float(h[i]) : f[i];
  }
  constexpr std::uint16_t half_at(std::size_t i) const noexcept {
    return half ? h[i] : simd::float_to_half(f[i]);
  }
};
constexpr weights_reader read(const weights& w) noexcept {
  return {w.data, w.halves, w.half};
}

/// Reads float i of a caller's float array.
struct plain_floats {
  const float* data;
  constexpr float operator[](std::size_t i) const noexcept { return data[i]; }
};

/// Value i of `src` times `scale` (1, or 0.5 for a sigmoid gate), stored as T: float (exact),
/// or binary16 (from the half itself when the reader has one: then halving is exact unless
/// the result is subnormal, an error below 2^−25).
template <class T, class Reader>
constexpr T packed_value(const Reader& src, std::size_t i, float scale) noexcept {
  if constexpr (std::is_same<T, float>::value) {
    return scale * src[i];
  } else {
    if constexpr (has_half_at<Reader>::value) {
      const std::uint16_t h = src.half_at(i);
      return scale == 1.0f ? h : simd::half_halve(h);
    } else {
      return simd::float_to_half(scale * src[i]);
    }
  }
}

/// The activations' rational for layers whose weights are stored as T: the cheaper fit for
/// binary16 (see simd/activations.hpp), the precise one for float32.
template <class T>
inline constexpr simd::fit fit_for =
    std::is_same<T, float>::value ? simd::fit::precise : simd::fit::fast;

/// Registers per gate in a full column block of a layer with `units` units (see the top of this
/// file; `units` = 0: the most any size uses, for_each_block's VMax): 4 for one-gate panels
/// (SimpleRNN, Dense, the GRU's second panel); for LSTM and GRU, 4 for binary16 weights where
/// there are 32 vector registers (AVX-512VL, aarch64), 1 for float32 weights in 512-bit
/// registers from 64 units, else 2. Measured (bench/bench_step.cpp, Zen 4, alternating runs):
/// binary16 panels run 5–10 % faster with 4 than with 2 at H = 32 … 256 (more independent work
/// between the conversions); float32 LSTM at H = 64 8 % faster with 1 than with 2 (GRU 0–4 %,
/// smaller and larger sizes within noise), float32 with 4 up to 30 % slower.
template <class Arch, class T>
constexpr std::size_t gate_block_regs(std::size_t gates, std::size_t units = 0) noexcept {
  if (gates < 3) return 4;
  if (!std::is_same<T, float>::value) return simd::ops<Arch>::registers >= 32 ? 4 : 2;
  return simd::ops<Arch>::width == 16 && units >= 64 ? 1 : 2;
}

/// Whether a block of V registers per gate computes, for all its registers, the gates its state
/// update waits for (LSTM: i, f and the candidate; GRU: r) before the rest, rather than register
/// by register: out-of-order cores issue the oldest ready division first, so the waited-for
/// ones then go first (with V = 1 the two orders are the same). Same arithmetic either way.
/// Measured against register by register (bench/bench_step.cpp, Zen 4, alternating runs):
/// float32 H = 16 (256-bit, V = 2) 2.4–5.5 % faster, H = 32 (512-bit, V = 2) 1–2 %; binary16
/// (V = 4) 1–9 % at H = 16 … 128 (LSTM H = 32: 132.7 → 120.2 ns).
constexpr bool critical_gates_first(std::size_t v) noexcept {
  return v >= 2;
}

/// Geometry of a gate panel: gates of `units` columns each, `w`-float registers, full blocks
/// of `v` registers per gate (gate_block_regs). Usable at compile time (static layers) and at
/// run time (DynamicModel): both walk the same blocks over the same packed layout.
struct panel_shape {
  std::size_t padded;       ///< Hp = round_up(units, w)
  std::size_t regs;         ///< registers per gate
  std::size_t v;            ///< registers per gate in a full block
  std::size_t full_blocks;  ///< blocks of v registers
  std::size_t tail_regs;    ///< registers in the one short block after them (0: none)

  constexpr panel_shape(std::size_t units, std::size_t block_regs, std::size_t w) noexcept
      : padded(simd::round_up(units, w)),
        regs(padded / w),
        v(block_regs),
        full_blocks(regs / v),
        tail_regs(regs % v) {}
};

template <std::size_t V>
using regs_t = std::integral_constant<std::size_t, V>;

/// Calls f(regs_t<V>{}, j0) for every column block of `s` in panel order: full blocks of
/// `VMax` registers (s.v = VMax; or one register each where s.v = 1), then the short block, if
/// any. j0 is the block's first column.
template <std::size_t VMax, class F>
EDGERNN_INLINE constexpr void for_each_block(const panel_shape& s, std::size_t w, F&& f) {
  std::size_t j = 0;
  if constexpr (VMax >= 2) {
    if (s.v == 1) {
      for (std::size_t b = 0; b < s.regs; ++b, j += w)
        f(regs_t<1>{}, j);
      return;
    }
  }
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
/// g·H + j) for the column block [j0, j0 + nv·W), gates `gates[0..ng)`, in panel order, each
/// gate's values multiplied by `scale[g]` (1, or 0.5 for a sigmoid gate: exact). Returns the end
/// of what it wrote.
template <class T, class Reader>
constexpr T* pack_block_rows(T* dst, const Reader& src, std::size_t rows, std::size_t src_cols,
                             std::size_t h, const std::size_t* gates, const float* scale,
                             std::size_t ng, std::size_t j0, std::size_t nv,
                             std::size_t w) noexcept {
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t g = 0; g < ng; ++g) {
      for (std::size_t c = 0; c < nv * w; ++c) {
        const std::size_t j = j0 + c;
        *dst++ = j < h ? packed_value<T>(src, k * src_cols + gates[g] * h + j, scale[g]) : T{};
      }
    }
  }
  return dst;
}

/// Bias value i of `src` for a layer with weights stored as T: kept in float32 either way, but
/// rounded to binary16 first for binary16 layers (so an f16 layer computes the same from a
/// binary32 source as from an f16 model file).
template <class T, class Reader>
constexpr float bias_at(const Reader& src, std::size_t i) noexcept {
  if constexpr (std::is_same<T, float>::value) {
    return src[i];
  } else if constexpr (has_half_at<Reader>::value) {
    return simd::half_to_float(src.half_at(i));
  } else {
    return simd::half_to_float(simd::float_to_half(src[i]));
  }
}

/// Packs a bias vector (src_cols floats, gate g's unit j at g·H + j) for `gates` into
/// `ng` rows of `hp` floats, zero past H, each gate multiplied by `scale[g]`.
template <class T, class Reader>
constexpr void pack_bias(float* dst, const Reader& src, std::size_t h, std::size_t hp,
                         const std::size_t* gates, const float* scale, std::size_t ng) noexcept {
  for (std::size_t g = 0; g < ng; ++g) {
    for (std::size_t j = 0; j < hp; ++j)
      dst[g * hp + j] = j < h ? scale[g] * bias_at<T>(src, gates[g] * h + j) : 0.0f;
  }
}

/// Floats of a layer's output buffer holding `padded` floats of its own kernels: whole
/// registers of the widest kernels of the build (the next layer may be a Dense of that width).
constexpr std::size_t buffer_floats(std::size_t padded) noexcept {
  return simd::round_up(padded, simd::ops<simd::default_arch>::width);
}
/// Alignment of a layer's output buffer: that of the widest kernels of the build, which the
/// next layer may read it with (aligned loads: a 256-bit layer's buffer at an odd multiple of 32
/// bytes faulted in a 512-bit Dense layer after it).
inline constexpr std::size_t buffer_alignment = simd::ops<simd::default_arch>::alignment;

/// Copies `floats` floats (whole registers of Arch; both buffers aligned) one register at a
/// time, so that every load matches a store of the kernels that wrote `src`. A memcpy need not:
/// GCC 12 expands one of 64 bytes into a single 64-byte move on AVX-512 builds, whose load spans
/// two 32-byte stores of a 256-bit layer and waits for them to reach the cache (no store
/// forwarding). Measured (Xeon, -march=cooperlake, run() over 1000 steps in chunks of 8, per
/// step): SimpleRNN of 16 units, 256-bit, 30.3 ns with the memcpy against 24.2 ns for step().
template <class Arch>
EDGERNN_INLINE void copy_registers(float* dst, const float* src, std::size_t floats) noexcept {
  using O = simd::ops<Arch>;
  EDGERNN_UNROLL
  for (std::size_t i = 0; i < floats; i += O::width)
    O::store(dst + i, O::load(src + i));
}

/// The recurrence of a layer's run() over `n` steps, its input projections done: calls
/// step(t, hp, hn) for t in [0, n), hn = y + t·ldy and hp the output before it (the state's
/// current h, h[cur] of the buffers h0 / h1, for t = 0). Then the last output (`floats` floats,
/// whole registers of Arch, the layer's kernels) becomes the state's h, as n calls of step()
/// would have left it.
template <class Arch, class Step>
EDGERNN_INLINE void recurrence(float* h0, float* h1, unsigned& cur, std::size_t floats, float* y,
                               std::size_t ldy, std::size_t n, Step&& step) noexcept {
  const float* hp = cur ? h1 : h0;
  for (std::size_t t = 0; t < n; ++t) {
    float* hn = y + t * ldy;
    step(t, hp, hn);
    hp = hn;
  }
  if (n > 0) {
    copy_registers<Arch>(cur ? h0 : h1, hp, floats);
    cur ^= 1u;
  }
}

/// Independent partial sums (chains) per accumulator for a block of n registers: at small
/// sizes the h → h dependency runs through every row's FMA, so splitting the rows into chains
/// shortens it (4 rows per chain: 4 FMA latencies + 2 adds instead of 16 FMA latencies). As
/// many chains (1, 2 or 4) as keep n·chains within half the register file.
template <class Arch>
constexpr std::size_t chains_for(std::size_t n) noexcept {
  using O = simd::ops<Arch>;
  if (O::width == 1) return 1;
  std::size_t c = 1;
  while (c < 4 && n * (2 * c) <= O::registers / 2)
    c *= 2;
  return c;
}

/// s[c] = broadcast(p[c]) for c in [0, 4), from one 16-byte load (ops::has_quads).
template <class Arch>
EDGERNN_INLINE void quad_splats(const float* p, typename simd::ops<Arch>::reg* s) noexcept {
  using O = simd::ops<Arch>;
  const auto q = O::load_quads(p);
  s[0] = O::template splat<0>(q);
  s[1] = O::template splat<1>(q);
  s[2] = O::template splat<2>(q);
  s[3] = O::template splat<3>(q);
}

/// acc[r] += src[k] · panel[k][r] for rows k in [0, rows) and the N registers of one block, in
/// `C` chains (row k goes to chain k mod C; the chains are summed pairwise at the end). Returns
/// the panel past those rows. Every caller that must agree bit for bit (step() and the
/// sequence path) uses the same N and C for the same rows.
template <class Arch, std::size_t N, std::size_t C = chains_for<Arch>(N), class T>
EDGERNN_INLINE const T* accumulate(typename simd::ops<Arch>::reg* acc,
                                   const float* EDGERNN_RESTRICT src, std::size_t rows,
                                   const T* EDGERNN_RESTRICT panel) noexcept {
  using O = simd::ops<Arch>;
  constexpr std::size_t W = O::width;
  if constexpr (C == 1) {
    for (std::size_t k = 0; k < rows; ++k) {
      const auto s = O::broadcast(src[k]);
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::fma(s, O::load(panel + r * W), acc[r]);
      panel += N * W;
    }
  } else {
    typename O::reg part[C - 1][N];
    EDGERNN_UNROLL
    for (std::size_t c = 0; c + 1 < C; ++c) {
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        part[c][r] = O::broadcast(0.0f);
    }
    std::size_t k = 0;
    if constexpr (C == 2 && O::has_quads) {
      // Four rows, two per chain, from one quad load (as with four chains below; the same
      // rows reach the same chains in the same order as the pair loop after it). Measured
      // (bench/bench_step.cpp, static rows, alternating runs, Zen 4): LSTM of 16 and 32 units
      // 3-6 % faster at In = 1 (the 512-bit steps of 32 units issue a weight load per cycle, and
      // each broadcast load took a slot of its own); GRU of 16 and 32 units within noise.
      for (; k + 4 <= rows; k += 4) {
        typename O::reg s[4];
        quad_splats<Arch>(src + k, s);
        EDGERNN_UNROLL
        for (std::size_t c = 0; c < 4; c += 2) {
          EDGERNN_UNROLL
          for (std::size_t r = 0; r < N; ++r)
            acc[r] = O::fma(s[c], O::load(panel + (c * N + r) * W), acc[r]);
          EDGERNN_UNROLL
          for (std::size_t r = 0; r < N; ++r)
            part[0][r] = O::fma(s[c + 1], O::load(panel + ((c + 1) * N + r) * W), part[0][r]);
        }
        panel += 4 * N * W;
      }
    }
    for (; k + C <= rows; k += C) {
      typename O::reg s[C];
      if constexpr (C == 4 && O::has_quads) {
        // The same broadcasts from one load per four rows (see ops::has_quads): measured on
        // Zen 4 (bench/bench_step.cpp, alternating runs), SimpleRNN steps 5-7 % faster at H = 32
        // and 64, where the weights stream from L1 and the load ports bound the step; others
        // within noise.
        quad_splats<Arch>(src + k, s);
      } else {
        EDGERNN_UNROLL
        for (std::size_t c = 0; c < C; ++c)
          s[c] = O::broadcast(src[k + c]);
      }
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::fma(s[0], O::load(panel + r * W), acc[r]);
      EDGERNN_UNROLL
      for (std::size_t c = 1; c < C; ++c) {
        EDGERNN_UNROLL
        for (std::size_t r = 0; r < N; ++r)
          part[c - 1][r] = O::fma(s[c], O::load(panel + (c * N + r) * W), part[c - 1][r]);
      }
      panel += C * N * W;
    }
    // rows − k < C rows are left: chain c takes the (c + 1)-th of them. Written out so that
    // every chain index is a constant (a run-time index would put the chains in memory).
    if (k < rows) {
      const auto s = O::broadcast(src[k++]);
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::fma(s, O::load(panel + r * W), acc[r]);
      panel += N * W;
    }
    if constexpr (C == 4) {
      if (k < rows) {
        const auto s = O::broadcast(src[k++]);
        EDGERNN_UNROLL
        for (std::size_t r = 0; r < N; ++r)
          part[0][r] = O::fma(s, O::load(panel + r * W), part[0][r]);
        panel += N * W;
      }
      if (k < rows) {
        const auto s = O::broadcast(src[k++]);
        EDGERNN_UNROLL
        for (std::size_t r = 0; r < N; ++r)
          part[1][r] = O::fma(s, O::load(panel + r * W), part[1][r]);
        panel += N * W;
      }
    }
    // Pairwise: (acc + p0) + (p1 + p2) for four chains.
    EDGERNN_UNROLL
    for (std::size_t r = 0; r < N; ++r) {
      if constexpr (C == 2) {
        acc[r] = acc[r] + part[0][r];
      } else {
        acc[r] = (acc[r] + part[0][r]) + (part[1][r] + part[2][r]);
      }
    }
  }
  return panel;
}

/// Steps of one projection tile (see project_block).
inline constexpr std::size_t project_steps = 4;
/// Input rows from which project_block goes by tiles. Measured (bench/bench_step.cpp, sequence
/// rows, alternating runs, Zen 4): with one row, tiles made run() 1-6 % slower; with eight,
/// 0-2 % (LSTM and GRU, 16 to 128 units); from 16 rows on, as fast or faster.
inline constexpr std::size_t project_min_rows = 16;

/// Packed weight bytes up to which run() leaves a layer with fewer than project_min_rows inputs
/// to its full steps, input rows and all, instead of a pass of input projections before the
/// recurrence: three quarters of a 32 KiB L1 data cache, the rest being the state, the rows and
/// the next layer's weights. Measured (a harness alternating both forms of Model::run over 1000
/// steps, Zen 4, medians of 7 rounds): with 1 or 8 inputs and the weights in L1, the full steps
/// are 1.03–1.13× faster per step at 16 to 32 units (LSTM of 32 units with 8 inputs, 20 KiB:
/// 145.6 → 136.6 ns; binary16 and fast activations alike; one size at 0.99×: LSTM of 20 units
/// with 8 inputs), as fast at 23 to 30 KiB, and from 32 KiB up 0.86–0.98× with 8 inputs (the
/// projection pass then streams the input rows apart from the recurrence's L2-bound pass),
/// 0.99–1.01× with one.
inline constexpr std::size_t run_step_max_bytes = 24 * 1024;

/// Whether run() computes a layer's input projections in a pass of their own (see
/// run_step_max_bytes and project_min_rows).
constexpr bool run_projects_inputs(std::size_t in, std::size_t weight_bytes) noexcept {
  return in >= project_min_rows || weight_bytes > run_step_max_bytes;
}

/// Where register r of a column block (V registers per gate, gates n floats apart, first
/// column j) sits in the bias and in a projection: gate r / V, register r mod V.
constexpr std::size_t block_offset(std::size_t r, std::size_t v, std::size_t n, std::size_t j,
                                   std::size_t w) noexcept {
  return r / v * n + j + r % v * w;
}

/// Registers of one projection tile: R weight registers times S steps of accumulators, within
/// the register file with the weights and a broadcast beside them.
template <class Arch>
constexpr std::size_t project_regs() noexcept {
  return simd::ops<Arch>::registers >= 32 ? 4 : 2;
}

/// One tile of project_block: registers [r0, r0 + R) of the block for steps [0, S), chain by
/// chain. Chain c takes rows c, c + C, ... from 0 (c = 0: from the bias); the chains are summed
/// as accumulate sums them, (a0 + a1) for two and (a0 + a1) + (a2 + a3) for four, with the
/// partial sums held in `proj` and, for four chains, in a buffer of the tile.
template <class Arch, std::size_t N, std::size_t V, std::size_t S, std::size_t R, class T>
EDGERNN_INLINE void project_tile(const T* EDGERNN_RESTRICT panel, std::size_t rows, std::size_t r0,
                                 const float* b, std::size_t n, std::size_t j,
                                 const float* EDGERNN_RESTRICT x, std::size_t ldx,
                                 float* EDGERNN_RESTRICT proj, std::size_t ldp) noexcept {
  using O = simd::ops<Arch>;
  using R_ = typename O::reg;
  constexpr std::size_t W = O::width;
  constexpr std::size_t C = chains_for<Arch>(N);
  std::size_t off[R];
  EDGERNN_UNROLL
  for (std::size_t i = 0; i < R; ++i)
    off[i] = block_offset(r0 + i, V, n, j, W);
  // Chain 2 writes what chain 3 reads, through a pointer the compiler cannot follow: GCC
  // cannot tell that chain 2 runs first and warns of a read before any write. Measured (GRU of
  // 64 units, 256 inputs, Zen 4), both ways of telling it made run() slower per step: zeroing
  // the buffer first (1.7x), or one copy of the loop per chain (1.25x).
  alignas(64) float pair_buffer[C == 4 ? S * R * W : 1];
  float* pair = pair_buffer;
#if defined(__GNUC__)
  __asm__("" : "+r"(pair));
#endif
  for (std::size_t c = 0; c < C; ++c) {
    R_ a[S][R];
    EDGERNN_UNROLL
    for (std::size_t s = 0; s < S; ++s) {
      EDGERNN_UNROLL
      for (std::size_t i = 0; i < R; ++i)
        a[s][i] = c == 0 ? O::load(b + off[i]) : O::broadcast(0.0f);
    }
    for (std::size_t k = c; k < rows; k += C) {
      const T* p = panel + (k * N + r0) * W;
      R_ wv[R];
      EDGERNN_UNROLL
      for (std::size_t i = 0; i < R; ++i)
        wv[i] = O::in_register(O::load(p + i * W));
      EDGERNN_UNROLL
      for (std::size_t s = 0; s < S; ++s) {
        const auto xs = O::broadcast(x[s * ldx + k]);
        EDGERNN_UNROLL
        for (std::size_t i = 0; i < R; ++i)
          a[s][i] = O::fma(xs, wv[i], a[s][i]);
      }
    }
    EDGERNN_UNROLL
    for (std::size_t s = 0; s < S; ++s) {
      EDGERNN_UNROLL
      for (std::size_t i = 0; i < R; ++i) {
        float* dst = proj + s * ldp + off[i];
        if (c == 0) {
          O::store(dst, a[s][i]);
        } else if (c == 1) {
          O::store(dst, O::load(dst) + a[s][i]);
        } else if (c == 2) {
          O::store(pair + (s * R + i) * W, a[s][i]);
        } else {
          O::store(dst, O::load(dst) + (O::load(pair + (s * R + i) * W) + a[s][i]));
        }
      }
    }
  }
}

/// The input projections of `steps` steps for one column block of N registers (V per gate,
/// gate g's register v at g·n + j + v·W in the bias and in each projection): for every step t,
/// proj + t·ldp = b + x_t·panel over `rows` rows, x_t at x + t·ldx. Bit for bit what
/// accumulate<Arch, N> computes from the bias for each step alone (the same chains, each lane's
/// FMAs in the same order, summed alike), but as a matrix product: each weight register is
/// loaded once per project_steps steps and each input once per project_regs registers, instead
/// of both once per multiply-add.
template <class Arch, std::size_t N, std::size_t V, class T>
EDGERNN_INLINE void project_block(const T* panel, std::size_t rows, const float* b, std::size_t n,
                                  std::size_t j, const float* x, std::size_t ldx, float* proj,
                                  std::size_t ldp, std::size_t steps) noexcept {
  using O = simd::ops<Arch>;
  constexpr std::size_t W = O::width;
  if (rows < project_min_rows) {
    // Step by step, as step() itself: the tiles' set-up and chain sums outweigh the loads they
    // save over so few rows.
    for (std::size_t t = 0; t < steps; ++t) {
      typename O::reg acc[N];
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        acc[r] = O::load(b + block_offset(r, V, n, j, W));
      accumulate<Arch, N>(acc, x + t * ldx, rows, panel);
      EDGERNN_UNROLL
      for (std::size_t r = 0; r < N; ++r)
        O::store(proj + t * ldp + block_offset(r, V, n, j, W), acc[r]);
    }
    return;
  }
  constexpr std::size_t R = N < project_regs<Arch>() ? N : project_regs<Arch>();
  constexpr std::size_t S = project_steps;
  const auto column = [&](std::size_t r0, auto rc) EDGERNN_LAMBDA_INLINE {
    constexpr std::size_t Rc = decltype(rc)::value;
    std::size_t t = 0;
    for (; t + S <= steps; t += S)
      project_tile<Arch, N, V, S, Rc>(panel, rows, r0, b, n, j, x + t * ldx, ldx, proj + t * ldp,
                                      ldp);
    for (; t < steps; ++t)
      project_tile<Arch, N, V, 1, Rc>(panel, rows, r0, b, n, j, x + t * ldx, ldx, proj + t * ldp,
                                      ldp);
  };
  std::size_t r0 = 0;
  for (; r0 + R <= N; r0 += R)
    column(r0, regs_t<R>{});
  if constexpr (N % R != 0) column(r0, regs_t<N % R>{});
}

}  // namespace detail
}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
