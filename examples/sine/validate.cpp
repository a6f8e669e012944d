// The sine demo's last leg: runs a model file written by `edgernn train --data sine` through
// the inference core (DynamicModel, one step at a time, state reset per window) on the
// validation windows, and reports their error, the agreement with the trainer's own forward
// pass, and the latency per step.
//
//   edgernn_sine_validate MODEL.ern [SEED]     (SEED: the --seed of training, default 1)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "io/files.hpp"
#include "io/model_file.hpp"
#include "train/data.hpp"
#include "train/trainer.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s MODEL.ern [SEED]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const unsigned long seed = argc == 3 ? std::strtoul(argv[2], nullptr, 10) : 1;
  try {
    const std::vector<unsigned char> file = edgernn::io::read_file(path);
    edgernn::DynamicModel core;
    edgernn::format::load_error err{};
    const edgernn::status s = core.load(file.data(), file.size(), &err);
    if (s != edgernn::status::ok) {
      std::fprintf(stderr, "error: %s\n", edgernn::io::describe(s, err, path).c_str());
      return 1;
    }
    const edgernn::train::problem p = edgernn::train::sine_problem(seed);
    const edgernn::train::dataset& val = p.val;
    if (core.in_size() != 1 || core.out_size() != 1) {
      std::fprintf(stderr, "error: %s: expected 1 input and 1 output (a sine model)\n",
                   path.c_str());
      return 1;
    }

    // The core, window by window.
    std::vector<float> pred(val.size());
    for (std::size_t w = 0; w < val.size(); ++w) {
      core.reset();
      float y = 0;
      for (std::size_t t = 0; t < val.steps; ++t)
        core.step(&val.x[w * val.steps + t], &y);
      pred[w] = y;
    }
    double se = 0;
    for (std::size_t w = 0; w < val.size(); ++w)
      se += (double(pred[w]) - val.y[w]) * (double(pred[w]) - val.y[w]);
    const double mse = se / double(val.size());

    // The trainer's forward pass on the same weights.
    const edgernn::train::network<float> net(
        edgernn::io::decode_model(file.data(), file.size(), path));
    const std::vector<float> ours = edgernn::train::predict(net, val);
    double diff = 0;
    for (std::size_t w = 0; w < val.size(); ++w)
      diff = std::max(diff, std::fabs(double(ours[w]) - pred[w]));

    // Latency: every validation window step by step, best of several passes (the first warms
    // the caches), reported per step.
    const std::size_t steps = val.size() * val.steps;
    std::vector<double> per_step;
    volatile float sink = 0;  // keeps the timed loop from being optimised away
    for (int rep = 0; rep < 7; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      for (std::size_t w = 0; w < val.size(); ++w) {
        core.reset();
        float y = 0;
        for (std::size_t t = 0; t < val.steps; ++t)
          core.step(&val.x[w * val.steps + t], &y);
        sink = sink + y;
      }
      per_step.push_back(
          std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
          double(steps));
    }
    std::sort(per_step.begin() + 1, per_step.end());
    const double median = per_step[1 + (per_step.size() - 1) / 2];

    // The kernels each layer runs (their width depends on its size: simd::narrow_by_default).
    std::string kernels;
    for (std::size_t i = 0; i < core.layer_count(); ++i) {
      const std::string k = core.layer_kernels(i);
      if (kernels.find(k) == std::string::npos) kernels += (kernels.empty() ? "" : " and ") + k;
    }
    std::printf("inference core: %s, %zu layers, %zu bytes, %s kernels\n", path.c_str(),
                core.layer_count(), core.bytes(), kernels.c_str());
    std::printf("validation (%zu windows of %zu steps, seed %lu), step by step from zero state:\n",
                val.size(), val.steps, seed);
    std::printf("  MSE %.4g, RMSE %.4g   (persistence forecast: MSE %.4g)\n", mse, std::sqrt(mse),
                edgernn::train::persistence_mse(val, p.norm));
    std::printf("  largest difference from the trainer's forward pass: %.3g\n", diff);
    std::printf("latency: %.0f ns per step (median of 6 passes over %zu steps)\n", median, steps);
    return diff <= 1e-5 ? 0 : 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
