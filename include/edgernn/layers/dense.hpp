// edgernn: Dense (fully connected) layer, applied at every step.
//
//   y = act(x·K + b)             K: In × Out, b: Out; act is linear, relu, tanh or sigmoid
//
// Two kernels. With few outputs (Out ≤ 3, the usual regression head) on a SIMD target, each
// output is a dot product over the inputs: Kᵀ rows padded to whole registers, one horizontal sum
// per output. Otherwise the single-gate column panel of the recurrent layers (broadcast x_k, FMA
// into the outputs' registers).
#pragma once

#include <cstddef>

#include "edgernn/layers/holder.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

namespace detail {

/// Dense packing and step for any sizes; Dense<> and DynamicModel both call it. `T` is the
/// weight storage (float or binary16 bits).
template <class Arch, class T = float, simd::fit Fit = fit_for<T>>
struct dense_kernel {
  using O = simd::ops<Arch>;
  static constexpr simd::fit F = Fit;  ///< the activations' rational
  static constexpr std::size_t W = O::width;

  static constexpr bool dot_form(std::size_t out) noexcept { return W >= 4 && out <= 3; }
  static constexpr panel_shape shape(std::size_t out) noexcept {
    return {out, gate_block_regs<Arch, T>(1), W};
  }
  /// Floats of its input the layer reads: whole registers in the dot form (lanes past `in`
  /// are masked off, whatever they hold), exactly `in` otherwise.
  static constexpr std::size_t in_reads(std::size_t in, std::size_t out) noexcept {
    return dot_form(out) ? simd::round_up(in, W) : in;
  }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t out) noexcept {
    return dot_form(out) ? out * simd::round_up(in, W) : in * shape(out).padded;
  }
  static constexpr std::size_t bias_floats(std::size_t out) noexcept { return shape(out).padded; }
  /// Floats of the output buffer: whole registers, and at least whole registers of the widest
  /// kernels of the build, which a following Dense chosen by its inputs may read.
  static constexpr std::size_t out_floats(std::size_t out) noexcept {
    return buffer_floats(shape(out).padded);
  }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t out, T* w, float* b, const Reader& kernel,
                             const Reader& bias) noexcept {
    const std::size_t order[1] = {0};
    const float one[1] = {1.0f};
    const panel_shape s = shape(out);
    if (dot_form(out)) {
      const std::size_t inp = simd::round_up(in, W);
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t k = 0; k < inp; ++k)
          w[o * inp + k] = k < in ? packed_value<T>(kernel, k * out + o, 1.0f) : T{};
    } else {
      for_each_block<4>(s, W, [&](auto v, std::size_t j) {
        w = pack_block_rows(w, kernel, in, out, out, order, one, 1, j, v, W);
      });
    }
    pack_bias<T>(b, bias, out, s.padded, order, one, 1);
  }

  /// One step: reads in_reads(in, out) floats of x, writes shape(out).padded floats of y.
  template <activation Act>
  static EDGERNN_INLINE void step(std::size_t in, std::size_t out, const T* w, const float* b,
                                  const float* x, float* y) noexcept {
    if (dot_form(out)) {
      // Each output's activation on its own float: a vector reload of y right after these
      // scalar stores would miss store forwarding and stall until they retire.
      step_dot<Act>(in, out, w, b, x,
                    [y](std::size_t o, float v) EDGERNN_LAMBDA_INLINE { y[o] = v; });
    } else {
      for_each_block<4>(shape(out), W, [&](auto vc, std::size_t j) EDGERNN_LAMBDA_INLINE {
        constexpr std::size_t V = decltype(vc)::value;
        typename O::reg acc[V];
        EDGERNN_UNROLL
        for (std::size_t v = 0; v < V; ++v)
          acc[v] = O::load(b + j + v * W);
        w = accumulate<Arch, V>(acc, x, in, w);
        for (std::size_t v = 0; v < V; ++v) {
          O::store(y + j + v * W, simd::activate<Act, Arch, F>(acc[v]));
        }
      });
    }
  }

  /// The dot form's step (dot_form(out)): calls put(o, y_o) for each output o, so that a caller
  /// can store it where it wants, transformed (DynamicModel writes a model's last outputs
  /// straight into its caller's buffer, io scaling applied). `Regs`, if not 0, is
  /// ceil(in / W) known at compile time: the same arithmetic without the run-time loop and its
  /// branches (DynamicModel's heads of up to four registers of inputs).
  template <activation Act, std::size_t Regs = 0, class Put>
  static EDGERNN_INLINE void step_dot(std::size_t in, std::size_t out, const T* w, const float* b,
                                      const float* x, Put&& put) noexcept {
    const std::size_t n = Regs != 0 ? Regs : simd::ceil_div(in, W);
    for (std::size_t o = 0; o < out; ++o)
      put(o, simd::activate<Act, simd::scalar, F>(dot(x, w + o * n * W, n, in % W) + b[o]));
  }

 private:
  // x·row over n registers, the last one holding `tail` real lanes (0: all real); register r
  // goes to partial sum r mod 4, which keeps the FMAs independent. Written with constant
  // indices only: with a run-time n (DynamicModel), acc[r % 4] would keep the sums in memory.
  static EDGERNN_INLINE float dot(const float* x, const T* row, std::size_t n,
                                  std::size_t tail) noexcept {
    typename O::reg acc[4] = {O::broadcast(0.0f), O::broadcast(0.0f), O::broadcast(0.0f),
                              O::broadcast(0.0f)};
    const auto term = [&](std::size_t r, typename O::reg& a) EDGERNN_LAMBDA_INLINE {
      auto xv = O::load(x + r * W);
      if (r + 1 == n && tail != 0) xv = O::mask_tail(xv, tail);
      a = O::fma(xv, O::load(row + r * W), a);
    };
    std::size_t r = 0;
    for (; r + 4 <= n; r += 4) {
      EDGERNN_UNROLL
      for (std::size_t c = 0; c < 4; ++c)
        term(r + c, acc[c]);
    }
    if (r < n) term(r, acc[0]);
    if (r + 1 < n) term(r + 1, acc[1]);
    if (r + 2 < n) term(r + 2, acc[2]);
    return O::sum((acc[0] + acc[1]) + (acc[2] + acc[3]));
  }
};

