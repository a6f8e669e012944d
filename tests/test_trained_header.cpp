// The trainer's output reaches firmware unchanged: a model trained by `edgernn train` (at
// build time), exported by `edgernn export-header`, runs in the static Model (load()) and in
// ConstModel (weights packed at compile time) and reproduces the trainer's own forward pass
// on the sine validation windows within 1e-5.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "exported/trained_sine.hpp"
#include "io/model_file.hpp"
#include "train/data.hpp"
#include "train/network.hpp"
#include "train/trainer.hpp"

TEST_CASE("a trained model through export-header matches the trainer's forward pass") {
  const edgernn::io::model_desc m =
      edgernn::io::read_model_file(std::string(EDGERNN_EXPORTED_DIR) + "/trained_sine.ern");
  REQUIRE_FALSE(m.norm.has_input());  // the sine task trains on raw values
  const edgernn::train::network<float> net(m);
  const edgernn::train::dataset val = edgernn::train::sine_problem(7).val;
  const std::vector<float> ours = edgernn::train::predict(net, val);
  REQUIRE(ours.size() == val.size());

  static trained_sine::model ram;
  REQUIRE(trained_sine::load(ram) == edgernn::status::ok);
  static trained_sine::const_model flash = trained_sine::make_const_model();
  double worst = 0, scale = 0;
  for (std::size_t w = 0; w < val.size(); ++w) {
    ram.reset();
    flash.reset();
    float a = 0, b = 0;
    for (std::size_t t = 0; t < val.steps; ++t) {
      const float* x = val.x.data() + w * val.steps;
      ram.step(x + t, &a);
      flash.step(x + t, &b);
    }
    REQUIRE(std::memcmp(&a, &b, sizeof a) == 0);
    worst = std::max(worst, static_cast<double>(std::fabs(a - ours[w])));
    scale = std::max(scale, static_cast<double>(std::fabs(ours[w])));
  }
  MESSAGE("max |header model - trainer| = " << worst << " over " << val.size() << " windows");
  // Same float32 weights and activation approximations; only summation order differs.
  CHECK(worst <= 1e-5);
  CHECK(scale > 0.1);  // the outputs are a real sine, not zeros
}
