// Parity: a model trained here, exported, runs in the inference core (DynamicModel, from the
// exported Keras-layout weights) and reproduces the trainer's own forward pass on the
// validation windows within 1e-5.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "edgernn/dynamic_model.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "train/trainer.hpp"

using namespace edgernn;
using test::layer_spec_t;

namespace {

// Runs every window of d through `m` in DynamicModel, one step at a time from a reset state;
// returns the output after each window's last step.
std::vector<float> run_core(const io::model_desc& m, const train::dataset& d) {
  std::vector<layer_spec> specs;
  for (const auto& l : m.layers)
    specs.push_back({l.kind, l.act, l.reset_after, l.in, l.units});
  DynamicModel core;
  REQUIRE(core.init(specs.data(), specs.size()) == status::ok);
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const io::layer_desc& l = m.layers[i];
    REQUIRE(core.set_weights(i, {l.kernel.data(), l.kernel.size()},
                             {l.recurrent.data(), l.recurrent.size()},
                             {l.bias.data(), l.bias.size()}) == status::ok);
  }
  std::vector<float> out(d.size() * m.out()), y(m.out());
  for (std::size_t w = 0; w < d.size(); ++w) {
    core.reset();
    for (std::size_t t = 0; t < d.steps; ++t)
      core.step(d.x.data() + (w * d.steps + t) * d.features, y.data());
    for (std::size_t j = 0; j < m.out(); ++j)
      out[w * m.out() + j] = y[j];
  }
  return out;
}

// The same windows through DynamicModel::load from model-file bytes (scaling applied by the
// core: `x` and the result are in raw units when the file carries a normalization).
std::vector<float> run_file(const std::vector<unsigned char>& file, const std::vector<float>& x,
                            std::size_t windows, std::size_t steps) {
  DynamicModel core;
  REQUIRE(core.load(file.data(), file.size()) == status::ok);
  const std::size_t in = core.in_size(), out = core.out_size();
  std::vector<float> res(windows * out), y(out);
  for (std::size_t w = 0; w < windows; ++w) {
    core.reset();
    for (std::size_t t = 0; t < steps; ++t)
      core.step(x.data() + (w * steps + t) * in, y.data());
    for (std::size_t j = 0; j < out; ++j)
      res[w * out + j] = y[j];
  }
  return res;
}

// Windows of a smooth multi-channel signal: channel k is sin(a·k + 0.3·i + phase), targets
// the next value of the first `outs` channels.
train::dataset waves(std::size_t n, std::size_t steps, std::size_t features, std::size_t outs,
                     std::uint64_t seed) {
  test::rng r(seed);
  train::dataset d;
  d.steps = steps;
  d.features = features;
  d.outputs = outs;
  for (std::size_t w = 0; w < n; ++w) {
    const double phase = r.uniform(0.0f, 6.28f);
    for (std::size_t i = 0; i <= steps; ++i)
      for (std::size_t k = 0; k < features; ++k) {
        const float v = static_cast<float>(std::sin(0.7 * double(k) + 0.3 * double(i) + phase));
        if (i < steps) d.x.push_back(v);
        if (i == steps && k < outs) {
          d.y.push_back(v);
          d.last.push_back(d.x[(w * steps + steps - 1) * features + k]);
        }
      }
  }
  return d;
}

void check_parity(const std::vector<layer_spec_t>& layers, std::size_t features, std::size_t outs) {
  const train::dataset train_set = waves(96, 12, features, outs, 1);
  const train::dataset val = waves(40, 12, features, outs, 2);
  train::network<float> net(features, test::chain(features, layers));
  net.init(3);
  train::fit_options o;
  o.epochs = 4;
  o.batch = 16;
  o.adam.lr = 5e-3;
  train::fit(net, train_set, val, o);

  // Export through the Keras JSON text (what a file carries) and run it in the core.
  const io::model_desc exported =
      io::parse_keras_json(io::to_keras_json(net.describe()), "exported");
  const std::vector<float> ours = train::predict(net, val);
  const std::vector<float> core = run_core(exported, val);
  const std::vector<float> file =
      run_file(io::encode_model(net.describe()), val.x, val.size(), val.steps);
  REQUIRE(ours.size() == core.size());
  REQUIRE(ours.size() == file.size());
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    worst = std::max(worst, double(std::fabs(ours[i] - core[i])));
    worst = std::max(worst, double(std::fabs(ours[i] - file[i])));
    scale = std::max(scale, double(std::fabs(ours[i])));
  }
  MESSAGE("max |trainer - core| = " << worst << " (outputs up to " << scale << ")");
  // Same float32 weights and activation approximations on both sides; only the order of the
  // float sums differs (a few 1e-7 per step): 1e-5 absolute is the bound.
  CHECK(worst <= 1e-5);
  CHECK(scale > 0.05);  // outputs are not trivially zero
}

}  // namespace

