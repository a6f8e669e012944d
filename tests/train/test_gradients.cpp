// Finite-difference checks of every layer's backward pass (float64), of stacks, of the dense
// tail and of truncated backpropagation through time.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"

using namespace edgernn;
using test::layer_spec_t;

namespace {

struct gradcheck_case {
  const char* name;
  std::size_t in, out;
  std::vector<layer_spec_t> layers;
};

// Central differences with step h = 1e-6 in float64: truncation error O(h²) ≈ 1e-12 and
// rounding error ≈ 1e-16 / h ≈ 1e-10 relative to the loss (O(1)). A correct backward agrees to
// well under 1e-7; a wrong term in any gate is off by O(|gradient|). Tolerance:
// |numeric − analytic| <= 1e-7 + 1e-6·|analytic|.
// Where each Keras-layout weight (layer, array, index) lives in network::params(): load a
// description whose entries are their own serial numbers and read the padded array back.
std::vector<std::size_t> param_positions(const io::model_desc& m) {
  io::model_desc ids = m;
  float next = 1;
  for (auto& l : ids.layers)
    for (auto* arr : {&l.kernel, &l.recurrent, &l.bias})
      for (float& v : *arr)
        v = next++;
  train::network<double> net(ids);
  std::vector<std::size_t> pos(static_cast<std::size_t>(next) - 1, 0);
  for (std::size_t i = 0; i < net.params_size(); ++i)
    if (net.params()[i] != 0) pos[static_cast<std::size_t>(net.params()[i]) - 1] = i;
  return pos;
}

// Central differences with step h = 1e-6 in float64: truncation error O(h²) ≈ 1e-12 and
// rounding error ≈ 1e-16 / h ≈ 1e-10 relative to the loss (O(1)). A correct backward agrees to
// well under 1e-7; a wrong term in any gate is off by O(|gradient|). Tolerance:
// |numeric − analytic| <= 1e-7 + 1e-6·|analytic|.
void check_gradients(const gradcheck_case& c, std::size_t steps, std::size_t batch,
                     std::uint64_t seed) {
  test::rng r(seed);
  train::network<double> net(c.in, test::chain(c.in, c.layers));
  io::model_desc m = net.describe();
  test::randomize_weights(m, r, 0.6f);
  net.load(m);
  const test::batch_data d = test::random_batch(steps, batch, c.in, c.out, r);
  io::model_desc grad;
  test::loss_of(net, d, &grad);
  const std::vector<std::size_t> pos = param_positions(m);

  std::size_t id = 0, nonzero = 0;
  double worst = 0;
  const double h = 1e-6;
  train::network<double> probe(m);
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const io::layer_desc& gl = grad.layers[l];
    const char* names[] = {"kernel", "recurrent", "bias"};
    const std::vector<float>* arrays[] = {&gl.kernel, &gl.recurrent, &gl.bias};
    for (std::size_t a = 0; a < 3; ++a) {
      for (std::size_t k = 0; k < arrays[a]->size(); ++k, ++id) {
        double& p = probe.params()[pos[id]];
        const double saved = p;
        p = saved + h;
        probe.refresh();
        const double up = test::loss_of(probe, d);
        p = saved - h;
        probe.refresh();
        const double down = test::loss_of(probe, d);
        p = saved;
        const double numeric = (up - down) / (2 * h);
        const double analytic = (*arrays[a])[k];
        const double err = std::fabs(numeric - analytic);
        const double tol = 1e-7 + 1e-6 * std::fabs(analytic);
        worst = std::max(worst, err / tol);
        if (std::fabs(numeric) > 1e-6) ++nonzero;
        INFO(c.name << ": layer " << l << " " << names[a] << "[" << k << "]: numeric " << numeric
                    << ", analytic " << analytic);
        CHECK(err <= tol);
      }
    }
  }
  probe.refresh();
  // The check means something only if most gradients are not trivially zero.
  CHECK(nonzero * 4 >= id * 3);
  MESSAGE(std::string(c.name) << ": " << id << " parameters, worst error/tolerance " << worst);
}

}  // namespace

TEST_CASE("gradients of every layer type match finite differences") {
  const std::vector<gradcheck_case> cases = {
      {"dense linear", 3, 2, {{layer_kind::dense, activation::linear, 2}}},
      {"dense relu", 3, 4, {{layer_kind::dense, activation::relu, 4}}},
      {"dense tanh", 3, 2, {{layer_kind::dense, activation::tanh, 2}}},
      {"dense sigmoid", 3, 2, {{layer_kind::dense, activation::sigmoid, 2}}},
      {"simple_rnn tanh",
       2,
       1,
       {{layer_kind::simple_rnn, activation::tanh, 5}, {layer_kind::dense, activation::linear, 1}}},
      {"simple_rnn relu",
       2,
       1,
       {{layer_kind::simple_rnn, activation::relu, 5}, {layer_kind::dense, activation::linear, 1}}},
      {"lstm",
       2,
       1,
       {{layer_kind::lstm, activation::tanh, 4}, {layer_kind::dense, activation::linear, 1}}},
      {"gru reset_after",
       2,
       1,
       {{layer_kind::gru, activation::tanh, 4, true}, {layer_kind::dense, activation::linear, 1}}},
      {"gru reset_before",
       2,
       1,
       {{layer_kind::gru, activation::tanh, 4, false}, {layer_kind::dense, activation::linear, 1}}},
      {"lstm alone (recurrent top layer)", 2, 3, {{layer_kind::lstm, activation::tanh, 3}}},
  };
  for (const auto& c : cases) {
    SUBCASE(c.name) {
      check_gradients(c, 6, 3, 11);
    }
  }
}

