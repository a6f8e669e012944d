// Model<Layers...>: the API contract (run == step, reset, weight validation, buffer bounds,
// memory formula) and stacked models against the reference.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;

using stack_a = Model<Lstm<3, 20>, Gru<20, 9, true>, SimpleRnn<9, 5, act::relu>, Dense<5, 2>>;
using stack_b =
    Model<Gru<2, 33, false>, Dense<33, 17, act::tanh>, Lstm<17, 6>, Dense<6, 3, act::sigmoid>>;
// A wide Dense head: the dot-product kernel with several registers per row.
using stack_c = Model<SimpleRnn<1, 70, act::tanh>, Dense<70, 1>>;
using square = Model<Lstm<4, 8>, Dense<8, 4>>;  // in_size == out_size, for in-place steps

}  // namespace

TEST_CASE_TEMPLATE("stacked models match the reference over 1000 steps", M, stack_a, stack_b,
                   stack_c) {
  auto model = std::make_unique<M>();
  const io::model_desc d = test::random_model_for<M>(7);
  REQUIRE(test::set_model(*model, d) == status::ok);
  test::reference_model ref(d);
  test::rng r(42);
  std::vector<float> x(M::in_size), y(M::out_size);
  const test::tolerance tol{2e-6, 1e-5};
  double worst = 0;
  for (int t = 0; t < 1000; ++t) {
    for (float& v : x)
      v = r.uniform(-1.0f, 1.0f);
    model->step(x.data(), y.data());
    const auto& e = ref.step(x.data());
    for (std::size_t j = 0; j < M::out_size; ++j) {
      worst = std::max(worst, std::fabs(y[j] - e[j]));
      REQUIRE_MESSAGE(tol.ok(y[j], e[j]),
                      "step " << t << " output " << j << ": " << y[j] << " vs " << e[j]);
    }
  }
  MESSAGE("max |error| " << worst);
}

TEST_CASE("run() over a sequence equals step() in a loop, bit for bit") {
  auto a = std::make_unique<stack_a>();
  auto b = std::make_unique<stack_a>();
  const auto d = test::random_model_for<stack_a>(3);
  REQUIRE(test::set_model(*a, d) == status::ok);
  REQUIRE(test::set_model(*b, d) == status::ok);
  test::rng r(5);
  const std::size_t steps = 257;
  const auto in = r.uniform(steps * stack_a::in_size, -2.0f, 2.0f);
  std::vector<float> out_run(steps * stack_a::out_size), out_step(steps * stack_a::out_size);
  a->run(in.data(), out_run.data(), steps);
  for (std::size_t t = 0; t < steps; ++t) {
    b->step(in.data() + t * stack_a::in_size, out_step.data() + t * stack_a::out_size);
  }
  CHECK(std::memcmp(out_run.data(), out_step.data(), out_run.size() * sizeof(float)) == 0);
  // Splitting the run keeps the state across calls.
  a->reset();
  a->run(in.data(), out_run.data(), 100);
  a->run(in.data() + 100 * stack_a::in_size, out_run.data() + 100 * stack_a::out_size, steps - 100);
  CHECK(std::memcmp(out_run.data(), out_step.data(), out_run.size() * sizeof(float)) == 0);
}

TEST_CASE("reset() returns to the state of a fresh model") {
  auto m = std::make_unique<stack_a>();
  REQUIRE(test::set_model(*m, test::random_model_for<stack_a>(11)) == status::ok);
  test::rng r(6);
  const auto in = r.uniform(50 * stack_a::in_size, -1.0f, 1.0f);
  std::vector<float> first(50 * stack_a::out_size), second(first.size());
  m->run(in.data(), first.data(), 50);
  m->reset();
  m->run(in.data(), second.data(), 50);
  CHECK(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)) == 0);
  // And the state did matter: the second half of a sequence differs from its start.
  CHECK(std::memcmp(first.data(), first.data() + 25 * stack_a::out_size,
                    25 * stack_a::out_size * sizeof(float)) != 0);
}

