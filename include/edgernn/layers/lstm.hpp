// edgernn: LSTM layer (Keras semantics, gate blocks i, f, c, o).
//
//   z = x·K + h·U + b            K: In × 4H, U: H × 4H, b: 4H (Keras layout, gates i, f, c, o)
//   c = σ(z_f)∘c + σ(z_i)∘tanh(z_c)
//   h = σ(z_o)∘tanh(c)           (h is the layer's output at every step)
//
// Packed: one gate panel over the In + H rows (see simd/kernels.hpp), 4·Hp bias floats. The
// sigmoid gates i, f, o are packed times 0.5 (exact), since σ(z) = 0.5 + 0.5·tanh(z/2): their
// accumulators hold z/2 directly.
#pragma once

#include <cstddef>

#include "edgernn/layers/holder.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

namespace detail {

/// The LSTM's packing and step for any sizes; Lstm<> and DynamicModel both call it. `T` is the
/// weight storage (float or binary16 bits).
template <class Arch, class T = float, simd::fit Fit = fit_for<T>>
struct lstm_kernel {
  using O = simd::ops<Arch>;
  static constexpr simd::fit F = Fit;  ///< the activations' rational
  static constexpr std::size_t W = O::width;
  static constexpr std::size_t gates = 4;

  /// The most registers per gate a full column block has (shape(h).v: this, or 1).
  static constexpr std::size_t full_regs = gate_block_regs<Arch, T>(gates);
  static constexpr panel_shape shape(std::size_t h) noexcept {
    return {h, gate_block_regs<Arch, T>(gates, h), W};
  }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t h) noexcept {
    return (in + h) * gates * shape(h).padded;
  }
  static constexpr std::size_t bias_floats(std::size_t h) noexcept {
    return gates * shape(h).padded;
  }
  /// Floats of one step's input projection x·K + b (see project()).
  static constexpr std::size_t proj_floats(std::size_t h) noexcept {
    return gates * shape(h).padded;
  }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, T* w, float* b, const Reader& kernel,
                             const Reader& recurrent, const Reader& bias) noexcept {
    const std::size_t order[gates] = {0, 1, 2, 3};
    const float scale[gates] = {0.5f, 0.5f, 1.0f, 0.5f};
    const panel_shape s = shape(h);
    for_each_block<full_regs>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, gates * h, h, order, scale, gates, j, v, W);
      w = pack_block_rows(w, recurrent, h, gates * h, h, order, scale, gates, j, v, W);
    });
    pack_bias<T>(b, bias, h, s.padded, order, scale, gates);
  }

  /// The input projections of `steps` steps: proj_t = b + x_t·K for every gate (packed order
  /// and scale, gate g's units at g·Hp), x_t at x + t·ldx and proj_t at proj + t·proj_floats(h);
  /// each step's accumulated exactly as step() does before the h rows (project_block).
  static EDGERNN_INLINE void project(std::size_t in, std::size_t h, const T* w, const float* b,
                                     const float* x, std::size_t ldx, float* proj,
                                     std::size_t steps) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    for_each_block<full_regs>(s, W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
      constexpr std::size_t V = decltype(vc)::value;
      project_block<Arch, gates * V, V>(w, in, b, n, j, x, ldx, proj, proj_floats(h), steps);
      w += (in + h) * gates * V * W;
    });
  }

  /// One step: x (in floats), or with `Projected` its projection (proj_floats), hp = h before,
  /// hn = h after, c updated in place.
  template <bool Projected = false>
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const T* w, const float* b,
                                  const float* x, const float* hp, float* hn, float* c) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
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
      w = accumulate<Arch, gates * V>(acc, hp, h, w);
      namespace a = simd::detail;
      using R = typename O::reg;
      // The gates the cell waits for, σ(z_i), σ(z_f) − 0.5 and tanh(z_c), of register v.
      const auto cell_gates = [&](std::size_t v, R& i, R& f, R& g) EDGERNN_LAMBDA_INLINE {
        i = a::sigmoid_of_half<Arch, F>(acc[0 * V + v]);
        f = a::sigmoid_of_half_minus_half<Arch, F>(acc[1 * V + v]);
        g = simd::tanh<Arch, F>(acc[2 * V + v]);
      };
      const auto finish = [&](std::size_t v, R i, R f, R g) EDGERNN_LAMBDA_INLINE {
        const std::size_t o = j + v * W;
        const auto og = a::sigmoid_of_half<Arch, F>(acc[3 * V + v]);
        const auto cp = O::load(c + o);
        // σf·c + σi·g with σf·c = (σf − 0.5)·c + 0.5·c: the 0.5 is added off the chain.
        const auto cn = O::fma(i, g, O::fma(f, cp, cp * O::broadcast(0.5f)));
        O::store(c + o, cn);
        O::store(hn + o, a::tanh_times<Arch, F>(cn, og));
      };
      if constexpr (critical_gates_first(V)) {
        R i[V], f[V], g[V];
        for (std::size_t v = 0; v < V; ++v)
          cell_gates(v, i[v], f[v], g[v]);
        for (std::size_t v = 0; v < V; ++v)
          finish(v, i[v], f[v], g[v]);
      } else {
        for (std::size_t v = 0; v < V; ++v) {
          R i, f, g;
          cell_gates(v, i, f, g);
          finish(v, i, f, g);
        }
      }
    });
  }
};

