// edgernn: the kinds of layer, as the layer classes and the model file name them.
#pragma once

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

}  // namespace edgernn
