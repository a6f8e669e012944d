// edgernn: GRU layer (Keras semantics, gate blocks z, r, h).
//
// K: In × 3H, U: H × 3H (Keras layout, gates z, r, h).
// reset_after = true (Keras 2 default, PyTorch): bias 2 × 3H, row 0 input bias b0, row 1
// recurrent bias b1:
//   z = σ(x·Kz + b0z + h·Uz + b1z),  r = σ(x·Kr + b0r + h·Ur + b1r)
//   ĥ = tanh(x·Kh + b0h + r∘(h·Uh + b1h)),  h = z∘h + (1 − z)∘ĥ
// reset_after = false: bias 3H, and r is applied before the recurrent product:
//   ĥ = tanh(x·Kh + (r∘h)·Uh + bh)
//
// Packed, reset_after = true: one 3-gate panel over the In + H rows; the x rows' h-gate column
// and the h rows' h-gate column accumulate separately (r multiplies only the second). Bias rows:
// z (b0 + b1), r (b0 + b1), b0h, b1h.
// reset_after = false: a first panel with z, r, h on the x rows and z, r on the h rows, then a
// single-gate panel of U_h over r∘h (which needs every r first). Bias rows: z, r, h.
// The sigmoid gates z and r are packed times 0.5 (exact), since σ(x) = 0.5 + 0.5·tanh(x/2).
#pragma once

#include <cstddef>

#include "edgernn/layers/holder.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

namespace detail {

/// The GRU's packing and step for any sizes; Gru<> and DynamicModel both call it. `T` is the
/// weight storage (float or binary16 bits).
template <class Arch, bool ResetAfter, class T = float, simd::fit Fit = fit_for<T>>
struct gru_kernel {
  using O = simd::ops<Arch>;
  static constexpr simd::fit F = Fit;  ///< the activations' rational
  static constexpr std::size_t W = O::width;
  static constexpr std::size_t gates = 3;

