// PyTorch-computed golden cases (tests/data/golden, see its README): every output of every case
// within |a − e| ≤ 1e-5 + 1e-4·|e|, the project's tolerance against float64.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "io/keras_json.hpp"
#include "support/csv.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using edgernn::test::tolerance;

const std::string golden_dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/";

template <class M>
void check_case(const std::string& name) {
  const std::string dir = golden_dir + name + "/";
  const io::model_desc d = io::read_keras_json(dir + "model.json");
  const auto input = test::read_csv(dir + "input.csv");
  const auto expected = test::read_csv(dir + "expected.csv");
  REQUIRE(input.size() == expected.size());

  static M model;
  model.reset();
  REQUIRE(test::set_model(model, d) == status::ok);
  test::reference_model ref(d);

  const tolerance project{1e-5, 1e-4};
  // The reference computes in double from the same float32 weights as PyTorch's float64 run:
  // only summation order separates them.
  const tolerance oracle{1e-12, 1e-9};
  double worst = 0, worst_ref = 0;
  std::vector<float> x(M::in_size), y(M::out_size);
  for (std::size_t t = 0; t < input.size(); ++t) {
    REQUIRE(input[t].size() == M::in_size);
    REQUIRE(expected[t].size() == M::out_size);
    for (std::size_t i = 0; i < M::in_size; ++i)
      x[i] = static_cast<float>(input[t][i]);
    model.step(x.data(), y.data());
    const auto& r = ref.step(x.data());
    for (std::size_t j = 0; j < M::out_size; ++j) {
      const double e = expected[t][j];
      worst = std::max(worst, std::fabs(y[j] - e));
      worst_ref = std::max(worst_ref, std::fabs(r[j] - e));
      if (!project.ok(y[j], e)) {
        FAIL_CHECK(name << " step " << t << " output " << j << ": got " << y[j] << ", expected "
                        << e);
        return;
      }
      if (!oracle.ok(r[j], e)) {
        FAIL_CHECK(name << " reference step " << t << " output " << j << ": got " << r[j]
                        << ", expected " << e);
        return;
      }
    }
  }
  MESSAGE(name << ": " << input.size() << " steps, max |error| " << worst
               << " (reference: " << worst_ref << ")");
}

using act = activation;

}  // namespace

TEST_CASE("golden: srnn_tanh_h17_i1_sine") {
  check_case<Model<SimpleRnn<1, 17, act::tanh>, Dense<17, 1>>>("srnn_tanh_h17_i1_sine");
}
TEST_CASE("golden: srnn_relu_h8_i1") {
  check_case<Model<SimpleRnn<1, 8, act::relu>, Dense<8, 1>>>("srnn_relu_h8_i1");
}
TEST_CASE("golden: lstm_h3_i3") {
  check_case<Model<Lstm<3, 3>, Dense<3, 1>>>("lstm_h3_i3");
}
TEST_CASE("golden: lstm_h32_i1_d2") {
  check_case<Model<Lstm<1, 32>, Dense<32, 2>>>("lstm_h32_i1_d2");
}
TEST_CASE("golden: lstm_h64_i1_t5000") {
  check_case<Model<Lstm<1, 64>, Dense<64, 1>>>("lstm_h64_i1_t5000");
}
TEST_CASE("golden: gru_h8_i8") {
  check_case<Model<Gru<8, 8>, Dense<8, 1>>>("gru_h8_i8");
}
TEST_CASE("golden: gru_h17_i1") {
  check_case<Model<Gru<1, 17>, Dense<17, 1>>>("gru_h17_i1");
}
TEST_CASE("golden: stack_lstm16_gru8_d1") {
  check_case<Model<Lstm<1, 16>, Gru<16, 8>, Dense<8, 1>>>("stack_lstm16_gru8_d1");
}
