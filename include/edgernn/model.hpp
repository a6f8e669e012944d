// edgernn: Model<Layers...>, layers composed at compile time and run one step at a time.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "edgernn/simd/arch.hpp"
#include "edgernn/status.hpp"

namespace edgernn {

namespace detail {
template <class... Layers>
struct chain;
template <class L>
struct chain<L> : std::true_type {};
template <class A, class B, class... Rest>
struct chain<A, B, Rest...>
    : std::integral_constant<bool, A::out_size == B::in_size && chain<B, Rest...>::value> {};
// Every layer may read up to its in_reads floats from the buffer the previous one returns.
template <class... Layers>
struct buffers_fit;
template <class L>
struct buffers_fit<L> : std::true_type {};
template <class A, class B, class... Rest>
struct buffers_fit<A, B, Rest...>
    : std::integral_constant<bool, A::out_padded >= B::in_reads && buffers_fit<B, Rest...>::value> {
};
}  // namespace detail

/// A stack of layers with sizes fixed at compile time; layer N's output feeds layer N + 1.
///
/// Memory: everything lives inside the object, nothing is allocated, ever:
///   sizeof(Model) ≈ Σ (Layer::weight_bytes + Layer::state_bytes) + round_up(In, W)·4
/// plus alignment padding (< 64 bytes per member; tests/test_model.cpp checks the bound). Large
/// models belong in static storage or on the heap, not on a small stack.
template <class... Layers>
class Model {
  static_assert(sizeof...(Layers) >= 1, "a model needs at least one layer");
  static_assert(detail::chain<Layers...>::value,
                "each layer's in_size must equal the previous layer's out_size");
  using first = std::tuple_element_t<0, std::tuple<Layers...>>;
  using last = std::tuple_element_t<sizeof...(Layers) - 1, std::tuple<Layers...>>;
  static constexpr std::size_t in_padded = simd::round_up(first::in_reads, 16);
  static_assert(detail::buffers_fit<Layers...>::value,
                "a layer reads past the buffer of the layer before it (mixed SIMD widths?)");

 public:
  static constexpr std::size_t in_size = first::in_size;   ///< floats per input step
  static constexpr std::size_t out_size = last::out_size;  ///< floats per output step
  static constexpr std::size_t layer_count = sizeof...(Layers);
  /// Type of layer `I`.
  template <std::size_t I>
  using layer_type = std::tuple_element_t<I, std::tuple<Layers...>>;
  /// Bytes of packed weights and biases, summed over the layers.
  static constexpr std::size_t weight_bytes = (Layers::weight_bytes + ... + 0);
  /// Bytes of state and activations, summed over the layers, plus the input buffer.
  static constexpr std::size_t state_bytes =
      (Layers::state_bytes + ... + 0) + in_padded * sizeof(float);

  /// All weights zero, all state zero.
  Model() noexcept {
    for (float& v : in_)
      v = 0.0f;
  }

  /// Layer `I` (0-based), to set its weights: `model.layer<0>().set_weights(...)`.
  template <std::size_t I>
  auto& layer() noexcept {
    return std::get<I>(layers_);
  }
  template <std::size_t I>
  const auto& layer() const noexcept {
    return std::get<I>(layers_);
  }

  /// One time step: reads `in[0..in_size)`, writes `out[0..out_size)`, keeps the state.
  /// Buffers may be unaligned and may overlap.
  void step(const float* in, float* out) noexcept {
    for (std::size_t i = 0; i < in_size; ++i)
      in_[i] = in[i];
    const float* y = forward(std::index_sequence_for<Layers...>{});
    for (std::size_t i = 0; i < out_size; ++i)
      out[i] = y[i];
  }

  /// `steps` time steps: `in` is steps × in_size, `out` steps × out_size (row-major); the same
  /// result as calling step() on each row in turn.
  void run(const float* in, float* out, std::size_t steps) noexcept {
    for (std::size_t t = 0; t < steps; ++t)
      step(in + t * in_size, out + t * out_size);
  }

  /// Zeroes the state of every layer, as if no step had run.
  void reset() noexcept {
    std::apply([](auto&... l) { (l.reset(), ...); }, layers_);
  }

 private:
  template <std::size_t... I>
  EDGERNN_INLINE const float* forward(std::index_sequence<I...>) noexcept {
    const float* y = in_;
    ((y = std::get<I>(layers_).step(y)), ...);
    return y;
  }

  alignas(64) float in_[in_padded];
  std::tuple<Layers...> layers_;
};

}  // namespace edgernn
