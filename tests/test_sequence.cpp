// run() over sequences: chunks of steps through one layer at a time, the input projections of
// a chunk first where they pay (else full steps, see detail::run_projects_inputs; the models
// below have layers of both forms), or a loop of step() for models whose layers all have fewer
// than detail::run_min_units units. The arithmetic is the same as step()'s, so every output
// must equal step()'s bit for bit: for every cell kind, both kernel widths, binary16 weights,
// every length around the chunk size, runs split at any point, Model, ConstModel and
// DynamicModel, both ways of running.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;
constexpr std::size_t chunk = detail::run_chunk;

// Lengths around the chunk: none, shorter, equal, one past, several, with a tail.
const std::size_t lengths[] = {0, 1, chunk ? chunk - 1 : 2, chunk, chunk + 1, 5 * chunk + 3, 97};

template <class M>
void check_model(std::uint64_t seed) {
  const io::model_desc d = test::random_model_for<M>(seed);
  auto a = std::make_unique<M>();
  auto b = std::make_unique<M>();
  REQUIRE(test::set_model(*a, d) == status::ok);
  REQUIRE(test::set_model(*b, d) == status::ok);
  test::rng r(seed + 1);
  for (std::size_t steps : lengths) {
    CAPTURE(steps);
    const auto in = r.uniform(steps * M::in_size + 1, -1.5f, 1.5f);
    std::vector<float> by_run(steps * M::out_size + 1), by_step(steps * M::out_size + 1);
    a->reset();
    b->reset();
    a->run(in.data(), by_run.data(), steps);
    for (std::size_t t = 0; t < steps; ++t)
      b->step(in.data() + t * M::in_size, by_step.data() + t * M::out_size);
    REQUIRE(std::memcmp(by_run.data(), by_step.data(), steps * M::out_size * sizeof(float)) == 0);
    // The state carries over: a second run continues where step() would.
    a->run(in.data(), by_run.data(), steps);
    for (std::size_t t = 0; t < steps; ++t)
      b->step(in.data() + t * M::in_size, by_step.data() + t * M::out_size);
    REQUIRE(std::memcmp(by_run.data(), by_step.data(), steps * M::out_size * sizeof(float)) == 0);
  }
  // Split runs, from a fresh state, at every split point of a 2·chunk + 5 sequence.
  const std::size_t steps = 2 * chunk + 5;
  const auto in = r.uniform(steps * M::in_size, -1.0f, 1.0f);
  std::vector<float> whole(steps * M::out_size), split(steps * M::out_size);
  a->reset();
  a->run(in.data(), whole.data(), steps);
  for (std::size_t cut = 0; cut <= steps; ++cut) {
    a->reset();
    a->run(in.data(), split.data(), cut);
    a->run(in.data() + cut * M::in_size, split.data() + cut * M::out_size, steps - cut);
    REQUIRE(std::memcmp(whole.data(), split.data(), whole.size() * sizeof(float)) == 0);
  }
}

// The recurrent layers' kernels are named where a width is meant (on AVX-512, 512-bit W and
// 256-bit N), so that these models cover both whichever rule the build's default is
// (simd::default_width_rule); elsewhere W and N are the same kernels.
using W = simd::default_arch;
using N = simd::narrow_arch;
using lstm_small = Model<Lstm<8, 5>, Dense<5, 1>>;
using lstm_wide = Model<Lstm<8, 48, W>, Dense<48, 2>>;
using gru_after = Model<Gru<8, 12, true, W>, Dense<12, 1>>;
using gru_before = Model<Gru<9, 33, false, N>, Dense<33, 3, act::tanh>>;
using srnn = Model<SimpleRnn<8, 20, act::relu, N>, Dense<20, 1, act::sigmoid>>;
// 256-bit recurrent layers before 512-bit Dense layers (which read their input buffer with
// aligned loads of 64 bytes).
using mixed = Model<Gru<9, 33, false, N>, Dense<33, 3, act::tanh, W>>;
using mixed_srnn = Model<SimpleRnn<1, 30, act::tanh, N>, Dense<30, 2, act::linear, W>,
                         Dense<2, 1, act::linear, W>>;
static_assert(alignof(Gru<9, 33, false, N>) >= simd::ops<W>::alignment &&
                  alignof(SimpleRnn<1, 30, act::tanh, N>) >= simd::ops<W>::alignment &&
                  alignof(Lstm<1, 20, N>) >= simd::ops<W>::alignment &&
                  alignof(Dense<30, 2, act::linear, N>) >= simd::ops<W>::alignment,
              "output buffers aligned for the widest kernels");
using stack = Model<Lstm<3, 30, W>, Gru<30, 9, true, W>, SimpleRnn<9, 17, act::tanh, N>,
                    Dense<17, 32, act::relu>, Dense<32, 2>>;
using half = Model<Lstm<8, 24, f16>, Gru<24, 16, true, f16>, Dense<16, 1, act::linear, f16>>;
using narrow_only =
    Model<Lstm<8, 48, simd::narrow_arch>, Dense<48, 1, act::linear, simd::narrow_arch>>;
