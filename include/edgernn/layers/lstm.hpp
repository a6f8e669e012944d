// edgernn: LSTM layer (Keras semantics, gate blocks i, f, c, o).
//
//   z = x·K + h·U + b            K: In × 4H, U: H × 4H, b: 4H (Keras layout, gates i, f, c, o)
//   c = σ(z_f)∘c + σ(z_i)∘tanh(z_c)
//   h = σ(z_o)∘tanh(c)           (h is the layer's output at every step)
//
// Packed: one gate panel over the In + H rows (see simd/kernels.hpp), 4·Hp bias floats.
#pragma once

#include <cstddef>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

namespace edgernn {

namespace detail {

/// The LSTM's packing and step for any sizes; Lstm<> and DynamicModel both call it.
template <class Arch>
struct lstm_kernel {
  using O = simd::ops<Arch>;
  static constexpr std::size_t W = O::width;
  static constexpr std::size_t gates = 4;

  static constexpr panel_shape shape(std::size_t h) noexcept { return {h, gates, W}; }
  static constexpr std::size_t weight_floats(std::size_t in, std::size_t h) noexcept {
    return (in + h) * gates * shape(h).padded;
  }
  static constexpr std::size_t bias_floats(std::size_t h) noexcept {
    return gates * shape(h).padded;
  }

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, float* w, float* b,
                             const Reader& kernel, const Reader& recurrent,
                             const Reader& bias) noexcept {
    const std::size_t order[gates] = {0, 1, 2, 3};
    const panel_shape s = shape(h);
    for_each_block<2>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, gates * h, h, order, gates, j, v, W);
      w = pack_block_rows(w, recurrent, h, gates * h, h, order, gates, j, v, W);
    });
    pack_bias(b, bias, h, s.padded, order, gates);
  }

  /// One step: x (in floats), hp = h before, hn = h after, c updated in place.
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const float* w, const float* b,
                                  const float* x, const float* hp, float* hn, float* c) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    for_each_block<2>(s, W, [&](auto vc, std::size_t j) {
      constexpr std::size_t V = decltype(vc)::value;
      typename O::reg acc[gates * V];
      for (std::size_t g = 0; g < gates; ++g)
        for (std::size_t v = 0; v < V; ++v)
          acc[g * V + v] = O::load(b + g * n + j + v * W);
      w = accumulate<Arch, gates * V>(acc, x, in, w);
      w = accumulate<Arch, gates * V>(acc, hp, h, w);
      for (std::size_t v = 0; v < V; ++v) {
        const std::size_t o = j + v * W;
        const auto i = simd::sigmoid<Arch>(acc[0 * V + v]);
        const auto f = simd::sigmoid<Arch>(acc[1 * V + v]);
        const auto g = simd::tanh<Arch>(acc[2 * V + v]);
        const auto og = simd::sigmoid<Arch>(acc[3 * V + v]);
        const auto cn = O::fma(f, O::load(c + o), i * g);
        O::store(c + o, cn);
        O::store(hn + o, og * simd::tanh<Arch>(cn));
      }
    });
  }
};

}  // namespace detail

/// Long short-term memory layer: `In` inputs, `H` units, returns its sequence.
template <std::size_t In, std::size_t H, class Arch = simd::default_arch>
class Lstm {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  using K = detail::lstm_kernel<Arch>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;

 public:
  using arch = Arch;
  static constexpr layer_kind kind = layer_kind::lstm;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hp;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  /// Packed weights and bias: (In + H)·4·Hp + 4·Hp floats.
  static constexpr std::size_t weight_bytes =
      (K::weight_floats(In, H) + K::bias_floats(H)) * sizeof(float);
  /// Recurrent state and output: h (double-buffered) and c, 3·Hp floats.
  static constexpr std::size_t state_bytes = 3 * Hp * sizeof(float);

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) float w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h (double-buffered, h[cur] is the current output) and c.
  struct state {
    alignas(O::alignment) float h[2][Hp] = {};
    alignas(O::alignment) float c[Hp] = {};
    unsigned cur = 0;
  };

  /// Packs Keras arrays into `p`: kernel In × 4H, recurrent H × 4H, bias 4H.
  static constexpr status pack(packed& p, weights kernel, weights recurrent,
                               weights bias) noexcept {
    if (kernel.size != In * 4 * H || recurrent.size != H * 4 * H || bias.size != 4 * H) {
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
    K::step(In, H, p.w, p.b, x, s.h[s.cur], hn, s.c);
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