  /// The most registers per gate a full column block has (shape(h).v: this, or 1).
  static constexpr std::size_t full_regs = gate_block_regs<Arch, T>(gates);
  static constexpr panel_shape shape(std::size_t h) noexcept {
    return {h, gate_block_regs<Arch, T>(gates, h), W};
  }
  static constexpr panel_shape second_shape(std::size_t h) noexcept {
    return {h, gate_block_regs<Arch, T>(1), W};
  }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t h) noexcept {
    const std::size_t hp = shape(h).padded;
    return ResetAfter ? (in + h) * gates * hp : (in * gates + h * 2 + h) * hp;
  }
  static constexpr std::size_t bias_floats(std::size_t h) noexcept {
    return (ResetAfter ? 4 : 3) * shape(h).padded;
  }
  /// Floats kept between the two passes (reset_after = false): z, r∘h, x·Kh + bh.
  static constexpr std::size_t scratch_floats(std::size_t h) noexcept {
    return ResetAfter ? 0 : 3 * shape(h).padded;
  }
  static constexpr std::size_t bias_size(std::size_t h) noexcept {
    return (ResetAfter ? 2 : 1) * gates * h;
  }
  /// Floats of one step's input projection: z, r and h gates of b + x·K (b0 only for the h
  /// gate with reset_after), at g·Hp.
  static constexpr std::size_t proj_floats(std::size_t h) noexcept {
    return gates * shape(h).padded;
  }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, T* w, float* b, const Reader& kernel,
                             const Reader& recurrent, const Reader& bias) noexcept {
    const std::size_t zrh[3] = {0, 1, 2};
    const float scale[3] = {0.5f, 0.5f, 1.0f};
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    for_each_block<full_regs>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, gates * h, h, zrh, scale, 3, j, v, W);
      w = pack_block_rows(w, recurrent, h, gates * h, h, zrh, scale, ResetAfter ? 3 : 2, j, v, W);
    });
    if constexpr (ResetAfter) {
      // Keras rows: b0 = bias[0 .. 3H), b1 = bias[3H .. 6H).
      for (std::size_t u = 0; u < n; ++u) {
        const bool real = u < h;
        b[0 * n + u] = real ? 0.5f * (bias_at<T>(bias, u) + bias_at<T>(bias, 3 * h + u)) : 0.0f;
        b[1 * n + u] = real ? 0.5f * (bias_at<T>(bias, h + u) + bias_at<T>(bias, 4 * h + u)) : 0.0f;
        b[2 * n + u] = real ? bias_at<T>(bias, 2 * h + u) : 0.0f;
        b[3 * n + u] = real ? bias_at<T>(bias, 5 * h + u) : 0.0f;
      }
    } else {
      const std::size_t h_only[1] = {2};
      const float one[1] = {1.0f};
      for_each_block<4>(second_shape(h), W, [&](auto v, std::size_t j) {
        w = pack_block_rows(w, recurrent, h, gates * h, h, h_only, one, 1, j, v, W);
      });
      pack_bias<T>(b, bias, h, n, zrh, scale, 3);
    }
  }

  /// The input projections of `steps` steps (proj_floats each), x_t at x + t·ldx and proj_t at
  /// proj + t·proj_floats(h); each step's accumulated exactly as step() does before the h rows
  /// (project_block).
  static EDGERNN_INLINE void project(std::size_t in, std::size_t h, const T* w, const float* b,
                                     const float* x, std::size_t ldx, float* proj,
                                     std::size_t steps) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    for_each_block<full_regs>(s, W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
      constexpr std::size_t V = decltype(vc)::value;
      project_block<Arch, gates * V, V>(w, in, b, n, j, x, ldx, proj, proj_floats(h), steps);
      w += (in * gates + h * (ResetAfter ? gates : 2)) * V * W;
    });
  }

  /// One step: x (in floats), or with `Projected` its projection (proj_floats), hp = h before,
  /// hn = h after; `scratch` holds scratch_floats(h).
  template <bool Projected = false>
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const T* w, const float* b,
                                  const float* x, const float* hp, float* hn,
                                  float* scratch) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    // Only reset_after = false has a scratch: with reset_after callers may pass none.
    float* zs = scratch;                                 // reset_after = false: σ(z)
    float* rh = ResetAfter ? nullptr : scratch + n;      //   r∘h
    float* xh = ResetAfter ? nullptr : scratch + 2 * n;  //   x·Kh + bh
    for_each_block<full_regs>(s, W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
      constexpr std::size_t V = decltype(vc)::value;
      typename O::reg acc[gates * V];
      EDGERNN_UNROLL
      for (std::size_t g = 0; g < gates; ++g) {
        EDGERNN_UNROLL
        for (std::size_t v = 0; v < V; ++v)
          acc[g * V + v] = O::load((Projected ? x : b) + g * n + j + v * W);
      }
      if constexpr (Projected) {
        w += in * gates * V * W;
      } else {
        w = accumulate<Arch, gates * V>(acc, x, in, w);
      }
      if constexpr (ResetAfter) {
        typename O::reg xk[V];  // x·Kh + b0h; the h rows then build h·Uh + b1h in its place
        for (std::size_t v = 0; v < V; ++v) {
          xk[v] = acc[2 * V + v];
          acc[2 * V + v] = O::load(b + 3 * n + j + v * W);
        }
        w = accumulate<Arch, gates * V>(acc, hp, h, w);
        namespace a = simd::detail;
        using R = typename O::reg;
        // σ(r) − 0.5 of register v: ĥ waits for it.
        const auto reset = [&](std::size_t v) EDGERNN_LAMBDA_INLINE {
          return a::sigmoid_of_half_minus_half<Arch, F>(acc[V + v]);
        };
        const auto finish = [&](std::size_t v, R r) EDGERNN_LAMBDA_INLINE {
          const std::size_t o = j + v * W;
          const auto half = O::broadcast(0.5f);
          const auto z = a::sigmoid_of_half_minus_half<Arch, F>(acc[v]);  // σ − 0.5
          const auto u = acc[2 * V + v];
          const auto h0 = O::load(hp + o);
          // σr·u + xk = (σr − 0.5)·u + (0.5·u + xk); h = (1 − σz)·ĥ + σz·h, (1 − σz) folded
          // into ĥ's numerator and σz·h computed beside the chain.
          const auto pre = O::fma(r, u, O::fma(u, half, xk[v]));
          const auto zh = O::fma(z, h0, h0 * half);
          O::store(hn + o, a::tanh_times<Arch, F>(pre, half - z) + zh);
        };
        if constexpr (critical_gates_first(V)) {
          R r[V];
          for (std::size_t v = 0; v < V; ++v)
            r[v] = reset(v);
          for (std::size_t v = 0; v < V; ++v)
            finish(v, r[v]);
        } else {
          for (std::size_t v = 0; v < V; ++v)
            finish(v, reset(v));
        }
      } else {
        w = accumulate<Arch, 2 * V>(acc, hp, h, w);
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t o = j + v * W;
          O::store(zs + o, simd::detail::sigmoid_of_half<Arch, F>(acc[v]));
          O::store(rh + o, simd::detail::sigmoid_of_half<Arch, F>(acc[V + v]) * O::load(hp + o));
          O::store(xh + o, acc[2 * V + v]);
        }
      }
    });
    if constexpr (!ResetAfter) {
      for_each_block<4>(second_shape(h), W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
        constexpr std::size_t V = decltype(vc)::value;
        typename O::reg acc[V];
        EDGERNN_UNROLL
        for (std::size_t v = 0; v < V; ++v)
          acc[v] = O::load(xh + j + v * W);
        w = accumulate<Arch, V>(acc, rh, h, w);
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t o = j + v * W;
          const auto z = O::load(zs + o);
          const auto one = O::broadcast(1.0f);
          O::store(hn + o,
                   O::fma(z, O::load(hp + o), simd::detail::tanh_times<Arch, F>(acc[v], one - z)));
        }
      });
    }
  }
};