using scalar_kernels =
    Model<Gru<8, 17, false, simd::scalar>, Dense<17, 2, act::linear, simd::scalar>>;
using scalar_small = Model<Gru<8, 7, false, simd::scalar>, Dense<7, 2, act::linear, simd::scalar>>;
// Wide inputs, where the input projections are a matrix product over several steps at a time
// (detail::project_block): an odd number of rows for every chain count, blocks of one, two and
// four registers per gate, and a column of registers left over (the widest kernels' registers:
// the default ones may be 256-bit for 24, 33 and 20 units on AVX-512).
using wide_inputs = Model<Lstm<67, 24, W>, Gru<24, 64, true, W>, SimpleRnn<64, 33, act::tanh, W>,
                          Gru<33, 20, false, W>, Dense<20, 1, act::linear, W>>;
using wide_half = Model<Gru<50, 32, false, f16>, Lstm<32, 72, f16>, Dense<72, 1, act::linear, f16>>;

}  // namespace

TEST_CASE("run() goes in chunks where the largest layer has run_min_units units or more") {
  static_assert(detail::run_min_units == 16, "the sizes below straddle 16 units");
  CHECK(lstm_small::sequence_chunk == 0);  // 5 units
  CHECK(gru_after::sequence_chunk == 0);   // 12 units
  CHECK(scalar_small::sequence_chunk == 0);
  CHECK(Model<Lstm<8, 16>, Dense<16, 1>>::sequence_chunk == chunk);
  CHECK(Model<Lstm<8, 8>, Dense<8, 16>>::sequence_chunk == chunk);  // any layer counts
  CHECK(lstm_wide::sequence_chunk == chunk);
  CHECK(gru_before::sequence_chunk == chunk);
  CHECK(srnn::sequence_chunk == chunk);
  CHECK(stack::sequence_chunk == chunk);
  CHECK(half::sequence_chunk == chunk);
  CHECK(narrow_only::sequence_chunk == chunk);
  CHECK(scalar_kernels::sequence_chunk == chunk);
  // The chunked models below have layers of both forms of run(): a pass of input projections
  // (16 inputs or more, or weights beyond detail::run_step_max_bytes) and full steps.
  static_assert(detail::run_projects_inputs(8, Lstm<8, 48, W>::weight_bytes), "lstm_wide");
  static_assert(detail::run_projects_inputs(67, Lstm<67, 24, W>::weight_bytes), "wide_inputs");
  static_assert(!detail::run_projects_inputs(3, Lstm<3, 30, W>::weight_bytes), "stack");
  static_assert(!detail::run_projects_inputs(9, Gru<9, 33, false, N>::weight_bytes), "gru_before");
  static_assert(!detail::run_projects_inputs(8, Lstm<8, 24, f16>::weight_bytes), "half");
  // Where no layer projects apart, run() keeps no projection buffer: the two row buffers only.
  using before_shape = detail::model_shape<Gru<9, 33, false, N>, Dense<33, 3, act::tanh>>;
  static_assert(before_shape::proj == 0, "no projecting layer");
  static_assert(detail::model_shape<Lstm<8, 48, W>, Dense<48, 2>>::proj > 0, "a projecting layer");
  CHECK(gru_before::state_bytes == Gru<9, 33, false, N>::state_bytes +
                                       Dense<33, 3, act::tanh>::state_bytes + 16 * sizeof(float) +
                                       2 * chunk * before_shape::row * sizeof(float));
  // A loop of step() keeps no sequence buffers: a small model's RAM is its layers' state and
  // the input buffer.
  CHECK(lstm_small::state_bytes ==
        Lstm<8, 5>::state_bytes + Dense<5, 1>::state_bytes + 16 * sizeof(float));
}

TEST_CASE_TEMPLATE("Model::run equals step() bit for bit at every length and split", M, lstm_small,
                   lstm_wide, gru_after, gru_before, srnn, mixed, mixed_srnn, stack, half,
                   narrow_only, scalar_kernels, scalar_small, wide_inputs, wide_half) {
  MESSAGE("sequence chunk " << M::sequence_chunk << " steps");
  check_model<M>(17);
}

TEST_CASE("ConstModel::run equals its step() and Model's") {
  using L0 = Lstm<8, 16>;
  using L1 = Dense<16, 2>;
  const io::model_desc d = test::random_model<L0, L1>(23);
  static Model<L0, L1> m;
  REQUIRE(test::set_model(m, d) == status::ok);
  static ConstModel<L0, L1> a(m.layer<0>().packed_weights(), m.layer<1>().packed_weights());
  static ConstModel<L0, L1> b(m.layer<0>().packed_weights(), m.layer<1>().packed_weights());
  test::rng r(3);
  const std::size_t steps = 3 * chunk + 2;
  const auto in = r.uniform(steps * 8, -1.0f, 1.0f);
  std::vector<float> x(steps * 2), y(steps * 2), z(steps * 2);
  a.run(in.data(), x.data(), steps);
  m.run(in.data(), z.data(), steps);
  for (std::size_t t = 0; t < steps; ++t)
    b.step(in.data() + t * 8, y.data() + t * 2);
  CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(x.data(), z.data(), x.size() * sizeof(float)) == 0);
}

