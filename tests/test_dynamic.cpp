// DynamicModel: validation at init, the caller-buffer mode, and agreement with Model<...>.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;

using stack =
    Model<Lstm<3, 20>, Gru<20, 9, false>, SimpleRnn<9, 5, act::relu>, Dense<5, 2, act::sigmoid>>;
const layer_spec stack_specs[] = {{layer_kind::lstm, act::tanh, true, 3, 20},
                                  {layer_kind::gru, act::tanh, false, 20, 9},
                                  {layer_kind::simple_rnn, act::relu, true, 9, 5},
                                  {layer_kind::dense, act::sigmoid, true, 5, 2}};

// `edgernn info` reports a static Model's bytes from its layer list (model_footprint).
template <class M>
void check_footprint(std::initializer_list<layer_spec> specs) {
  const auto f = DynamicModel::model_footprint(specs.begin(), specs.size());
  CHECK(f.weight_bytes == M::weight_bytes);
  CHECK(f.state_bytes == M::state_bytes);
}

}  // namespace

TEST_CASE("model_footprint gives the static Model's weight and state bytes") {
  using L = layer_kind;
  check_footprint<stack>({stack_specs[0], stack_specs[1], stack_specs[2], stack_specs[3]});
  // run() in chunks: layers of full steps (no projection buffer), then projecting ones (16
  // inputs; weights over detail::run_step_max_bytes).
  check_footprint<Model<Lstm<1, 32>, Dense<32, 2>>>(
      {{L::lstm, act::tanh, true, 1, 32}, {L::dense, act::linear, true, 32, 2}});
  check_footprint<Model<Lstm<16, 32>, Dense<32, 1>>>(
      {{L::lstm, act::tanh, true, 16, 32}, {L::dense, act::linear, true, 32, 1}});
  check_footprint<Model<Lstm<1, 100>, Dense<100, 1>>>(
      {{L::lstm, act::tanh, true, 1, 100}, {L::dense, act::linear, true, 100, 1}});
  check_footprint<Model<SimpleRnn<1, 50, act::relu>, Dense<50, 1>>>(
      {{L::simple_rnn, act::relu, true, 1, 50}, {L::dense, act::linear, true, 50, 1}});
  // No chunks (fewer than 16 units), and the 512-bit kernels of a 12-unit GRU with 8 inputs.
  check_footprint<Model<Gru<8, 12, true>, Dense<12, 1>>>(
      {{L::gru, act::tanh, true, 8, 12}, {L::dense, act::linear, true, 12, 1}});
  // Binary16 weights and the fast activations.
  check_footprint<Model<Lstm<8, 24, f16>, Gru<24, 16, true, f16>, Dense<16, 1, act::linear, f16>>>(
      {{L::lstm, act::tanh, true, 8, 24, true},
       {L::gru, act::tanh, true, 24, 16, true},
       {L::dense, act::linear, true, 16, 1, true}});
  check_footprint<Model<Gru<4, 40, false, fast_activations>, Dense<40, 3, act::tanh>>>(
      {{L::gru, act::tanh, false, 4, 40, false, true}, {L::dense, act::tanh, true, 40, 3}});
  const layer_spec bad[] = {{L::lstm, act::relu, true, 1, 8}};
  CHECK(DynamicModel::model_footprint(bad, 1).weight_bytes == 0);
}

TEST_CASE("DynamicModel matches the static Model on a stack") {
  const auto d = test::random_model_for<stack>(5);
  auto fixed = std::make_unique<stack>();
  REQUIRE(test::set_model(*fixed, d) == status::ok);
  DynamicModel dyn;
  REQUIRE(dyn.init(stack_specs, 4) == status::ok);
  REQUIRE(test::set_model_layers(dyn, d) == status::ok);
  CHECK(dyn.in_size() == 3);
  CHECK(dyn.out_size() == 2);
  test::rng r(9);
  const auto in = r.uniform(300 * 3, -1.0f, 1.0f);
  std::vector<float> a(300 * 2), b(300 * 2);
  fixed->run(in.data(), a.data(), 300);
  dyn.run(in.data(), b.data(), 300);
  // Same kernels, same packing: the outputs agree to float rounding (bit-exact on SIMD targets,
  // where every FMA is explicit; the scalar path lets the compiler contract a·b + c).
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(std::fabs(a[i] - b[i]) <= 1e-6f);
  }
  dyn.reset();
  dyn.run(in.data(), a.data(), 300);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("DynamicModel::step writes its Dense head's outputs, and only those, as run() does") {
  // step() lets a Dense head of a few outputs write the caller's buffer directly; run() goes
  // through the head's own buffer. Both must give the same floats, and step() may not write
  // past out_size().
  const auto d = test::random_model_for<stack>(7);
  DynamicModel dyn;
  REQUIRE(dyn.init(stack_specs, 4) == status::ok);
  REQUIRE(test::set_model_layers(dyn, d) == status::ok);
  auto fixed = std::make_unique<stack>();
  REQUIRE(test::set_model(*fixed, d) == status::ok);
  test::rng r(11);
  const auto in = r.uniform(50 * 3, -1.0f, 1.0f);
  std::vector<float> seq(50 * 2);
  dyn.run(in.data(), seq.data(), 50);
  dyn.reset();
  for (std::size_t t = 0; t < 50; ++t) {
    CAPTURE(t);
    float out[3] = {0.0f, 0.0f, -7.0f};
    float ref[2] = {};
    dyn.step(in.data() + 3 * t, out);
    fixed->step(in.data() + 3 * t, ref);
    CHECK(out[2] == -7.0f);
    CHECK(std::memcmp(out, seq.data() + 2 * t, 2 * sizeof(float)) == 0);
    CHECK(std::fabs(out[0] - ref[0]) <= 1e-6f);
    CHECK(std::fabs(out[1] - ref[1]) <= 1e-6f);
  }
}

