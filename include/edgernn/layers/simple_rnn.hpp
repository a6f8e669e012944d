// edgernn: SimpleRNN layer (Keras semantics).
//
//   h = act(x·K + h·U + b)       K: In × H, U: H × H, b: H; act is tanh or relu
//
// Packed: one single-gate panel over the In + H rows (see simd/kernels.hpp), Hp bias floats.
#pragma once

#include <cstddef>

#include "edgernn/layers/holder.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

namespace detail {

/// The SimpleRNN's packing and step for any sizes; SimpleRnn<> and DynamicModel both call it.
/// `T` is the weight storage (float or binary16 bits).
template <class Arch, class T = float, simd::fit Fit = fit_for<T>>
struct simple_rnn_kernel {
  using O = simd::ops<Arch>;
  static constexpr simd::fit F = Fit;  ///< the activations' rational
  static constexpr std::size_t W = O::width;

  static constexpr panel_shape shape(std::size_t h) noexcept {
    return {h, gate_block_regs<Arch, T>(1), W};
  }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t h) noexcept {
    return (in + h) * shape(h).padded;
  }
  static constexpr std::size_t bias_floats(std::size_t h) noexcept { return shape(h).padded; }
  /// Floats of one step's input projection b + x·K.
  static constexpr std::size_t proj_floats(std::size_t h) noexcept { return shape(h).padded; }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, T* w, float* b, const Reader& kernel,
                             const Reader& recurrent, const Reader& bias) noexcept {
    const std::size_t order[1] = {0};
    const float one[1] = {1.0f};
    const panel_shape s = shape(h);
    for_each_block<4>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, h, h, order, one, 1, j, v, W);
      w = pack_block_rows(w, recurrent, h, h, h, order, one, 1, j, v, W);
    });
    pack_bias<T>(b, bias, h, s.padded, order, one, 1);
  }

  /// The input projections of `steps` steps (proj_floats each), x_t at x + t·ldx and proj_t at
  /// proj + t·proj_floats(h); each step's accumulated exactly as step() does (project_block).
  static EDGERNN_INLINE void project(std::size_t in, std::size_t h, const T* w, const float* b,
                                     const float* x, std::size_t ldx, float* proj,
                                     std::size_t steps) noexcept {
    for_each_block<4>(shape(h), W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
      constexpr std::size_t V = decltype(vc)::value;
      project_block<Arch, V, V>(w, in, b, 0, j, x, ldx, proj, proj_floats(h), steps);
      w += (in + h) * V * W;
    });
  }

  /// One step: x (in floats), or with `Projected` its projection (proj_floats), hp = h before,
  /// hn = h after.
  template <activation Act, bool Projected = false>
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const T* w, const float* b,
                                  const float* x, const float* hp, float* hn) noexcept {
    for_each_block<4>(shape(h), W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
      constexpr std::size_t V = decltype(vc)::value;
      typename O::reg acc[V];
      EDGERNN_UNROLL
      for (std::size_t v = 0; v < V; ++v)
        acc[v] = O::load((Projected ? x : b) + j + v * W);
      if constexpr (Projected) {
        w += in * V * W;
      } else {
        w = accumulate<Arch, V>(acc, x, in, w);
      }
      w = accumulate<Arch, V>(acc, hp, h, w);
      for (std::size_t v = 0; v < V; ++v) {
        O::store(hn + j + v * W, simd::activate<Act, Arch, F>(acc[v]));
      }
    });
  }
};

/// SimpleRnn's static definition: packing, step and run on a caller's weights and state
/// (see layers/holder.hpp).
template <std::size_t In, std::size_t H, activation Act, class Kernels>
class simple_rnn_layer {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  static_assert(Act == activation::tanh || Act == activation::relu,
                "SimpleRnn supports tanh and relu");
  using Arch = typename kernels_of<Kernels, H, 1, In>::arch;
  using T = typename kernels_of<Kernels, H, 1, In>::weight;
  using K = simple_rnn_kernel<Arch, T, kernels_of<Kernels, H, 1, In>::fit>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;
  // h buffers: whole registers of the widest kernels of the build, whatever this layer's width,
  // so that a Dense head of any width reads inside them (the kernels write Hp floats).
  static constexpr std::size_t Hb = buffer_floats(Hp);

 public:
  using arch = Arch;
  using weight_type = T;  ///< float, or std::uint16_t for binary16 weights
  static constexpr simd::fit activation_fit = K::F;  ///< the tanh and sigmoid rational
  static constexpr layer_kind kind = layer_kind::simple_rnn;
  static constexpr activation act = Act;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hb;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  /// Packed weights and bias: (In + H)·Hp weights of sizeof(T) + Hp floats.
  static constexpr std::size_t weight_bytes =
      K::weight_floats(In, H) * sizeof(T) + K::bias_floats(H) * sizeof(float);
  /// h, double-buffered: 2·Hb floats.
  static constexpr std::size_t state_bytes = 2 * Hb * sizeof(float);
  /// Scratch floats per step of run(): the input projection, or 0 where run() runs full steps
  /// (run_projects_inputs).
  static constexpr std::size_t proj_floats =
      run_projects_inputs(In, weight_bytes) ? K::proj_floats(H) : 0;

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) T w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h, double-buffered (h[cur] is the current output).
  struct state {
    alignas(buffer_alignment) float h[2][Hb] = {};
    unsigned cur = 0;
  };

  /// Packs Keras arrays into `p`: kernel In × H, recurrent H × H, bias H.
  static constexpr status pack(packed& p, weights kernel, weights recurrent,
                               weights bias) noexcept {
    if (kernel.size != In * H || recurrent.size != H * H || bias.size != H) {
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
    K::template step<Act>(In, H, p.w, p.b, x, s.h[s.cur], hn);
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
                         K::template step<Act, true>(In, H, p.w, p.b, proj + t * proj_floats, hp,
                                                     hn);
                       });
    } else {
      // Full steps, the input rows with the recurrence (run_step_max_bytes).
      (void)proj;
      recurrence<Arch>(s.h[0], s.h[1], s.cur, Hp, y, ldy, n,
                       [&](std::size_t t, const float* hp, float* hn) EDGERNN_LAMBDA_INLINE {
                         K::template step<Act, false>(In, H, p.w, p.b, x + t * ldx, hp, hn);
                       });
    }
  }

  /// Zeroes a state.
  static void clear(state& s) noexcept { s = state{}; }
};

}  // namespace detail

/// Fully-connected recurrent layer: `In` inputs, `H` units, activation tanh or relu.
/// `Kernels`: an instruction set (default simd::arch_for<H, 1, In>), `f16` / `f16_on<Arch>` for
/// binary16 weights, or `fast_activations` / `fast_activations_on<Arch>` for the cheaper tanh.
template <std::size_t In, std::size_t H, activation Act = activation::tanh,
          class Kernels = simd::arch_for<H, 1, In>>
class SimpleRnn : public detail::layer_holder<detail::simple_rnn_layer<In, H, Act, Kernels>> {};

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
