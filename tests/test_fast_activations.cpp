// Float32 layers with the cheaper activations (`fast_activations`, simd::fit::fast: tanh good to
// 7e-5 relative, sigmoid to 3.5e-5 absolute, see simd/activations.hpp).
//
// Two checks:
// - one layer of each kind and activation, and every golden case, against the float64
//   reference run with the same rational (reference_model with fit::fast), at the float32
//   kernels' own tolerance (layer_tolerance; golden: 1e-5 + 1e-4·|e|): the kernels add only
//   float32 rounding to the rational's error, as the precise layers do;
// - the golden cases against PyTorch's float64 outputs, which include the rational's error.
//   Measured: max |a − e| = 2.3e-5 over the eight cases (gru_h8_i8; LSTM cases 1.7e-6 to
//   1.8e-5, SimpleRNN tanh 9.5e-6, printed per case; SimpleRNN relu has no tanh or sigmoid and
//   stays at 9.5e-8), against at most 9.5e-8 with the precise activations
//   (tests/test_golden.cpp): within the rational's own bound, since the contractive recurrences
//   keep per-step errors from accumulating. Asserted with 2× margin: |a − e| ≤ 5e-5 + 5e-5·|e|
//   (the binary16 layers, whose weights are also rounded, are held to 5e-4 + 5e-4·|e|,
//   tests/test_f16.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "layer_sweep.hpp"
#include "support/csv.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;
using fast = fast_activations;

// The tag picks the fast rational with float32 weights and the default kernels of each size;
// `_on<Arch>` keeps the rational with the kernels asked for.
static_assert(Lstm<1, 16, fast>::activation_fit == simd::fit::fast, "opted in");
static_assert(Lstm<1, 16>::activation_fit == simd::fit::precise, "the default");
static_assert(Lstm<1, 16, f16>::activation_fit == simd::fit::fast, "binary16 layers");
static_assert(std::is_same<Lstm<1, 16, fast>::weight_type, float>::value, "float32 weights");
static_assert(std::is_same<Lstm<1, 16, fast>::arch, Lstm<1, 16>::arch>::value &&
                  std::is_same<Gru<1, 64, true, fast>::arch, Gru<1, 64>::arch>::value,
              "the default kernels of each size");
static_assert(
    std::is_same<Lstm<1, 16, fast_activations_on<simd::scalar>>::arch, simd::scalar>::value &&
        Lstm<1, 16, fast_activations_on<simd::scalar>>::activation_fit == simd::fit::fast,
    "an instruction set of the caller's choice");
static_assert(Lstm<1, 16, fast>::weight_bytes == Lstm<1, 16>::weight_bytes, "the same panels");

}  // namespace

// The kernels are those of the precise layers (layer_sweep covers every tail of them); here
// one layer of each kind and activation, at sizes with a short tail block.
TEST_CASE("every layer kind with fast activations matches the fast-fit reference") {
  constexpr std::size_t w = test::sweep_width;
  test::sweep_result r;
  test::check_static<Lstm<3, w + 1, fast>>(21, r);
  test::check_static<Gru<3, w + 1, true, fast>>(22, r);
  test::check_static<Gru<2, 3 * w + 1, false, fast>>(23, r);
  test::check_static<SimpleRnn<3, 3 * w + 1, act::tanh, fast>>(24, r);
  test::check_static<Dense<5, w + 1, act::sigmoid, fast>>(25, r);
  test::check_static<Dense<w + 3, 3, act::tanh, fast>>(26, r);
  MESSAGE("fast activations: " << r.cases << " layers, max |error| against the reference "
                               << r.max_abs << " (" << test::sweep_steps << " steps each)");
  CHECK(r.cases == 6);
}

namespace {

const test::tolerance fast_bound{5e-5, 5e-5};

template <std::size_t In, std::size_t Out>
using head = Dense<In, Out, act::linear, fast>;

// Runs golden case `name` through the static model M; returns max |a − e| against PyTorch.
template <class M>
double golden_fast(const std::string& name) {
  const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/" + name + "/";
  const io::model_desc d = io::read_keras_json(dir + "model.json");
  const auto input = test::read_csv(dir + "input.csv");
  const auto expected = test::read_csv(dir + "expected.csv");
  static M model;
  model.reset();
  REQUIRE(test::set_model(model, d) == status::ok);
  test::reference_model ref(d, simd::fit::fast);
  const test::tolerance f32_tol{1e-5, 1e-4};
  std::vector<float> x(M::in_size), y(M::out_size);
  double worst = 0;
  for (std::size_t t = 0; t < input.size(); ++t) {
    for (std::size_t i = 0; i < M::in_size; ++i)
      x[i] = static_cast<float>(input[t][i]);
    model.step(x.data(), y.data());
    const auto& r = ref.step(x.data());
    for (std::size_t j = 0; j < M::out_size; ++j) {
      const double e = expected[t][j];
      worst = std::max(worst, std::fabs(y[j] - e));
      REQUIRE_MESSAGE(fast_bound.ok(y[j], e), name << " step " << t << ": " << y[j] << " vs " << e);
      REQUIRE_MESSAGE(f32_tol.ok(y[j], r[j]), name << " step " << t << ": " << y[j]
                                                   << " vs the fast-fit reference " << r[j]);
    }
  }
  MESSAGE(name << ": max |fast − PyTorch| " << worst);
  return worst;
}

}  // namespace