namespace {

// A Dense head of one output with `In` inputs, through DynamicModel (whose head takes its
// register count at compile time up to four registers, and loops beyond) against the static
// Dense: the same dot product, bit for bit on SIMD targets.
template <std::size_t In>
void check_head() {
  using M = Model<Dense<In, 1, act::sigmoid>>;
  const auto d = test::random_model_for<M>(In);
  auto fixed = std::make_unique<M>();
  REQUIRE(test::set_model(*fixed, d) == status::ok);
  const layer_spec spec{layer_kind::dense, act::sigmoid, true, In, 1};
  DynamicModel dyn;
  REQUIRE(dyn.init(&spec, 1) == status::ok);
  REQUIRE(test::set_model_layers(dyn, d) == status::ok);
  test::rng r(In + 1);
  const auto in = r.uniform(20 * In, -1.0f, 1.0f);
  for (std::size_t t = 0; t < 20; ++t) {
    CAPTURE(In);
    CAPTURE(t);
    float a = 0.0f, b = 0.0f;
    fixed->step(in.data() + t * In, &a);
    dyn.step(in.data() + t * In, &b);
#if EDGERNN_HAS_XSIMD
    CHECK(std::memcmp(&a, &b, sizeof a) == 0);
#else
    CHECK(std::fabs(a - b) <= 1e-6f);
#endif
  }
}

}  // namespace

TEST_CASE("DynamicModel's Dense head of one output matches the static Dense, 1 to 13 registers") {
  // On AVX-512 (simd::narrow_by_default): 256-bit registers 1, 2, 3 with and without a partial
  // last one, 5 and 13 (the loop); 512-bit registers 2, 3, 4 with and without, and 7 (the loop).
  check_head<5>();
  check_head<16>();
  check_head<20>();
  check_head<24>();
  check_head<40>();
  check_head<100>();
  check_head<30>();
  check_head<32>();
  check_head<44>();
  check_head<48>();
  check_head<63>();
  check_head<64>();
  check_head<110>();
}

TEST_CASE("DynamicModel in a caller's buffer, at any alignment") {
  const std::size_t need = DynamicModel::required_bytes(stack_specs, 4);
  REQUIRE(need > 0);
  std::vector<unsigned char> buf(need + 3);
  DynamicModel m;
  CHECK(m.init(stack_specs, 4, buf.data() + 3, need - 1) == status::buffer_too_small);
  CHECK(m.init(stack_specs, 4, nullptr, need) == status::buffer_too_small);
  REQUIRE(m.init(stack_specs, 4, buf.data() + 3, need) == status::ok);
  CHECK(m.bytes() == need);
  REQUIRE(test::set_model_layers(m, test::random_model_for<stack>(6)) == status::ok);
  const float x[3] = {0.1f, 0.2f, 0.3f};
  float y[2];
  m.step(x, y);
  CHECK(y[0] > 0.0f);
  CHECK(y[0] < 1.0f);
}

TEST_CASE("DynamicModel rejects invalid layer lists with a specific status") {
  DynamicModel m;
  std::size_t bad = 99;
  CHECK(DynamicModel::validate(stack_specs, 0) == status::layer_count_mismatch);
  layer_spec s[4];
  std::memcpy(s, stack_specs, sizeof s);
  s[2].in = 8;  // does not chain from 9
  CHECK(DynamicModel::validate(s, 4, &bad) == status::layer_size_mismatch);
  CHECK(bad == 2);
  std::memcpy(s, stack_specs, sizeof s);
  s[1].units = 0;
  CHECK(DynamicModel::validate(s, 4, &bad) == status::size_overflow);
  CHECK(bad == 1);
  std::memcpy(s, stack_specs, sizeof s);
  s[0].units = DynamicModel::max_units + 1;
  s[1].in = s[0].units;
  CHECK(DynamicModel::validate(s, 4) == status::size_overflow);
  std::memcpy(s, stack_specs, sizeof s);
  s[2].act = act::sigmoid;  // not a SimpleRNN activation
  CHECK(DynamicModel::validate(s, 4, &bad) == status::unsupported_layer);
  CHECK(bad == 2);
  std::memcpy(s, stack_specs, sizeof s);
  s[0].act = act::relu;  // LSTM is tanh only
  CHECK(DynamicModel::validate(s, 4) == status::unsupported_layer);
  CHECK(DynamicModel::required_bytes(s, 4) == 0);
  CHECK(m.init(s, 4) == status::unsupported_layer);

  REQUIRE(m.init(stack_specs, 4) == status::ok);
  std::vector<float> k(3 * 80);
  CHECK(m.set_weights(0, {k.data(), k.size() - 1}, {}, {}) == status::size_mismatch);
  CHECK(m.set_weights(7, {}, {}, {}) == status::layer_count_mismatch);
}