/// Gru's static definition: packing, step and run on a caller's weights and state
/// (see layers/holder.hpp).
template <std::size_t In, std::size_t H, bool ResetAfter, class Kernels>
class gru_layer {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  using Arch = typename kernels_of<Kernels, H, 3, In>::arch;
  using T = typename kernels_of<Kernels, H, 3, In>::weight;
  using K = gru_kernel<Arch, ResetAfter, T, kernels_of<Kernels, H, 3, In>::fit>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;
  // h buffers: whole registers of the widest kernels of the build, whatever this layer's width,
  // so that a Dense head of any width reads inside them (the kernels write Hp floats).
  static constexpr std::size_t Hb = buffer_floats(Hp);

 public:
  using arch = Arch;
  using weight_type = T;  ///< float, or std::uint16_t for binary16 weights
  static constexpr simd::fit activation_fit = K::F;  ///< the tanh and sigmoid rational
  static constexpr layer_kind kind = layer_kind::gru;
  static constexpr bool reset_after = ResetAfter;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hb;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  static constexpr std::size_t bias_size = K::bias_size(H);  ///< Keras bias floats
  /// Packed weights and bias: 3·(In + H)·Hp weights of sizeof(T) + (4 or 3)·Hp floats.
  static constexpr std::size_t weight_bytes =
      K::weight_floats(In, H) * sizeof(T) + K::bias_floats(H) * sizeof(float);
  /// h double-buffered, plus (reset_after = false) z, r∘h and x·Kh between the passes.
  static constexpr std::size_t state_bytes = (2 * Hb + K::scratch_floats(H)) * sizeof(float);
  /// Scratch floats per step of run(): the input projection, or 0 where run() runs full steps
  /// (run_projects_inputs).
  static constexpr std::size_t proj_floats =
      run_projects_inputs(In, weight_bytes) ? K::proj_floats(H) : 0;

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) T w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h, double-buffered (h[cur] is the current output), and the scratch between passes.
  struct state {
    alignas(buffer_alignment) float h[2][Hb] = {};
    alignas(O::alignment) float scratch[ResetAfter ? 1 : K::scratch_floats(H)] = {};
    unsigned cur = 0;
  };

  /// Packs Keras arrays into `p`: kernel In × 3H, recurrent H × 3H, bias 2 × 3H
  /// (reset_after) or 3H.
  static constexpr status pack(packed& p, weights kernel, weights recurrent,
                               weights bias) noexcept {
    if (kernel.size != In * 3 * H || recurrent.size != H * 3 * H || bias.size != bias_size) {
      return status::size_mismatch;
    }
    K::pack(In, H, p.w, p.b, read(kernel), read(recurrent), read(bias));
    return status::ok;
  }
  /// Packs arrays whose sizes were checked; `Reader` yields float i of each.
  template <class Reader>
  static constexpr void pack_from(packed& p, const Reader& kernel, const Reader& recurrent,
                                  const Reader& bias) noexcept {
    K::pack(In, H, p.w, p.b, kernel, recurrent, bias);
  }
  /// One time step on `s` with weights `p`; returns the new h.
  static EDGERNN_STEP_INLINE const float* step(const packed& p, state& s, const float* x) noexcept {
    float* hn = s.h[s.cur ^ 1u];
    K::step(In, H, p.w, p.b, x, s.h[s.cur], hn, s.scratch);
    s.cur ^= 1u;
    return hn;
  }
  /// `n` steps: x_t at x + t·ldx, h_t to y + t·ldy (out_padded floats each); `proj` holds
  /// n·proj_floats floats; y and proj 64-byte aligned, ldy a multiple of 16. The input projections
  /// of all n steps first, then the recurrence (or, where run_projects_inputs says not, n full
  /// steps): the same arithmetic as n calls of step(), so the same results bit for bit.
  static void run(const packed& p, state& s, const float* x, std::size_t ldx, float* y,
                  std::size_t ldy, std::size_t n, float* proj) noexcept {
    if constexpr (run_projects_inputs(In, weight_bytes)) {
      K::project(In, H, p.w, p.b, x, ldx, proj, n);
      recurrence<Arch>(s.h[0], s.h[1], s.cur, Hp, y, ldy, n,
                       [&](std::size_t t, const float* hp, float* hn) EDGERNN_LAMBDA_INLINE {
                         K::template step<true>(In, H, p.w, p.b, proj + t * proj_floats, hp, hn,
                                                s.scratch);
                       });
    } else {
      // Full steps, the input rows with the recurrence (run_step_max_bytes).
      (void)proj;
      recurrence<Arch>(s.h[0], s.h[1], s.cur, Hp, y, ldy, n,
                       [&](std::size_t t, const float* hp, float* hn) EDGERNN_LAMBDA_INLINE {
                         K::template step<false>(In, H, p.w, p.b, x + t * ldx, hp, hn, s.scratch);
                       });
    }
  }

  /// Zeroes a state.
  static void clear(state& s) noexcept { s = state{}; }
};

}  // namespace detail

/// Gated recurrent unit: `In` inputs, `H` units, either Keras variant (`ResetAfter`).
/// `Kernels`: an instruction set (default simd::arch_for<H, 3, In>), `f16` / `f16_on<Arch>` for
/// binary16 weights, or `fast_activations` / `fast_activations_on<Arch>` for the cheaper tanh
/// and sigmoid (see simd/kernels.hpp).
template <std::size_t In, std::size_t H, bool ResetAfter = true,
          class Kernels = simd::arch_for<H, 3, In>>
class Gru : public detail::layer_holder<detail::gru_layer<In, H, ResetAfter, Kernels>> {};

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