TEST_CASE("DynamicModel::run equals its step() bit for bit, every kind and weight type") {
  const layer_spec stacks[][4] = {
      {{layer_kind::lstm, act::tanh, true, 8, 48},
       {layer_kind::gru, act::tanh, false, 48, 9},
       {layer_kind::simple_rnn, act::relu, true, 9, 17},
       {layer_kind::dense, act::sigmoid, true, 17, 3}},
      {{layer_kind::gru, act::tanh, true, 8, 5, true},
       {layer_kind::lstm, act::tanh, true, 5, 33, true},
       {layer_kind::dense, act::tanh, true, 33, 20, true},
       {layer_kind::dense, act::linear, true, 20, 1, true}},
      // Every layer under run_min_units: a loop of step().
      {{layer_kind::lstm, act::tanh, true, 8, 12},
       {layer_kind::gru, act::tanh, true, 12, 6},
       {layer_kind::simple_rnn, act::tanh, true, 6, 9},
       {layer_kind::dense, act::linear, true, 9, 2}},
  };
  const std::size_t chunks[] = {chunk, chunk, 0};
  std::size_t which = 0;
  for (const auto& specs : stacks) {
    io::model_desc d;
    d.in = specs[0].in;
    test::rng r(31);
    for (const layer_spec& s : specs) {
      io::layer_desc l;
      l.kind = s.kind;
      l.act = s.act;
      l.reset_after = s.reset_after;
      l.in = s.in;
      l.units = s.units;
      test::randomize(l, r);
      d.layers.push_back(l);
    }
    DynamicModel a, b;
    REQUIRE(a.init(specs, 4) == status::ok);
    REQUIRE(b.init(specs, 4) == status::ok);
    CHECK(a.sequence_chunk() == chunks[which++]);
    for (std::size_t i = 0; i < 4; ++i) {
      const auto& l = d.layers[i];
      const weights k{l.kernel.data(), l.kernel.size()}, u{l.recurrent.data(), l.recurrent.size()},
          bias{l.bias.data(), l.bias.size()};
      REQUIRE(a.set_weights(i, k, u, bias) == status::ok);
      REQUIRE(b.set_weights(i, k, u, bias) == status::ok);
    }
    for (std::size_t steps : lengths) {
      CAPTURE(steps);
      const auto in = r.uniform(steps * d.in + 1, -1.0f, 1.0f);
      const std::size_t out = a.out_size();
      std::vector<float> x(steps * out + 1), y(steps * out + 1);
      a.run(in.data(), x.data(), steps);
      for (std::size_t t = 0; t < steps; ++t)
        b.step(in.data() + t * d.in, y.data() + t * out);
      REQUIRE(std::memcmp(x.data(), y.data(), steps * out * sizeof(float)) == 0);
    }
  }
}

// Both forms of a layer's run(): full steps (8 inputs, no projection buffer: run() gets none)
// and a pass of input projections first (16 inputs).
TEST_CASE_TEMPLATE("a layer's run() writes each output row at its stride and keeps the last h", L,
                   Gru<8, 20>, Gru<16, 20>) {
  static_assert((L::proj_floats == 0) == (L::in_size < detail::project_min_rows), "both forms");
  const io::model_desc d = test::random_model<L>(5);
  static L a, b;
  REQUIRE(test::set_layer(a, d.layers[0]) == status::ok);
  REQUIRE(test::set_layer(b, d.layers[0]) == status::ok);
  test::rng r(8);
  // Rows of y and proj aligned as run() requires (64 bytes, whole registers apart); x unaligned.
  constexpr std::size_t n = 6, ldx = L::in_size + 3, ldy = L::out_padded + 16;
  const auto x = r.uniform(n * ldx, -1.0f, 1.0f);
  alignas(64) static float y[n * ldy];
  alignas(64) static float proj_buffer[n * L::proj_floats + 1];
  float* proj = L::proj_floats == 0 ? nullptr : proj_buffer;
  for (float& v : y)
    v = 777.0f;
  a.run(x.data(), ldx, y, ldy, n, proj);
  for (std::size_t t = 0; t < n; ++t) {
    const float* h = b.step(x.data() + t * ldx);
    CHECK(std::memcmp(h, y + t * ldy, 20 * sizeof(float)) == 0);
    for (std::size_t k = L::out_padded; k < ldy; ++k)
      REQUIRE(y[t * ldy + k] == 777.0f);  // nothing written past the row
  }
  CHECK(std::memcmp(a.current_state().h[a.current_state().cur],
                    b.current_state().h[b.current_state().cur], 20 * sizeof(float)) == 0);
}