TEST_CASE("trained models run identically in the inference core (DynamicModel)") {
  SUBCASE("simple_rnn relu + dense") {
    check_parity({{layer_kind::simple_rnn, activation::relu, 20},
                  {layer_kind::dense, activation::linear, 1}},
                 1, 1);
  }
  SUBCASE("simple_rnn tanh + dense") {
    check_parity({{layer_kind::simple_rnn, activation::tanh, 17},
                  {layer_kind::dense, activation::linear, 2}},
                 3, 2);
  }
  SUBCASE("lstm + dense") {
    check_parity(
        {{layer_kind::lstm, activation::tanh, 24}, {layer_kind::dense, activation::linear, 1}}, 2,
        1);
  }
  SUBCASE("gru reset_after + dense") {
    check_parity(
        {{layer_kind::gru, activation::tanh, 16, true}, {layer_kind::dense, activation::linear, 1}},
        1, 1);
  }
  SUBCASE("gru reset_before + dense") {
    check_parity(
        {{layer_kind::gru, activation::tanh, 9, false}, {layer_kind::dense, activation::linear, 1}},
        2, 1);
  }
  SUBCASE("stack: lstm > gru > dense relu > dense") {
    check_parity({{layer_kind::lstm, activation::tanh, 12},
                  {layer_kind::gru, activation::tanh, 8, true},
                  {layer_kind::dense, activation::relu, 6},
                  {layer_kind::dense, activation::linear, 2}},
                 3, 2);
  }
  SUBCASE("stack with a dense layer between recurrent ones") {
    check_parity({{layer_kind::simple_rnn, activation::tanh, 10},
                  {layer_kind::dense, activation::sigmoid, 7},
                  {layer_kind::lstm, activation::tanh, 5},
                  {layer_kind::dense, activation::linear, 1}},
                 2, 1);
  }
}

// CSV training stores its scaling in the model: the loaded file takes raw values and returns
// raw values, matching the trainer's prediction mapped back to raw units.
TEST_CASE("a model trained on scaled CSV data runs on raw units from its model file") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("edgernn_parity_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path csv = dir / "series.csv";
  const auto raw = [](std::size_t row, std::size_t col) {  // the file's values, as floats
    const double v = col == 0 ? 1000 + 40 * std::sin(0.15 * double(row)) + 0.5 * double(row)
                              : 3 + std::cos(0.11 * double(row));
    return static_cast<float>(v);
  };
  {
    std::ofstream f(csv);
    f << "t,price,rate\n";
    char line[96];
    for (std::size_t r = 0; r < 400; ++r) {
      std::snprintf(line, sizeof line, "%zu,%.9g,%.9g\n", r, double(raw(r, 0)), double(raw(r, 1)));
      f << line;
    }
  }
  for (train::scaling sc : {train::scaling::zscore, train::scaling::minmax}) {
    train::csv_options o;
    o.path = csv.string();
    o.columns = {"price", "rate"};
    o.target = "price";
    o.window = 16;
    o.scale = sc;
    const train::problem p = train::csv_problem(o);
    train::network<float> net(2, test::chain(2, {{layer_kind::gru, activation::tanh, 12, true},
                                                 {layer_kind::dense, activation::linear, 1}}));
    net.init(1);
    train::fit_options fo;
    fo.epochs = 3;
    fo.batch = 16;
    train::fit(net, p.train, p.val, fo);
    io::model_desc m = net.describe();
    m.norm = p.norm;

    // Raw windows of the test part: samples start after the train and validation ones.
    const std::size_t first = p.train.size() + p.val.size(), n = p.test.size();
    std::vector<float> x;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t t = 0; t < o.window; ++t)
        for (std::size_t c = 0; c < 2; ++c)
          x.push_back(raw(first + s + t, c));
    const std::vector<float> core = run_file(io::encode_model(m), x, n, o.window);
    const std::vector<float> ours = train::predict(net, p.test);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i)
      worst = std::max(worst, std::fabs(double(core[i]) - train::to_raw(p.norm, 0, ours[i])));
    // 1e-5 in network units, times the output scale (raw units per network unit), plus the
    // float rounding of raw values near 1000 (6e-5).
    const double tol = 1e-5 * std::fabs(p.norm.out_scale[0]) + 1e-4;
    MESSAGE("raw units: max |trainer - core| = " << worst << " (tolerance " << tol << ")");
    CHECK(worst <= tol);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
