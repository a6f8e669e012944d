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
#pragma once

#include <cstddef>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

namespace edgernn {

namespace detail {

/// The GRU's packing and step for any sizes; Gru<> and DynamicModel both call it.
template <class Arch, bool ResetAfter>
struct gru_kernel {
  using O = simd::ops<Arch>;
  static constexpr std::size_t W = O::width;
  static constexpr std::size_t gates = 3;

  static constexpr panel_shape shape(std::size_t h) noexcept { return {h, gates, W}; }
  static constexpr panel_shape second_shape(std::size_t h) noexcept { return {h, 1, W}; }
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

  template <class Reader>
  static constexpr void pack(std::size_t in, std::size_t h, float* w, float* b,
                             const Reader& kernel, const Reader& recurrent,
                             const Reader& bias) noexcept {
    const std::size_t zrh[3] = {0, 1, 2};
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    for_each_block<2>(s, W, [&](auto v, std::size_t j) {
      w = pack_block_rows(w, kernel, in, gates * h, h, zrh, 3, j, v, W);
      w = pack_block_rows(w, recurrent, h, gates * h, h, zrh, ResetAfter ? 3 : 2, j, v, W);
    });
    if constexpr (ResetAfter) {
      // Keras rows: b0 = bias[0 .. 3H), b1 = bias[3H .. 6H).
      for (std::size_t u = 0; u < n; ++u) {
        const bool real = u < h;
        b[0 * n + u] = real ? bias[u] + bias[3 * h + u] : 0.0f;
        b[1 * n + u] = real ? bias[h + u] + bias[4 * h + u] : 0.0f;
        b[2 * n + u] = real ? bias[2 * h + u] : 0.0f;
        b[3 * n + u] = real ? bias[5 * h + u] : 0.0f;
      }
    } else {
      const std::size_t h_only[1] = {2};
      for_each_block<4>(second_shape(h), W, [&](auto v, std::size_t j) {
        w = pack_block_rows(w, recurrent, h, gates * h, h, h_only, 1, j, v, W);
      });
      pack_bias(b, bias, h, n, zrh, 3);
    }
  }

  /// One step: x (in floats), hp = h before, hn = h after; `scratch` holds scratch_floats(h).
  static EDGERNN_INLINE void step(std::size_t in, std::size_t h, const float* w, const float* b,
                                  const float* x, const float* hp, float* hn,
                                  float* scratch) noexcept {
    const panel_shape s = shape(h);
    const std::size_t n = s.padded;
    float* zs = scratch;          // reset_after = false: σ(z)
    float* rh = scratch + n;      //   r∘h
    float* xh = scratch + 2 * n;  //   x·Kh + bh
    for_each_block<2>(s, W, [&](auto vc, std::size_t j) {
      constexpr std::size_t V = decltype(vc)::value;
      typename O::reg acc[gates * V];
      for (std::size_t g = 0; g < gates; ++g)
        for (std::size_t v = 0; v < V; ++v)
          acc[g * V + v] = O::load(b + g * n + j + v * W);
      w = accumulate<Arch, gates * V>(acc, x, in, w);
      if constexpr (ResetAfter) {
        typename O::reg xk[V];  // x·Kh + b0h; the h rows then build h·Uh + b1h in its place
        for (std::size_t v = 0; v < V; ++v) {
          xk[v] = acc[2 * V + v];
          acc[2 * V + v] = O::load(b + 3 * n + j + v * W);
        }
        w = accumulate<Arch, gates * V>(acc, hp, h, w);
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t o = j + v * W;
          const auto z = simd::sigmoid<Arch>(acc[v]);
          const auto r = simd::sigmoid<Arch>(acc[V + v]);
          const auto cand = simd::tanh<Arch>(O::fma(r, acc[2 * V + v], xk[v]));
          // z∘h + (1 − z)∘ĥ = z∘(h − ĥ) + ĥ
          O::store(hn + o, O::fma(z, O::load(hp + o) - cand, cand));
        }
      } else {
        w = accumulate<Arch, 2 * V>(acc, hp, h, w);
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t o = j + v * W;
          O::store(zs + o, simd::sigmoid<Arch>(acc[v]));
          O::store(rh + o, simd::sigmoid<Arch>(acc[V + v]) * O::load(hp + o));
          O::store(xh + o, acc[2 * V + v]);
        }
      }
    });
    if constexpr (!ResetAfter) {
      for_each_block<4>(second_shape(h), W, [&](auto vc, std::size_t j) {
        constexpr std::size_t V = decltype(vc)::value;
        typename O::reg acc[V];
        for (std::size_t v = 0; v < V; ++v)
          acc[v] = O::load(xh + j + v * W);
        w = accumulate<Arch, V>(acc, rh, h, w);
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t o = j + v * W;
          const auto cand = simd::tanh<Arch>(acc[v]);
          O::store(hn + o, O::fma(O::load(zs + o), O::load(hp + o) - cand, cand));
        }
      });
    }
  }
};

}  // namespace detail

/// Gated recurrent unit: `In` inputs, `H` units, either Keras variant (`ResetAfter`).
template <std::size_t In, std::size_t H, bool ResetAfter = true, class Arch = simd::default_arch>
class Gru {
  static_assert(In > 0 && H > 0, "layer sizes must be positive");
  using K = detail::gru_kernel<Arch, ResetAfter>;
  using O = simd::ops<Arch>;
  static constexpr std::size_t Hp = K::shape(H).padded;

 public:
  using arch = Arch;
  static constexpr layer_kind kind = layer_kind::gru;
  static constexpr bool reset_after = ResetAfter;
  static constexpr std::size_t in_size = In;
  static constexpr std::size_t out_size = H;
  static constexpr std::size_t out_padded = Hp;  ///< floats in the buffer step() returns
  static constexpr std::size_t in_reads = In;    ///< floats step() reads from its input
  static constexpr std::size_t bias_size = K::bias_size(H);  ///< Keras bias floats
  /// Packed weights and bias: 3·(In + H)·Hp + (4 or 3)·Hp floats.
  static constexpr std::size_t weight_bytes =
      (K::weight_floats(In, H) + K::bias_floats(H)) * sizeof(float);
  /// h double-buffered, plus (reset_after = false) z, r∘h and x·Kh between the passes.
  static constexpr std::size_t state_bytes = (2 * Hp + K::scratch_floats(H)) * sizeof(float);

  /// Packed weights; a literal type, so an exported header can build it at compile time.
  struct packed {
    alignas(O::alignment) float w[K::weight_floats(In, H)] = {};
    alignas(O::alignment) float b[K::bias_floats(H)] = {};
  };
  /// h, double-buffered (h[cur] is the current output), and the scratch between passes.
  struct state {
    alignas(O::alignment) float h[2][Hp] = {};
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
    K::step(In, H, p.w, p.b, x, s.h[s.cur], hn, s.scratch);
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