TEST_CASE("set_weights rejects every wrong size and leaves the weights as they were") {
  auto m = std::make_unique<square>();
  const auto d = test::random_model_for<square>(21);
  REQUIRE(test::set_model(*m, d) == status::ok);
  const float x[4] = {0.1f, -0.2f, 0.3f, 0.4f};
  float before[4], after[4];
  m->step(x, before);

  const auto& l0 = d.layers[0];
  const auto& l1 = d.layers[1];
  const weights k{l0.kernel.data(), l0.kernel.size()}, u{l0.recurrent.data(), l0.recurrent.size()},
      b{l0.bias.data(), l0.bias.size()};
  auto& lstm = m->layer<0>();
  CHECK(lstm.set_weights({k.data, k.size - 1}, u, b) == status::size_mismatch);
  CHECK(lstm.set_weights(k, {u.data, u.size + 1}, b) == status::size_mismatch);
  CHECK(lstm.set_weights(k, u, {b.data, 0}) == status::size_mismatch);
  CHECK(lstm.set_weights(u, k, b) == status::size_mismatch);  // swapped arrays
  auto& dense = m->layer<1>();
  CHECK(dense.set_weights({l1.kernel.data(), 4}, {l1.bias.data(), 4}) == status::size_mismatch);
  CHECK(dense.set_weights({l1.kernel.data(), l1.kernel.size()}, {l1.bias.data(), 5}) ==
        status::size_mismatch);

  Gru<2, 3, true> gru_after;
  Gru<2, 3, false> gru_before;
  std::vector<float> gk(2 * 9, 0.1f), gu(3 * 9, 0.1f), gb(18, 0.1f);
  CHECK(gru_after.set_weights({gk.data(), 18}, {gu.data(), 27}, {gb.data(), 9}) ==
        status::size_mismatch);
  CHECK(gru_after.set_weights({gk.data(), 18}, {gu.data(), 27}, {gb.data(), 18}) == status::ok);
  CHECK(gru_before.set_weights({gk.data(), 18}, {gu.data(), 27}, {gb.data(), 18}) ==
        status::size_mismatch);
  CHECK(gru_before.set_weights({gk.data(), 18}, {gu.data(), 27}, {gb.data(), 9}) == status::ok);
  SimpleRnn<2, 3> srnn;
  CHECK(srnn.set_weights({gk.data(), 6}, {gu.data(), 9}, {gb.data(), 2}) == status::size_mismatch);

  m->reset();
  m->step(x, after);
  CHECK(std::memcmp(before, after, sizeof before) == 0);
}

TEST_CASE("step() reads exactly in_size floats and writes exactly out_size, any alignment") {
  auto m = std::make_unique<stack_a>();
  REQUIRE(test::set_model(*m, test::random_model_for<stack_a>(12)) == status::ok);
  constexpr float guard = 12345.0f;
  // Heap blocks of exactly the right size (AddressSanitizer flags any byte past them), then
  // the same through pointers one float off 16-byte alignment, with guards around the output.
  std::unique_ptr<float[]> in(new float[stack_a::in_size]);
  std::unique_ptr<float[]> out(new float[stack_a::out_size]);
  for (std::size_t i = 0; i < stack_a::in_size; ++i)
    in[i] = 0.5f;
  m->step(in.get(), out.get());
  const float expected0 = out[0], expected1 = out[1];

  alignas(64) float ibuf[16], obuf[16];
  for (float& v : obuf)
    v = guard;
  for (std::size_t i = 0; i < stack_a::in_size; ++i)
    ibuf[1 + i] = 0.5f;
  m->reset();
  m->step(ibuf + 1, obuf + 1);
  CHECK(obuf[0] == guard);
  CHECK(obuf[1] == expected0);
  CHECK(obuf[2] == expected1);
  for (std::size_t i = 1 + stack_a::out_size; i < 16; ++i)
    CHECK(obuf[i] == guard);
}

TEST_CASE("in-place step: the output may overwrite the input") {
  auto a = std::make_unique<square>();
  auto b = std::make_unique<square>();
  const auto d = test::random_model_for<square>(31);
  REQUIRE(test::set_model(*a, d) == status::ok);
  REQUIRE(test::set_model(*b, d) == status::ok);
  float buf[4] = {0.3f, 0.1f, -0.7f, 0.2f}, in[4], out[4];
  std::memcpy(in, buf, sizeof buf);
  for (int t = 0; t < 5; ++t) {
    a->step(buf, buf);
    b->step(in, out);
    std::memcpy(in, out, sizeof out);
  }
  CHECK(std::memcmp(buf, out, sizeof out) == 0);
}

