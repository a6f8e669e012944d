// edgernn: SimpleRNN layer (Keras semantics).
//
//   h = act(x·K + h·U + b)       K: In × H, U: H × H, b: H; act is tanh or relu
//
// Packed: one single-gate panel over the In + H rows (see simd/kernels.hpp), Hp bias floats.
#pragma once

#include <cstddef>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

namespace edgernn {

namespace detail {

/// The SimpleRNN's packing and step for any sizes; SimpleRnn<> and DynamicModel both call it.
template <class Arch>
struct simple_rnn_kernel {
  using O = simd::ops<Arch>;
  static constexpr std::size_t W = O::width;

  static constexpr panel_shape shape(std::size_t h) noexcept { return {h, 1, W}; }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t h) noexcept {
    return (in + h) * shape(h).padded;
  }
  static constexpr std::size_t bias_floats(std::size_t h) noexcept { return shape(h).padded; }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, float* w, float* b,
                             const Reader& kernel, const Reader& recurrent,
                             const Reader& bias) noexcept {
    const std::size_t order[1] = {0};
    const panel_shape s = shape(h);
    for_each_block<4>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, h, h, order, 1, j, v, W);
      w = pack_block_rows(w, recurrent, h, h, h, order, 1, j, v, W);
    });
    pack_bias(b, bias, h, s.padded, order, 1);
  }

  /// One step: x (in floats), hp = h before, hn = h after.
  template <activation Act>
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const float* w, const float* b,
                                  const float* x, const float* hp, float* hn) noexcept {
    for_each_block<4>(shape(h), W, [&](auto vc, std::size_t j) {
      constexpr std::size_t V = decltype(vc)::value;
      typename O::reg acc[V];
      for (std::size_t v = 0; v < V; ++v)
        acc[v] = O::load(b + j + v * W);
      w = accumulate<Arch, V>(acc, x, in, w);
      w = accumulate<Arch, V>(acc, hp, h, w);
      for (std::size_t v = 0; v < V; ++v) {
        O::store(hn + j + v * W, simd::activate<Act, Arch>(acc[v]));
      }
    });
  }
};

}  // namespace detail

/// Fully-connected recurrent layer: `In` inputs, `H` units, activation tanh or relu.
template <std::size_t In, std::size_t H, activation Act = activation::tanh,
          class Arch = simd::default_arch>
class SimpleRnn {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  static_assert(Act == activation::tanh || Act == activation::relu,
                "SimpleRnn supports tanh and relu");
  using K = detail::simple_rnn_kernel<Arch>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;

 public:
  using arch = Arch;
  static constexpr layer_kind kind = layer_kind::simple_rnn;
  static constexpr activation act = Act;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hp;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  /// Packed weights and bias: (In + H)·Hp + Hp floats.
  static constexpr std::size_t weight_bytes =
      (K::weight_floats(In, H) + K::bias_floats(H)) * sizeof(float);
  /// h, double-buffered: 2·Hp floats.
  static constexpr std::size_t state_bytes = 2 * Hp * sizeof(float);

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) float w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h, double-buffered (h[cur] is the current output).
  struct state {
    alignas(O::alignment) float h[2][Hp] = {};
    unsigned cur = 0;
  };

  /// Packs Keras arrays into `p`: kernel In × H, recurrent H × H, bias H.
  static constexpr status pack(packed& p, weights kernel, weights recurrent,
                               weights bias) noexcept {
    if (kernel.size != In * H || recurrent.size != H * H || bias.size != H) {
      return status::size_mismatch;
    }
    pack_from(p, detail::plain_floats{kernel.data}, detail::plain_floats{recurrent.data},
              detail::plain_floats{bias.data});
    return status::ok;
  }
  /// Packs arrays whose sizes were checked; `Reader` yields float i of each.
  template <class Reader>
  static constexpr void pack_from(packed& p, const Reader& kernel, const Reader& recurrent,
                                  const Reader& bias) noexcept {
    K::pack(In, H, p.w, p.b, kernel, recurrent, bias);
  }
  /// One time step on `s` with weights `p`; returns the new h.
  static const float* step(const packed& p, state& s, const float* x) noexcept {
    float* hn = s.h[s.cur ^ 1u];
    K::template step<Act>(In, H, p.w, p.b, x, s.h[s.cur], hn);
    s.cur ^= 1u;
    return hn;
  }

  /// Zeroes a state.
  static void clear(state& s) noexcept { s = state{}; }

  // ---- the layer as Model holds it: its packed weights and its state -----------------------

  /// Sets the weights from Keras arrays (sizes above); size_mismatch leaves them unchanged.
  [[nodiscard]] status set_weights(weights kernel, weights recurrent, weights bias) noexcept {
    return pack(p_, kernel, recurrent, bias);
  }
  /// Zeroes the state.
  void reset() noexcept { clear(s_); }
  /// One time step: reads `x[0..in_reads)`, returns the output (out_padded floats).
  const float* step(const float* x) noexcept { return step(p_, s_, x); }
  /// The packed weights (for loaders) and the state.
  packed& packed_weights() noexcept { return p_; }
  const packed& packed_weights() const noexcept { return p_; }
  const state& current_state() const noexcept { return s_; }

 private:
  packed p_;
  state s_;
};

}  // namespace edgernn
