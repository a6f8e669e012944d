// The built-in demo: a SimpleRNN(17, tanh) + Dense(1) model trained in PyTorch to continue a
// sine wave (tests/data/golden/srnn_tanh_h17_i1_sine), run by the static Model one step at a
// time. Prints its outputs next to PyTorch's float64 ones, then the measured latency per step.
//
//   builtin_demo <dir with model.json, input.csv, expected.csv>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "edgernn/edgernn.hpp"
#include "io/keras_json.hpp"

namespace {

using Sine =
    edgernn::Model<edgernn::SimpleRnn<1, 17, edgernn::activation::tanh>, edgernn::Dense<17, 1>>;

std::vector<double> column(const std::string& path) {
  std::ifstream f(path);
  std::vector<double> v;
  std::string line;
  while (std::getline(f, line))
    if (!line.empty()) v.push_back(std::stod(line));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <model dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  edgernn::io::model_desc d;
  try {
    d = edgernn::io::read_keras_json(dir + "/model.json");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  static Sine model;
  const auto& rnn = d.layers.at(0);
  const auto& head = d.layers.at(1);
  if (model.layer<0>().set_weights({rnn.kernel.data(), rnn.kernel.size()},
                                   {rnn.recurrent.data(), rnn.recurrent.size()},
                                   {rnn.bias.data(), rnn.bias.size()}) != edgernn::status::ok ||
      model.layer<1>().set_weights({head.kernel.data(), head.kernel.size()},
                                   {head.bias.data(), head.bias.size()}) != edgernn::status::ok) {
    std::fprintf(stderr, "error: %s/model.json is not SimpleRNN(17, tanh) + Dense(1)\n",
                 dir.c_str());
    return 1;
  }
  const auto input = column(dir + "/input.csv");
  const auto expected = column(dir + "/expected.csv");
  if (input.empty() || input.size() != expected.size()) {
    std::fprintf(stderr, "error: %s: input.csv and expected.csv must have the same rows\n",
                 dir.c_str());
    return 1;
  }

  // The kernels the recurrent layer runs: their width depends on its size (17 units: the
  // 256-bit ones of an AVX-512 build, see simd::narrow_by_default).
  std::printf("SimpleRNN(17, tanh) + Dense(1), %s kernels, %zu weight bytes\n\n",
              edgernn::simd::ops<Sine::layer_type<0>::arch>::name(), Sine::weight_bytes);
  std::printf("  step     input    edgernn    PyTorch   |diff|\n");
  double worst = 0;
  bool within = true;  // the project's tolerance against float64: 1e-5 + 1e-4·|e|
  for (std::size_t t = 0; t < input.size(); ++t) {
    const float x = static_cast<float>(input[t]);
    float y = 0;
    model.step(&x, &y);
    const double diff = std::fabs(y - expected[t]);
    worst = std::max(worst, diff);
    within = within && diff <= 1e-5 + 1e-4 * std::fabs(expected[t]);
    if (t < 5 || t % 25 == 0 || t + 1 == input.size()) {
      std::printf("  %4zu  %8.5f  %9.6f  %9.6f  %.1e\n", t, input[t], static_cast<double>(y),
                  expected[t], diff);
    }
  }
  std::printf("\nmax |edgernn - PyTorch| over %zu steps: %.2e\n", input.size(), worst);

  // Latency: the same model stepping over the same sine, median of 7 runs of 200k steps.
  std::vector<double> ns;
  float sink = 0;
  for (int rep = 0; rep < 7; ++rep) {
    model.reset();
    const std::size_t n = 200000;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t t = 0; t < n; ++t) {
      const float x = static_cast<float>(input[t % input.size()]);
      float y;
      model.step(&x, &y);
      sink += y;
    }
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / n);
  }
  std::sort(ns.begin(), ns.end());
  std::printf("latency: %.1f ns per step (median of 7 x 200000 steps; min %.1f, max %.1f)%s\n",
              ns[3], ns[0], ns[6], sink == 12345.0f ? " " : "");
  return within ? 0 : 1;
}
