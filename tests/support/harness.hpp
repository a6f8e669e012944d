// Test support: random Keras weights for a layer type, setting a static Model from a
// model_desc, and the scalar reference run of a model_desc in double precision.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "edgernn/edgernn.hpp"
#include "edgernn/reference/reference.hpp"
#include "io/model_desc.hpp"
#include "random.hpp"

namespace edgernn::test {

/// The descriptor of a static layer type (kind, sizes, activation) with empty weights.
template <class L>
io::layer_desc describe() {
  io::layer_desc d;
  d.kind = L::kind;
  d.in = L::in_size;
  d.units = L::out_size;
  if constexpr (L::kind == layer_kind::dense || L::kind == layer_kind::simple_rnn) {
    d.act = L::act;
  } else {
    d.act = activation::tanh;
  }
  if constexpr (L::kind == layer_kind::gru) d.reset_after = L::reset_after;
  return d;
}

/// Random weights that keep the recurrence contractive, so float32 and float64 runs of a long
/// sequence stay close: kernel ±1/√in, recurrent ±0.9/√units (spectral radius ≈ 0.5), bias ±0.2.
inline void randomize(io::layer_desc& d, rng& r) {
  const float kx = 1.0f / std::sqrt(static_cast<float>(d.in));
  const float kh = 0.9f / std::sqrt(static_cast<float>(d.units));
  d.kernel = r.uniform(d.kernel_size(), -kx, kx);
  d.recurrent = r.uniform(d.recurrent_size(), -kh, kh);
  d.bias = r.uniform(d.bias_size(), -0.2f, 0.2f);
}

template <class... Layers>
io::model_desc random_model(std::uint64_t seed) {
  rng r(seed);
  io::model_desc m;
  m.in = Model<Layers...>::in_size;
  (m.layers.push_back(describe<Layers>()), ...);
  for (auto& l : m.layers)
    randomize(l, r);
  return m;
}

template <class M, std::size_t... I>
io::model_desc random_model_for_impl(std::uint64_t seed, std::index_sequence<I...>) {
  return random_model<typename M::template layer_type<I>...>(seed);
}

/// Random weights (see randomize) for every layer of the static model type M.
template <class M>
io::model_desc random_model_for(std::uint64_t seed) {
  return random_model_for_impl<M>(seed, std::make_index_sequence<M::layer_count>{});
}

template <class L>
status set_layer(L& layer, const io::layer_desc& d) {
  const weights k{d.kernel.data(), d.kernel.size()};
  const weights b{d.bias.data(), d.bias.size()};
  if constexpr (L::kind == layer_kind::dense) {
    return layer.set_weights(k, b);
  } else {
    return layer.set_weights(k, {d.recurrent.data(), d.recurrent.size()}, b);
  }
}

template <class M, std::size_t... I>
status set_model_impl(M& m, const io::model_desc& d, std::index_sequence<I...>) {
  status s = status::ok;
  ((s = s == status::ok ? set_layer(m.template layer<I>(), d.layers[I]) : s), ...);
  return s;
}

/// Sets every layer of a static model from `d` (which must have as many layers).
template <class M>
status set_model(M& m, const io::model_desc& d) {
  if (d.layers.size() != M::layer_count) return status::layer_count_mismatch;
  return set_model_impl(m, d, std::make_index_sequence<M::layer_count>{});
}

/// Sets every layer of a run-time model (DynamicModel, dispatch::Model: set_weights(i, ...))
/// from `d`; the first failure's status.
template <class M>
status set_model_layers(M& m, const io::model_desc& d) {
  for (std::size_t i = 0; i < d.layers.size(); ++i) {
    const auto& l = d.layers[i];
    const status s =
        m.set_weights(i, {l.kernel.data(), l.kernel.size()},
                      {l.recurrent.data(), l.recurrent.size()}, {l.bias.data(), l.bias.size()});
    if (s != status::ok) return s;
  }
  return status::ok;
}

/// Runs a model_desc one step at a time with the scalar reference, in double (activations
/// with the rational `f`: see reference::tanh).
class reference_model {
 public:
  explicit reference_model(io::model_desc d, simd::fit f = simd::fit::precise)
      : d_(std::move(d)), fit_(f) {
    for (const auto& l : d_.layers) {
      state_.emplace_back(l.units, 0.0);
      cell_.emplace_back(l.units, 0.0);
    }
    std::size_t widest = d_.in;
    for (const auto& l : d_.layers)
      widest = std::max(widest, 7 * l.units);
    scratch_.assign(widest, 0.0);
  }
  /// The model it runs.
  const io::model_desc& desc() const { return d_; }
  void reset() {
    for (auto& s : state_)
      std::fill(s.begin(), s.end(), 0.0);
    for (auto& s : cell_)
      std::fill(s.begin(), s.end(), 0.0);
  }
  /// One step; returns the outputs (out() values).
  const std::vector<double>& step(const float* x) {
    std::vector<double> in(x, x + d_.in);
    for (std::size_t i = 0; i < d_.layers.size(); ++i) {
      const io::layer_desc& l = d_.layers[i];
      std::vector<double>& h = state_[i];
      switch (l.kind) {
        case layer_kind::dense:
          reference::dense(in.data(), h.data(), l.in, l.units, l.kernel.data(), l.bias.data(),
                           l.act, fit_);
          break;
        case layer_kind::simple_rnn:
          reference::simple_rnn(in.data(), h.data(), scratch_.data(), l.in, l.units,
                                l.kernel.data(), l.recurrent.data(), l.bias.data(), l.act, fit_);
          break;
        case layer_kind::lstm:
          reference::lstm(in.data(), h.data(), cell_[i].data(), scratch_.data(), l.in, l.units,
                          l.kernel.data(), l.recurrent.data(), l.bias.data(), fit_);
          break;
        case layer_kind::gru:
          reference::gru(in.data(), h.data(), scratch_.data(), l.in, l.units, l.kernel.data(),
                         l.recurrent.data(), l.bias.data(), l.reset_after, fit_);
          break;
      }
      in = h;
    }
    out_ = in;
    return out_;
  }

 private:
  io::model_desc d_;
  simd::fit fit_;
  std::vector<std::vector<double>> state_, cell_;
  std::vector<double> scratch_, out_;
};

/// The project's tolerance against a float64 oracle: |a − e| ≤ abs + rel·|e|.
struct tolerance {
  double abs = 1e-5;
  double rel = 1e-4;
  bool ok(double a, double e) const { return std::fabs(a - e) <= abs + rel * std::fabs(e); }
};

}  // namespace edgernn::test