/// Lstm's static definition: packing, step and run on a caller's weights and state
/// (see layers/holder.hpp).
template <std::size_t In, std::size_t H, class Kernels>
class lstm_layer {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  using Arch = typename kernels_of<Kernels, H, 4, In>::arch;
  using T = typename kernels_of<Kernels, H, 4, In>::weight;
  using K = lstm_kernel<Arch, T, kernels_of<Kernels, H, 4, In>::fit>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;
  // h buffers: whole registers of the widest kernels of the build, whatever this layer's width,
  // so that a Dense head of any width reads inside them (the kernels write Hp floats).
  static constexpr std::size_t Hb = buffer_floats(Hp);

 public:
  using arch = Arch;
  using weight_type = T;  ///< float, or std::uint16_t for binary16 weights
  static constexpr simd::fit activation_fit = K::F;  ///< the tanh and sigmoid rational
  static constexpr layer_kind kind = layer_kind::lstm;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hb;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  /// Packed weights and bias: (In + H)·4·Hp weights of sizeof(T) + 4·Hp floats.
  static constexpr std::size_t weight_bytes =
      K::weight_floats(In, H) * sizeof(T) + K::bias_floats(H) * sizeof(float);
  /// Recurrent state and output: h (double-buffered, 2·Hb floats) and c (Hp floats).
  static constexpr std::size_t state_bytes = (2 * Hb + Hp) * sizeof(float);
  /// Scratch floats per step of run(): the input projection, or 0 where run() runs full steps
  /// (run_projects_inputs).
  static constexpr std::size_t proj_floats =
      run_projects_inputs(In, weight_bytes) ? K::proj_floats(H) : 0;

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) T w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h (double-buffered, h[cur] is the current output) and c.
  struct state {
    alignas(buffer_alignment) float h[2][Hb] = {};
    alignas(O::alignment) float c[Hp] = {};
    unsigned cur = 0;
  };

  /// Packs Keras arrays into `p`: kernel In × 4H, recurrent H × 4H, bias 4H.
  static constexpr status pack(packed& p, weights kernel, weights recurrent,
                               weights bias) noexcept {
    if (kernel.size != In * 4 * H || recurrent.size != H * 4 * H || bias.size != 4 * H) {
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
    K::step(In, H, p.w, p.b, x, s.h[s.cur], hn, s.c);
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
                                                s.c);
                       });
    } else {
      // Full steps, the input rows with the recurrence (run_step_max_bytes).
      (void)proj;
      recurrence<Arch>(s.h[0], s.h[1], s.cur, Hp, y, ldy, n,
                       [&](std::size_t t, const float* hp, float* hn) EDGERNN_LAMBDA_INLINE {
                         K::template step<false>(In, H, p.w, p.b, x + t * ldx, hp, hn, s.c);
                       });
    }
  }

  /// Zeroes a state.
  static void clear(state& s) noexcept { s = state{}; }
};

}  // namespace detail

/// Long short-term memory layer: `In` inputs, `H` units, returns its sequence. `Kernels`: an
/// instruction set (xsimd tag or simd::scalar; default simd::arch_for<H, 4, In>), `f16` /
/// `f16_on<Arch>` for binary16 weights, or `fast_activations` / `fast_activations_on<Arch>` for
/// the cheaper tanh and sigmoid (see simd/kernels.hpp).
template <std::size_t In, std::size_t H, class Kernels = simd::arch_for<H, 4, In>>
class Lstm : public detail::layer_holder<detail::lstm_layer<In, H, Kernels>> {};

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