TEST_CASE("gradients of stacked models match finite differences") {
  const std::vector<gradcheck_case> cases = {
      {"lstm > gru(reset_before) > dense tanh > dense",
       3,
       2,
       {{layer_kind::lstm, activation::tanh, 4},
        {layer_kind::gru, activation::tanh, 3, false},
        {layer_kind::dense, activation::tanh, 3},
        {layer_kind::dense, activation::linear, 2}}},
      {"simple_rnn > dense relu (every step) > gru > dense",
       2,
       1,
       {{layer_kind::simple_rnn, activation::tanh, 4},
        {layer_kind::dense, activation::relu, 3},
        {layer_kind::gru, activation::tanh, 3, true},
        {layer_kind::dense, activation::linear, 1}}},
      {"gru > lstm > simple_rnn relu > dense sigmoid",
       2,
       2,
       {{layer_kind::gru, activation::tanh, 3, true},
        {layer_kind::lstm, activation::tanh, 3},
        {layer_kind::simple_rnn, activation::relu, 4},
        {layer_kind::dense, activation::sigmoid, 2}}},
      {"dense only (last step)",
       2,
       1,
       {{layer_kind::dense, activation::tanh, 3}, {layer_kind::dense, activation::linear, 1}}},
  };
  for (const auto& c : cases) {
    SUBCASE(c.name) {
      check_gradients(c, 5, 3, 23);
    }
  }
}

// With every bias zero, a window whose first steps are zero keeps every layer's state at
// exactly zero through them (tanh(0) = relu(0) = 0; LSTM c = 0.5·0 + 0.5·tanh(0) = 0; GRU
// n = 0). Backpropagation truncated to the last k steps then gives exactly the full gradient
// of the last k steps alone, while the untruncated gradient differs (the bias gradients
// collect the earlier steps).
TEST_CASE("truncated backpropagation through time cuts exactly k steps") {
  const std::vector<gradcheck_case> cases = {
      {"simple_rnn tanh",
       2,
       1,
       {{layer_kind::simple_rnn, activation::tanh, 4}, {layer_kind::dense, activation::linear, 1}}},
      {"lstm",
       2,
       1,
       {{layer_kind::lstm, activation::tanh, 4}, {layer_kind::dense, activation::linear, 1}}},
      {"gru reset_after",
       2,
       1,
       {{layer_kind::gru, activation::tanh, 3, true}, {layer_kind::dense, activation::linear, 1}}},
      {"gru reset_before",
       2,
       1,
       {{layer_kind::gru, activation::tanh, 3, false}, {layer_kind::dense, activation::linear, 1}}},
      {"stack lstm > simple_rnn",
       2,
       1,
       {{layer_kind::lstm, activation::tanh, 3},
        {layer_kind::simple_rnn, activation::tanh, 3},
        {layer_kind::dense, activation::linear, 1}}},
  };
  const std::size_t steps = 8, k = 3, batch = 2;
  for (const auto& c : cases) {
    SUBCASE(c.name) {
      test::rng r(5);
      train::network<double> net(c.in, test::chain(c.in, c.layers));
      io::model_desc m = net.describe();
      test::randomize_weights(m, r, 0.6f, true);
      net.load(m);
      test::batch_data full = test::random_batch(steps, batch, c.in, c.out, r);
      for (std::size_t i = 0; i < (steps - k) * batch * c.in; ++i)
        full.x[i] = 0;
      test::batch_data tail = full;
      tail.steps = k;
      tail.x.assign(full.x.begin() + static_cast<std::ptrdiff_t>((steps - k) * batch * c.in),
                    full.x.end());

      io::model_desc g_trunc, g_tail, g_full, g_long;
      const double l1 = test::loss_of(net, full, &g_trunc, k);
      const double l2 = test::loss_of(net, tail, &g_tail);
      test::loss_of(net, full, &g_full);
      test::loss_of(net, full, &g_long, steps);  // truncation longer than the window: none
      CHECK(l1 == doctest::Approx(l2).epsilon(1e-12));
      double trunc_vs_tail = 0, full_vs_tail = 0, long_vs_full = 0;
      for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const auto cmp = [&](const io::layer_desc& a, const io::layer_desc& b) {
          double d = 0;
          for (std::size_t i = 0; i < a.kernel.size(); ++i)
            d = std::max(d, double(std::fabs(a.kernel[i] - b.kernel[i])));
          for (std::size_t i = 0; i < a.recurrent.size(); ++i)
            d = std::max(d, double(std::fabs(a.recurrent[i] - b.recurrent[i])));
          for (std::size_t i = 0; i < a.bias.size(); ++i)
            d = std::max(d, double(std::fabs(a.bias[i] - b.bias[i])));
          return d;
        };
        trunc_vs_tail = std::max(trunc_vs_tail, cmp(g_trunc.layers[l], g_tail.layers[l]));
        full_vs_tail = std::max(full_vs_tail, cmp(g_full.layers[l], g_tail.layers[l]));
        long_vs_full = std::max(long_vs_full, cmp(g_long.layers[l], g_full.layers[l]));
      }
      // Gradients are stored as float in the description: equal to float rounding (1e-7
      // relative, gradients here are < 1), different by far more than that.
      CHECK(trunc_vs_tail <= 1e-6);
      CHECK(long_vs_full == 0);
      CHECK(full_vs_tail > 1e-3);
    }
  }
}
