// The float network (SIMD kernels) against the float64 one (plain loops, itself checked by
// finite differences): forward outputs and every gradient, over sizes crossing register and
// tile boundaries.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"

using namespace edgernn;
using test::layer_spec_t;

namespace {

double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v)
    m = std::max(m, double(std::fabs(x)));
  return m;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, double(std::fabs(a[i] - b[i])));
  return m;
}

void compare(const std::vector<layer_spec_t>& layers, std::size_t in, std::size_t out,
             std::size_t steps, std::size_t batch) {
  test::rng r(21);
  train::network<double> nd(in, test::chain(in, layers));
  io::model_desc m = nd.describe();
  test::randomize_weights(m, r, 0.5f);
  nd.load(m);
  train::network<float> nf(m);
  const test::batch_data d = test::random_batch(steps, batch, in, out, r);

  io::model_desc gd;
  test::loss_of(nd, d, &gd);

  train::workspace<float> ws;
  nf.reserve(ws, steps, batch);
  for (std::size_t i = 0; i < d.x.size(); ++i)
    ws.x[i] = static_cast<float>(d.x[i]);
  nf.forward(ws, steps, batch);
  const std::size_t stride = train::padded(out);
  std::vector<float> dout(batch * stride);
  train::loss_and_gradient<float>(train::loss_kind::mse, nf.output(ws), stride, d.y.data(), batch,
                                  out, batch, dout.data());
  ws.grad.zero();
  nf.backward(ws, dout.data());
  const io::model_desc gf = nf.describe_gradient(ws.grad.data());

  // Outputs: the double forward again, to compare predictions.
  train::workspace<double> wd;
  nd.reserve(wd, steps, batch);
  for (std::size_t i = 0; i < d.x.size(); ++i)
    wd.x[i] = d.x[i];
  nd.forward(wd, steps, batch);
  double out_err = 0;
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t j = 0; j < out; ++j)
      out_err = std::max(out_err,
                         std::fabs(nf.output(ws)[b * stride + j] - nd.output(wd)[b * stride + j]));
  // Float32 forward over a few steps with the core's tanh (|error| <= 4e-7) and float sums:
  // outputs agree to 1e-5 absolute (outputs are O(1)).
  CHECK(out_err <= 1e-5);

  // Gradients: per array, within 1e-3 of that array's largest magnitude (float rounding of
  // O(100)-term sums through several layers and steps, relative ~1e-5, with a wide margin).
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const io::layer_desc &a = gf.layers[l], &b = gd.layers[l];
    for (auto pair :
         {std::make_pair(&a.kernel, &b.kernel), std::make_pair(&a.recurrent, &b.recurrent),
          std::make_pair(&a.bias, &b.bias)}) {
      const double scale = max_abs(*pair.second);
      INFO("layer " << l << ": max |g| " << scale << ", max diff "
                    << max_diff(*pair.first, *pair.second));
      CHECK(max_diff(*pair.first, *pair.second) <= 1e-3 * scale + 1e-7);
    }
  }
}

}  // namespace

TEST_CASE("float training kernels agree with float64 (forward and gradients)") {
  const std::size_t steps = 5, batch = 7;
  for (std::size_t units : {1u, 15u, 17u, 33u}) {
    const std::string u = std::to_string(units);
    SUBCASE(("simple_rnn relu " + u).c_str()) {
      compare({{layer_kind::simple_rnn, activation::relu, units},
               {layer_kind::dense, activation::linear, 2}},
              3, 2, steps, batch);
    }
    SUBCASE(("simple_rnn tanh " + u).c_str()) {
      compare({{layer_kind::simple_rnn, activation::tanh, units},
               {layer_kind::dense, activation::linear, 1}},
              3, 1, steps, batch);
    }
    SUBCASE(("lstm " + u).c_str()) {
      compare(
          {{layer_kind::lstm, activation::tanh, units}, {layer_kind::dense, activation::linear, 1}},
          3, 1, steps, batch);
    }
    SUBCASE(("gru reset_after " + u).c_str()) {
      compare({{layer_kind::gru, activation::tanh, units, true},
               {layer_kind::dense, activation::linear, 1}},
              3, 1, steps, batch);
    }
    SUBCASE(("gru reset_before " + u).c_str()) {
      compare({{layer_kind::gru, activation::tanh, units, false},
               {layer_kind::dense, activation::linear, 1}},
              3, 1, steps, batch);
    }
    SUBCASE(("stack " + u).c_str()) {
      compare({{layer_kind::lstm, activation::tanh, units},
               {layer_kind::dense, activation::sigmoid, 5},
               {layer_kind::gru, activation::tanh, units, false},
               {layer_kind::dense, activation::tanh, 3}},
              2, 3, steps, batch);
    }
  }
}