TEST_CASE("sizeof(Model) is the packed weights plus the state, up to alignment padding") {
  // The formula documented on Model: weights + state + the io scaling (2 floats per input and
  // per output) + its pointer, plus < 64 bytes of alignment padding per array member.
  auto check = [](std::size_t size, std::size_t weights, std::size_t state, std::size_t io,
                  std::size_t members) {
    CAPTURE(size);
    CAPTURE(weights);
    CAPTURE(state);
    const std::size_t formula = weights + state + io * 8 + 8;
    CHECK(size >= formula);
    CHECK(size <= formula + 64 * members);
  };
  // members: the input buffer and scaling, then per layer its arrays and counter.
  check(sizeof(stack_a), stack_a::weight_bytes, stack_a::state_bytes, 3 + 2, 2 + 4 + 4 + 3 + 3);
  check(sizeof(stack_c), stack_c::weight_bytes, stack_c::state_bytes, 1 + 1, 2 + 3 + 3);
  using big = Model<Lstm<1, 256>, Dense<256, 1>>;
  check(sizeof(big), big::weight_bytes, big::state_bytes, 1 + 1, 2 + 4 + 3);
  // The LSTM formula itself: (In + H)·4·Hp + 4·Hp floats of weights for H = 256 (no padding).
  CHECK(Lstm<1, 256>::weight_bytes == (257 * 4 * 256 + 4 * 256) * sizeof(float));
}

namespace {
// A small SimpleRNN(1 → 3, tanh) + Dense(3 → 2) with fixed weights, packed at compile time.
using c_rnn = SimpleRnn<1, 3, act::tanh>;
using c_head = Dense<3, 2, act::linear>;
constexpr float c_k[] = {0.5f, -0.3f, 0.8f};
constexpr float c_u[] = {0.1f, 0.2f, -0.1f, 0.0f, 0.3f, 0.1f, -0.2f, 0.1f, 0.2f};
constexpr float c_b[] = {0.01f, -0.02f, 0.03f};
constexpr float c_dk[] = {0.4f, -0.5f, 0.6f, 0.1f, -0.7f, 0.2f};
constexpr float c_db[] = {0.05f, -0.05f};
constexpr c_rnn::packed c_rnn_w = pack_weights<c_rnn>(c_k, c_u, c_b);
constexpr c_head::packed c_head_w = pack_weights<c_head>(c_dk, c_db);
}  // namespace

TEST_CASE("ConstModel runs weights packed at compile time, like Model with the same arrays") {
  static ConstModel<c_rnn, c_head> flash(c_rnn_w, c_head_w);
  static Model<c_rnn, c_head> ram;
  REQUIRE(ram.layer<0>().set_weights(c_k, c_u, c_b) == status::ok);
  REQUIRE(ram.layer<1>().set_weights(c_dk, c_db) == status::ok);
  static_assert(sizeof(ConstModel<c_rnn, c_head>) < sizeof(Model<c_rnn, c_head>),
                "the weights stay outside a ConstModel");
  float a[2], b[2];
  for (int t = 0; t < 50; ++t) {
    const float x = 0.1f * static_cast<float>(t % 7) - 0.3f;
    flash.step(&x, a);
    ram.step(&x, b);
    REQUIRE(std::memcmp(a, b, sizeof a) == 0);
  }
  CHECK(a[0] != 0.0f);
}

TEST_CASE("io scaling maps raw units in and out") {
  using M = Model<c_rnn, c_head>;
  static M plain, scaled;
  REQUIRE(plain.layer<0>().set_weights(c_k, c_u, c_b) == status::ok);
  REQUIRE(plain.layer<1>().set_weights(c_dk, c_db) == status::ok);
  scaled = plain;
  M::scaling s = M::scaling::identity();
  s.in_scale[0] = 0.5f;  // network sees raw / 2 − 1
  s.in_offset[0] = -1.0f;
  s.out_scale[0] = 10.0f;  // raw output = network · 10 + 3, and −2 · network for output 1
  s.out_offset[0] = 3.0f;
  s.out_scale[1] = -2.0f;
  scaled.set_scaling(s);
  static ConstModel<c_rnn, c_head> flash(c_rnn_w, c_head_w, &s);
  for (int t = 0; t < 20; ++t) {
    const float raw = static_cast<float>(t) * 0.7f;
    const float net = raw * 0.5f - 1.0f;
    float p[2], q[2], f[2];
    plain.step(&net, p);
    scaled.step(&raw, q);
    flash.step(&raw, f);
    CHECK(q[0] == doctest::Approx(p[0] * 10.0f + 3.0f).epsilon(1e-6));
    CHECK(q[1] == doctest::Approx(p[1] * -2.0f).epsilon(1e-6));
    CHECK(std::memcmp(q, f, sizeof q) == 0);
  }
}
