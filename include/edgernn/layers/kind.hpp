// edgernn: the kinds of layer, as the layer classes and the model file name them.
#pragma once

#include <cstddef>

#include "edgernn/simd/activations.hpp"

namespace edgernn {

/// Kind of a layer; the numeric values are the model file's layer-type codes.
enum class layer_kind : unsigned char { dense = 1, simple_rnn = 2, lstm = 3, gru = 4 };

/// Name of a layer kind as the Keras-layout JSON spells it.
constexpr const char* to_string(layer_kind k) noexcept {
  switch (k) {
    case layer_kind::dense:
      return "dense";
    case layer_kind::simple_rnn:
      return "simple_rnn";
    case layer_kind::lstm:
      return "lstm";
    case layer_kind::gru:
      return "gru";
  }
  return "unknown";
}

/// Kind, activation and sizes of one layer, as a model file or a DynamicModel describes it.
struct layer_spec {
  layer_kind kind = layer_kind::dense;
  activation act = activation::linear;  ///< dense: any; simple_rnn: tanh or relu; others: tanh
  bool reset_after = true;              ///< gru only
  std::size_t in = 0;                   ///< inputs per step
  std::size_t units = 0;                ///< outputs per step
  bool half = false;                    ///< weights stored as IEEE binary16 (f16 kernels)
  /// The cheaper tanh and sigmoid (simd::fit::fast, good to 7e-5; see simd/activations.hpp)
  /// for float32 weights, as the static layers' `fast_activations`. Binary16 layers always
  /// have them. A run-time choice: model files do not store it (see load_options).
  bool fast = false;
};

/// How DynamicModel::load builds the layers of a model file.
struct load_options {
  /// Float32 layers with the cheaper activations (layer_spec::fast), as a header exported with
  /// `edgernn export-header --activations fast` runs them.
  bool fast_activations = false;
  /// Which float32 layers run the 256-bit kernels of an AVX-512 build (see simd::width_rule;
  /// simd::host_width_rule() chooses for the CPU this runs on).
  simd::width_rule widths = simd::default_width_rule;
};

/// Gate blocks of a layer kind: 4 (lstm), 3 (gru), 1 (dense, simple_rnn).
constexpr std::size_t gate_count(layer_kind k) noexcept {
  return k == layer_kind::lstm ? 4 : k == layer_kind::gru ? 3 : 1;
}

/// Keras-layout array sizes of a layer: kernel in × G·units, recurrent units × G·units (none for
/// dense), bias G·units (2 × 3·units for a reset_after GRU).
constexpr std::size_t kernel_floats(const layer_spec& s) noexcept {
  return s.in * gate_count(s.kind) * s.units;
}
constexpr std::size_t recurrent_floats(const layer_spec& s) noexcept {
  return s.kind == layer_kind::dense ? 0 : s.units * gate_count(s.kind) * s.units;
}
constexpr std::size_t bias_floats(const layer_spec& s) noexcept {
  return (s.kind == layer_kind::gru && s.reset_after ? 2 : 1) * gate_count(s.kind) * s.units;
}

}  // namespace edgernn