/// Dense's static definition: packing, step and run on a caller's weights and state
/// (see layers/holder.hpp).
template <std::size_t In, std::size_t Out, activation Act, class Kernels>
class dense_layer {
  static_assert(In > 0 && Out > 0, "layer sizes must be positive");
  using Arch = typename kernels_of<Kernels, In>::arch;
  using T = typename kernels_of<Kernels, In>::weight;
  using K = dense_kernel<Arch, T, kernels_of<Kernels, In>::fit>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Outp = K::out_floats(Out);

 public:
  using arch = Arch;
  using weight_type = T;  ///< float, or std::uint16_t for binary16 weights
  static constexpr simd::fit activation_fit = K::F;  ///< the tanh and sigmoid rational
  static constexpr layer_kind kind = layer_kind::dense;
  static constexpr activation act = Act;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = Out;
  static constexpr std::size_t out_padded = Outp;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = K::in_reads(In, Out);  ///< floats step() reads
  /// Packed weights and bias: In·Outp weights (column form) or Out·round_up(In, W) (dot form)
  /// of sizeof(T), + Outp floats.
  static constexpr std::size_t weight_bytes =
      K::weight_floats(In, Out) * sizeof(T) + K::bias_floats(Out) * sizeof(float);
  /// Output buffer: Outp floats.
  static constexpr std::size_t state_bytes = Outp * sizeof(float);
  /// Scratch floats per step of run(): none.
  static constexpr std::size_t proj_floats = 0;

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) T w[K::weight_floats(In, Out)] = {};
    alignas(O::alignment) float b[K::bias_floats(Out)] = {};
  };
  /// The output buffer (dense layers keep no state between steps).
  struct state {
    alignas(buffer_alignment) float y[Outp] = {};
  };

  /// Packs Keras arrays into `p`: kernel In × Out, bias Out.
  static constexpr status pack(packed& p, weights kernel, weights bias) noexcept {
    if (kernel.size != In * Out || bias.size != Out) return status::size_mismatch;
    K::pack(In, Out, p.w, p.b, read(kernel), read(bias));
    return status::ok;
  }
  /// Packs arrays whose sizes were checked; `Reader` yields float i of each.
  template <class Reader>
  static constexpr void pack_from(packed& p, const Reader& kernel, const Reader& bias) noexcept {
    K::pack(In, Out, p.w, p.b, kernel, bias);
  }
  /// One step with weights `p`; returns y.
  static EDGERNN_STEP_INLINE const float* step(const packed& p, state& s, const float* x) noexcept {
    K::template step<Act>(In, Out, p.w, p.b, x, s.y);
    return s.y;
  }
  /// `n` steps: x_t at x + t·ldx, y_t to y + t·ldy (out_padded floats each).
  static void run(const packed& p, state&, const float* x, std::size_t ldx, float* y,
                  std::size_t ldy, std::size_t n, float*) noexcept {
    for (std::size_t t = 0; t < n; ++t)
      K::template step<Act>(In, Out, p.w, p.b, x + t * ldx, y + t * ldy);
  }

  /// Zeroes a state.
  static void clear(state& s) noexcept { s = state{}; }
};

}  // namespace detail

/// Fully-connected layer: `In` inputs, `Out` outputs, activation `Act`. `Kernels`: an
/// instruction set (default simd::arch_for<In>), `f16` / `f16_on<Arch>` for binary16
/// weights, or `fast_activations` / `fast_activations_on<Arch>` for the cheaper tanh and sigmoid.
template <std::size_t In, std::size_t Out, activation Act = activation::linear,
          class Kernels = simd::arch_for<In>>
class Dense : public detail::layer_holder<detail::dense_layer<In, Out, Act, Kernels>> {};

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
