// Shared helpers of the trainer's tests: random models and windows, and a loss evaluator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "support/random.hpp"
#include "train/loss.hpp"
#include "train/network.hpp"

namespace edgernn::test {

/// Shapes chained from `in`: (kind, act, units) per layer; GRU takes `reset_after`.
struct layer_spec_t {
  layer_kind kind;
  activation act;
  std::size_t units;
  bool reset_after = true;
};

inline std::vector<train::layer_shape> chain(std::size_t in, const std::vector<layer_spec_t>& s) {
  std::vector<train::layer_shape> out;
  for (const auto& l : s) {
    out.push_back({l.kind, l.act, l.reset_after, in, l.units});
    in = l.units;
  }
  return out;
}

/// Every weight of `m` uniform in [-a, a] (biases too, unless zero_bias).
inline void randomize_weights(io::model_desc& m, rng& r, float a, bool zero_bias = false) {
  for (auto& l : m.layers) {
    for (float& v : l.kernel)
      v = r.uniform(-a, a);
    for (float& v : l.recurrent)
      v = r.uniform(-a, a);
    for (float& v : l.bias)
      v = zero_bias ? 0.0f : r.uniform(-a, a);
  }
}

/// A batch of windows, time-major [steps][batch][in], and targets [batch][out].
struct batch_data {
  std::size_t steps, batch, in, out;
  std::vector<double> x;
  std::vector<float> y;
};

inline batch_data random_batch(std::size_t steps, std::size_t batch, std::size_t in,
                               std::size_t out, rng& r) {
  batch_data d{steps, batch, in, out, {}, {}};
  for (std::size_t i = 0; i < steps * batch * in; ++i)
    d.x.push_back(r.uniform(-1.0f, 1.0f));
  for (std::size_t i = 0; i < batch * out; ++i)
    d.y.push_back(r.uniform(-1.0f, 1.0f));
  return d;
}

/// MSE of the network on `d` (double precision); if `grad`, also the analytic gradient in
/// Keras layout (bptt > 0 truncates).
inline double loss_of(const train::network<double>& net, const batch_data& d,
                      io::model_desc* grad = nullptr, std::size_t bptt = 0) {
  train::workspace<double> ws;
  net.reserve(ws, d.steps, d.batch);
  for (std::size_t i = 0; i < d.x.size(); ++i)
    ws.x[i] = d.x[i];
  net.forward(ws, d.steps, d.batch);
  const std::size_t stride = train::padded(net.out());
  std::vector<double> dout(d.batch * stride);
  const double sum =
      train::loss_and_gradient<double>(train::loss_kind::mse, net.output(ws), stride, d.y.data(),
                                       d.batch, d.out, d.batch, dout.data());
  if (grad) {
    ws.grad.zero();
    net.backward(ws, dout.data(), bptt);
    *grad = net.describe_gradient(ws.grad.data());
  }
  return sum / static_cast<double>(d.batch);
}

}  // namespace edgernn::test
