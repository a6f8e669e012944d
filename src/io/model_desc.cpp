#include "model_desc.hpp"

#include <cmath>

namespace edgernn::io {

std::size_t layer_desc::gates() const noexcept {
  switch (kind) {
    case layer_kind::lstm:
      return 4;
    case layer_kind::gru:
      return 3;
    case layer_kind::dense:
    case layer_kind::simple_rnn:
      break;
  }
  return 1;
}

std::size_t model_desc::param_count() const noexcept {
  std::size_t n = 0;
  for (const auto& l : layers)
    n += l.param_count();
  return n;
}

namespace {
void check_array(const std::string& where, const std::vector<float>& v, std::size_t expected) {
  if (v.size() != expected) {
    throw error(where + ": expected " + count(expected, "value") + ", found " +
                std::to_string(v.size()));
  }
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (!std::isfinite(v[k])) {
      throw error(where + "[" + std::to_string(k) + "]: expected a finite number, found " +
                  std::to_string(v[k]));
    }
  }
}
}  // namespace

void model_desc::validate(const std::string& what) const {
  if (in == 0) throw error(what + ": in_shape: expected a positive input size, found 0");
  if (layers.empty()) throw error(what + ": layers: expected at least one layer, found none");
  std::size_t prev = in;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const layer_desc& l = layers[i];
    const std::string where =
        what + ": layer " + std::to_string(i) + " (" + to_string(l.kind) + ")";
    if (l.in != prev) {
      throw error(where + ": expected " + std::to_string(prev) + " inputs, found " +
                  std::to_string(l.in));
    }
    if (l.units == 0) throw error(where + ": expected at least one unit, found 0");
    const bool act_ok =
        l.kind == layer_kind::dense ||
        (l.kind == layer_kind::simple_rnn &&
         (l.act == activation::tanh || l.act == activation::relu)) ||
        ((l.kind == layer_kind::lstm || l.kind == layer_kind::gru) && l.act == activation::tanh);
    if (!act_ok) {
      throw error(where + ": activation " + to_string(l.act) + " is not supported on this layer");
    }
    check_array(where + " kernel", l.kernel, l.kernel_size());
    check_array(where + " recurrent kernel", l.recurrent, l.recurrent_size());
    check_array(where + " bias", l.bias, l.bias_size());
    prev = l.units;
  }
  const auto check_norm = [&](const char* name, const std::vector<float>& v, std::size_t n) {
    if (!v.empty()) check_array(what + ": normalization " + name, v, n);
  };
  check_norm("input scale", norm.in_scale, in);
  check_norm("input offset", norm.in_offset, in);
  check_norm("output scale", norm.out_scale, out());
  check_norm("output offset", norm.out_offset, out());
  if (norm.in_scale.size() != norm.in_offset.size() ||
      norm.out_scale.size() != norm.out_offset.size()) {
    throw error(what + ": normalization: scale and offset must both be given");
  }
}

}  // namespace edgernn::io
