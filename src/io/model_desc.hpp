// edgernn io: a model held in memory in Keras layout, the common currency of the tools
// (JSON import, model files, header export, the trainer's output).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/activations.hpp"

namespace edgernn::io {

/// Any failure to read or write a model: the message names the file, the field, what was
/// expected and what was found.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "1 column", "3 columns": a count and its noun, for error messages.
inline std::string count(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// One layer, weights in Keras layout (row-major, gate blocks as in the JSON format).
struct layer_desc {
  layer_kind kind = layer_kind::dense;
  activation act = activation::linear;  ///< dense: any; simple_rnn: tanh or relu; lstm/gru: tanh
  bool reset_after = true;              ///< gru only
  std::size_t in = 0;                   ///< inputs per step
  std::size_t units = 0;                ///< outputs per step
  std::vector<float> kernel;            ///< in × gates·units
  std::vector<float> recurrent;         ///< units × gates·units (empty for dense)
  std::vector<float> bias;              ///< gates·units (gru reset_after: 2 × 3·units)

  /// Gate blocks: 1 (dense, simple_rnn), 4 (lstm), 3 (gru).
  std::size_t gates() const noexcept;
  /// Expected sizes of the three arrays for this kind and these sizes.
  std::size_t kernel_size() const noexcept { return in * gates() * units; }
  std::size_t recurrent_size() const noexcept {
    return kind == layer_kind::dense ? 0 : units * gates() * units;
  }
  std::size_t bias_size() const noexcept {
    return (kind == layer_kind::gru && reset_after ? 2 : 1) * gates() * units;
  }
  std::size_t param_count() const noexcept {
    return kernel.size() + recurrent.size() + bias.size();
  }
};

/// Optional per-channel affine map between raw units and what the network saw in training:
/// network input = raw · in_scale + in_offset; raw output = network output · out_scale +
/// out_offset.
struct normalization {
  std::vector<float> in_scale, in_offset;    ///< empty, or one per input
  std::vector<float> out_scale, out_offset;  ///< empty, or one per output
  bool has_input() const noexcept { return !in_scale.empty(); }
  bool has_output() const noexcept { return !out_scale.empty(); }
};

/// A stack of layers.
struct model_desc {
  std::size_t in = 0;  ///< inputs per step
  std::vector<layer_desc> layers;
  normalization norm;

  std::size_t out() const noexcept { return layers.empty() ? 0 : layers.back().units; }
  std::size_t param_count() const noexcept;
  /// Throws io::error naming `what` (a file name) if sizes do not chain, arrays have the wrong
  /// length, an activation is not allowed for its layer, or a value is not finite.
  void validate(const std::string& what) const;
};

}  // namespace edgernn::io