TEST_CASE("golden cases with fast activations stay within the stated bound") {
  using srnn_tanh = SimpleRnn<1, 17, act::tanh, fast>;
  using srnn_relu = SimpleRnn<1, 8, act::relu, fast>;
  const double errors[] = {
      golden_fast<Model<srnn_tanh, head<17, 1>>>("srnn_tanh_h17_i1_sine"),
      golden_fast<Model<srnn_relu, head<8, 1>>>("srnn_relu_h8_i1"),
      golden_fast<Model<Lstm<3, 3, fast>, head<3, 1>>>("lstm_h3_i3"),
      golden_fast<Model<Lstm<1, 32, fast>, head<32, 2>>>("lstm_h32_i1_d2"),
      golden_fast<Model<Lstm<1, 64, fast>, head<64, 1>>>("lstm_h64_i1_t5000"),
      golden_fast<Model<Gru<8, 8, true, fast>, head<8, 1>>>("gru_h8_i8"),
      golden_fast<Model<Gru<1, 17, true, fast>, head<17, 1>>>("gru_h17_i1"),
      golden_fast<Model<Lstm<1, 16, fast>, Gru<16, 8, true, fast>, head<8, 1>>>(
          "stack_lstm16_gru8_d1")};
  const double worst = *std::max_element(std::begin(errors), std::end(errors));
  MESSAGE("fast activations: max |error| against the golden outputs " << worst);
  // The fast rational ran: its error shows, far above the precise layers' (≤ 9.5e-8 on these
  // cases, tests/test_golden.cpp).
  CHECK(worst > 1e-6);
}

// DynamicModel (and so `edgernn run --activations fast`) with the fast rational: the same
// kernels as the static layers above, chosen per layer at run time.
TEST_CASE("DynamicModel with fast activations runs as the static fast layers") {
  // The 512-bit kernels of an AVX-512 build (30 units, and 9 units with 30 inputs) and the
  // 256-bit ones (the rest; see simd::narrow_by_default).
  using stack = Model<Lstm<3, 30, fast>, Gru<30, 9, false, fast>, SimpleRnn<9, 5, act::tanh, fast>,
                      Dense<5, 2, act::sigmoid, fast>>;
  layer_spec specs[] = {{layer_kind::lstm, act::tanh, true, 3, 30},
                        {layer_kind::gru, act::tanh, false, 30, 9},
                        {layer_kind::simple_rnn, act::tanh, true, 9, 5},
                        {layer_kind::dense, act::sigmoid, true, 5, 2}};
  const auto d = test::random_model_for<stack>(31);
  auto fixed = std::make_unique<stack>();
  REQUIRE(test::set_model(*fixed, d) == status::ok);
  DynamicModel precise, by_spec, by_load;
  REQUIRE(precise.init(specs, 4) == status::ok);
  REQUIRE(test::set_model_layers(precise, d) == status::ok);
  for (auto& s : specs)
    s.fast = true;
  REQUIRE(by_spec.init(specs, 4) == status::ok);
  REQUIRE(test::set_model_layers(by_spec, d) == status::ok);
  const std::vector<unsigned char> file = io::encode_model(d);
  load_options opt;
  opt.fast_activations = true;
  REQUIRE(by_load.load(file.data(), file.size(), opt) == status::ok);
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(precise.layer_fit(i) == simd::fit::precise);
    CHECK(by_spec.layer_fit(i) == simd::fit::fast);
    CHECK(by_load.layer_fit(i) == simd::fit::fast);
  }

  constexpr std::size_t steps = 300;
  test::rng r(32);
  const auto in = r.uniform(steps * 3, -2.0f, 2.0f);
  std::vector<float> a(steps * 2), b(steps * 2), c(steps * 2), p(steps * 2);
  fixed->run(in.data(), a.data(), steps);
  by_spec.run(in.data(), b.data(), steps);
  by_load.run(in.data(), c.data(), steps);
  precise.run(in.data(), p.data(), steps);
  // Same kernels and packing as the static layers: float rounding apart (bit-exact on SIMD
  // targets; the scalar path lets the compiler contract a·b + c), as for the precise ones
  // (test_dynamic.cpp). Loaded or built from a layer list: the same model, bit for bit.
  double from_precise = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(std::fabs(a[i] - b[i]) <= 1e-6f);
    from_precise = std::max(from_precise, static_cast<double>(std::fabs(b[i] - p[i])));
  }
  CHECK(std::memcmp(b.data(), c.data(), b.size() * sizeof(float)) == 0);
  // The fast rational ran (its error, up to 7e-5 per activation, shows) and stays within the
  // bound the golden cases are held to.
  MESSAGE("DynamicModel, fast against precise activations: max |difference| " << from_precise);
  CHECK(from_precise > 1e-6);
  CHECK(from_precise < 5e-4);
}
