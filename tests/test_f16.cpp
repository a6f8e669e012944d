// Binary16 weights: the conversions (exhaustive over all 65536 halves), the kernels' widening
// on every width this build has, the model file (flag bit 2, version 1.1) and, end to end, the
// golden cases with their weights stored as halves.
//
// Error bound with binary16 weights, measured on the golden cases (PyTorch's float64 outputs
// from the float32 weights, |e| ≤ 0.87): max |a − e| = 2.5e-4 (srnn_relu_h8_i1; 1.7e-5 to
// 1.4e-4 for the GRU and stacked cases, 2.2e-5 to 4.6e-5 for the LSTMs), printed by the test.
// Asserted, with 2× margin: |a − e| ≤ 5e-4 + 5e-4·|e|. The error is the weights' own rounding
// (relative 2^−11 ≈ 4.9e-4 per weight, averaging out over the In + H terms of each unit) plus
// the binary16 layers' cheaper activations (simd::fit::fast, ≤ 7e-5), which the contractive
// recurrences keep from growing over 5000 steps; it does not depend on the instruction set.
// Separately, against the float64 reference run with the same rounded weights and the same
// activation rational (simd::fit::fast, which binary16 layers use), the f16 kernels stay within
// the project's float32 tolerance (1e-5 + 1e-4·|e|): the kernels add nothing but float32
// rounding to the weights' and the rational's own error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "support/csv.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;

std::uint32_t bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// The constexpr conversions in constant expressions.
static_assert(simd::half_to_float(0x3C00) == 1.0f, "1");
static_assert(simd::half_to_float(0xC000) == -2.0f, "-2");
static_assert(simd::half_to_float(0x7BFF) == 65504.0f, "largest");
static_assert(simd::half_to_float(0x0001) == 5.9604644775390625e-08f, "smallest subnormal");
static_assert(simd::float_to_half(1.0f) == 0x3C00, "1");
static_assert(simd::float_to_half(65504.0f) == 0x7BFF, "largest");
static_assert(simd::float_to_half(65520.0f) == 0x7C00, "rounds to infinity");
static_assert(simd::float_to_half(1.0f + 1.0f / 2048) == 0x3C00, "tie to even (down)");
static_assert(simd::float_to_half(1.0f + 3.0f / 2048) == 0x3C02, "tie to even (up)");
static_assert(simd::float_to_half(2.9802322387695312e-08f) == 0x0000,
              "half the smallest: tie to 0");
static_assert(simd::half_halve(0x3C00) == 0x3800, "1/2");
static_assert(simd::half_halve(0x0003) == 0x0002, "3·2^-24 / 2 ties to even");

// A static f16 layer packed at compile time from binary16 arrays, as export-header emits them.
constexpr std::uint16_t ck[] = {0x3800, 0xB400, 0x3A66};  // 0.5, -0.25, 0.8
constexpr std::uint16_t cu[] = {0x2E66, 0x3266, 0xAE66, 0x0000, 0x34CD,
                                0x2E66, 0xB266, 0x2E66, 0x3266};
constexpr std::uint16_t cb[] = {0x211F, 0xA51F, 0x27AE};
using c_rnn = SimpleRnn<1, 3, act::tanh, f16>;
constexpr c_rnn::packed c_rnn_w = pack_weights<c_rnn>(ck, cu, cb);
static_assert(c_rnn::weight_bytes < SimpleRnn<1, 3>::weight_bytes, "halves take less room");

// A model's weights rounded to binary16 and back: what an f16 model computes with.
io::model_desc rounded(io::model_desc d) {
  for (auto& l : d.layers)
    for (std::vector<float>* a : {&l.kernel, &l.recurrent, &l.bias})
      for (float& f : *a)
        f = simd::half_to_float(simd::float_to_half(f));
  return d;
}

template <class Arch>
void check_widening() {
  using O = simd::ops<Arch>;
  constexpr std::size_t W = O::width;
  alignas(64) std::uint16_t h[64];
  alignas(64) float f[64];
  std::size_t wrong = 0;
  for (std::uint32_t base = 0; base < 65536; base += W) {
    for (std::size_t l = 0; l < W; ++l)
      h[l] = static_cast<std::uint16_t>(base + l);
    O::store(f, O::load(h));
    for (std::size_t l = 0; l < W; ++l) {
      const float e = simd::half_to_float(h[l]);
      wrong += std::isnan(e) ? !std::isnan(f[l]) : bits(f[l]) != bits(e);
    }
  }
  MESSAGE(std::string(O::name()) << ": all 65536 halves widened, " << wrong << " wrong");
  CHECK(wrong == 0);
}

struct golden {
  const char* name;
};
const golden cases[] = {
    {"srnn_tanh_h17_i1_sine"}, {"srnn_relu_h8_i1"}, {"lstm_h3_i3"}, {"lstm_h32_i1_d2"},
    {"lstm_h64_i1_t5000"},     {"gru_h8_i8"},       {"gru_h17_i1"}, {"stack_lstm16_gru8_d1"}};
const test::tolerance f16_bound{5e-4, 5e-4};

}  // namespace

TEST_CASE("binary16 conversions: exact widening, correctly rounded narrowing, every half") {
  std::size_t wrong = 0;
  for (std::uint32_t u = 0; u < 65536; ++u) {
    const auto h = static_cast<std::uint16_t>(u);
    const float a = simd::half_to_float(h), b = simd::half_to_float_fast(h);
    if (std::isnan(a)) {
      wrong += !std::isnan(b);
      continue;
    }
    wrong += bits(a) != bits(b);
    wrong += simd::float_to_half(a) != h;  // round trip, −0 included
    // Halving agrees with rounding the exact half of the value.
    wrong += simd::half_halve(h) != simd::float_to_half(0.5f * a);
    // Every float between this half and the next rounds to one of the two, ties to even.
    if ((h & 0x7FFFu) < 0x7BFFu) {
      const float next = simd::half_to_float(static_cast<std::uint16_t>(h + 1));
      const float mid = 0.5f * (a + next);
      const std::uint16_t even = (h & 1u) ? static_cast<std::uint16_t>(h + 1) : h;
      wrong += simd::float_to_half(mid) != even;
      wrong += simd::float_to_half(std::nextafter(mid, a)) != h;
      wrong += simd::float_to_half(std::nextafter(mid, next)) != h + 1;
    }
  }
  CHECK(wrong == 0);
  CHECK(simd::float_to_half(std::numeric_limits<float>::infinity()) == 0x7C00);
  CHECK(simd::float_to_half(-1e6f) == 0xFC00);
  CHECK((simd::float_to_half(std::numeric_limits<float>::quiet_NaN()) & 0x7FFFu) > 0x7C00u);
}

TEST_CASE("the kernels widen every half exactly on every width") {
  check_widening<simd::default_arch>();
  check_widening<simd::narrow_arch>();
  check_widening<simd::scalar>();
}

TEST_CASE("a static f16 layer packed at compile time runs like one set at run time") {
  static Model<c_rnn> ram;
  REQUIRE(ram.layer<0>().set_weights(ck, cu, cb) == status::ok);
  static ConstModel<c_rnn> flash(c_rnn_w);
  // The same layer from the float values of those halves.
  float fk[3], fu[9], fb[3];
  for (int i = 0; i < 3; ++i)
    fk[i] = simd::half_to_float(ck[i]), fb[i] = simd::half_to_float(cb[i]);
  for (int i = 0; i < 9; ++i)
    fu[i] = simd::half_to_float(cu[i]);
  static Model<c_rnn> from_floats;
  REQUIRE(from_floats.layer<0>().set_weights(fk, fu, fb) == status::ok);
  for (int t = 0; t < 30; ++t) {
    const float x = 0.1f * static_cast<float>(t % 9) - 0.4f;
    float a[3], b[3], c[3];
    ram.step(&x, a);
    flash.step(&x, b);
    from_floats.step(&x, c);
    REQUIRE(std::memcmp(a, b, sizeof a) == 0);
    REQUIRE(std::memcmp(a, c, sizeof a) == 0);
  }
}

TEST_CASE("model file with binary16 weights: flag bit 2, version 1.1, half the bytes") {
  const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/lstm_h64_i1_t5000/";
  const io::model_desc d = io::read_keras_json(dir + "model.json");
  const auto f32 = io::encode_model(d);
  const auto f16 = io::encode_model(d, {true});
  CHECK(f32[10] == 0);  // binary32 files stay 1.0
  CHECK(f16[10] == 1);
  CHECK((f16[16] & 4) != 0);
  MESSAGE("lstm_h64_i1_t5000: " << f32.size() << " bytes as binary32, " << f16.size()
                                << " as binary16");
  CHECK(f16.size() < f32.size() / 2 + 256);
  io::encode_options stored;
  const io::model_desc back = io::decode_model(f16.data(), f16.size(), "f16", &stored);
  CHECK(stored.half_weights);
  const io::model_desc want = rounded(d);
  for (std::size_t i = 0; i < d.layers.size(); ++i) {
    CHECK(back.layers[i].kernel == want.layers[i].kernel);
    CHECK(back.layers[i].recurrent == want.layers[i].recurrent);
    CHECK(back.layers[i].bias == want.layers[i].bias);
  }
  // Re-encoding the decoded halves gives the same bytes.
  CHECK(io::encode_model(back, {true}) == f16);

  // A weight that binary16 cannot hold is refused by the writer.
  io::model_desc big = d;
  big.layers[0].bias[0] = 70000.0f;
  CHECK_THROWS_AS(io::encode_model(big, {true}), io::error);

  // An infinite half in a file (CRC fixed up) is refused by the reader.
  std::vector<unsigned char> bad = f16;
  format::model_view v;
  REQUIRE(v.parse(bad.data(), bad.size()) == status::ok);
  const std::size_t at = static_cast<std::size_t>(v.layer(0).offset) + 2 * 3;
  bad[at] = 0x00;
  bad[at + 1] = 0x7C;
  const std::uint32_t crc = format::crc32(bad.data(), bad.size() - 4);
  for (int i = 0; i < 4; ++i)
    bad[bad.size() - 4 + i] = static_cast<unsigned char>(crc >> (8 * i));
  format::load_error e;
  CHECK(v.parse(bad.data(), bad.size(), &e) == status::non_finite_weight);
  CHECK(e.layer == 0);
  CHECK(e.expected == 3);

  // A reader that knows only flag bits 0 and 1 (a 1.0 reader) refuses the file: the bit is in
  // the required range.
  CHECK((format::flag_half_weights & 0xFFFFu) != 0);
}

TEST_CASE("golden cases with binary16 weights: DynamicModel and static f16 layers") {
  double worst_abs = 0, worst_rel_ref = 0;
  for (const golden& g : cases) {
    CAPTURE(g.name);
    const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/" + g.name + "/";
    const io::model_desc d = io::read_keras_json(dir + "model.json");
    const auto input = test::read_csv(dir + "input.csv");
    const auto expected = test::read_csv(dir + "expected.csv");
    const auto file = io::encode_model(d, {true});
    DynamicModel m;
    REQUIRE(m.load(file.data(), file.size()) == status::ok);
    for (std::size_t i = 0; i < m.layer_count(); ++i)
      CHECK(m.layer(i).half);
    test::reference_model ref(rounded(d), simd::fit::fast);
    const test::tolerance f32_tol{1e-5, 1e-4};
    std::vector<float> x(d.in), y(d.out());
    double case_worst = 0;
    for (std::size_t t = 0; t < input.size(); ++t) {
      for (std::size_t i = 0; i < d.in; ++i)
        x[i] = static_cast<float>(input[t][i]);
      m.step(x.data(), y.data());
      const auto& r = ref.step(x.data());
      for (std::size_t j = 0; j < y.size(); ++j) {
        const double e = expected[t][j];
        case_worst = std::max(case_worst, std::fabs(y[j] - e));
        worst_rel_ref = std::max(worst_rel_ref, std::fabs(y[j] - r[j]));
        REQUIRE_MESSAGE(f16_bound.ok(y[j], e), "step " << t << ": " << y[j] << " vs " << e);
        REQUIRE_MESSAGE(f32_tol.ok(y[j], r[j]),
                        "step " << t << ": " << y[j] << " vs rounded-weights reference " << r[j]);
      }
    }
    MESSAGE(std::string(g.name) << ": max |f16 − PyTorch| " << case_worst);
    worst_abs = std::max(worst_abs, case_worst);
  }
  MESSAGE("binary16 weights: max |error| against the golden outputs " << worst_abs
                                                                      << "; against the float64 "
                                                                         "reference with the "
                                                                         "same rounded weights "
                                                                      << worst_rel_ref);
}

TEST_CASE("static f16 models load f16 and f32 files alike and match DynamicModel") {
  using M = Model<Lstm<1, 64, f16>, Dense<64, 1, act::linear, f16>>;
  const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/lstm_h64_i1_t5000/";
  const io::model_desc d = io::read_keras_json(dir + "model.json");
  const auto f16 = io::encode_model(d, {true});
  const auto f32 = io::encode_model(d);
  auto a = std::make_unique<M>();
  auto b = std::make_unique<M>();
  REQUIRE(a->load(f16.data(), f16.size()) == status::ok);
  REQUIRE(b->load(f32.data(), f32.size()) == status::ok);  // rounded while packing
  DynamicModel dyn;
  REQUIRE(dyn.load(f16.data(), f16.size()) == status::ok);
  // And an f32 model loads the f16 file exactly (widened).
  auto wide = std::make_unique<Model<Lstm<1, 64>, Dense<64, 1>>>();
  REQUIRE(wide->load(f16.data(), f16.size()) == status::ok);
  const auto input = test::read_csv(dir + "input.csv");
  for (std::size_t t = 0; t < 300; ++t) {
    const float x = static_cast<float>(input[t][0]);
    float ya, yb, yd, yw;
    a->step(&x, &ya);
    b->step(&x, &yb);
    dyn.step(&x, &yd);
    wide->step(&x, &yw);
    REQUIRE(std::memcmp(&ya, &yb, 4) == 0);
    REQUIRE(std::memcmp(&ya, &yd, 4) == 0);
    // The same weight values: only float32 rounding in different kernels separates them.
    REQUIRE(std::fabs(ya - yw) <= 1e-5f);
  }
  static_assert(M::weight_bytes < Model<Lstm<1, 64>, Dense<64, 1>>::weight_bytes * 6 / 10,
                "binary16 panels take about half the bytes");
}

TEST_CASE("binary16 layers with either kernel width against the reference") {
  // Every kind at sizes where the rules choose either width (simd::half_narrow_by_default),
  // each run once with every layer 256-bit and once with every layer 512-bit (the narrow and
  // wide rules; one width without AVX-512). The reference runs the same weights, rounded to
  // binary16, in double with the same tanh and sigmoid rational (simd::fit::fast): what is left
  // is float32 rounding: 7.7e-8 measured, bounded by 1e-6 here (float32 sums of at most 109
  // products of magnitude below 1, each rounded to 6e-8 relative).
  const layer_kind kinds[] = {layer_kind::lstm, layer_kind::gru, layer_kind::gru,
                              layer_kind::simple_rnn};
  double worst = 0;
  std::size_t cases = 0;
  for (std::size_t f = 0; f < 4; ++f) {
    for (std::size_t units : {5, 20, 30, 52, 64, 100}) {
      for (std::size_t in : {1, 9}) {
        io::model_desc d;
        d.in = in;
        io::layer_desc l;
        l.kind = kinds[f];
        l.act = activation::tanh;
        l.reset_after = f != 2;
        l.in = in;
        l.units = units;
        test::rng r(units * 100 + in + f);
        test::randomize(l, r);
        io::layer_desc head;
        head.kind = layer_kind::dense;
        head.act = activation::linear;
        head.in = units;
        head.units = 1;
        test::randomize(head, r);
        d.layers = {l, head};
        for (auto& layer : d.layers) {
          for (auto* v : {&layer.kernel, &layer.recurrent, &layer.bias}) {
            for (float& w : *v)
              w = simd::half_to_float(simd::float_to_half(w));
          }
        }
        layer_spec specs[2] = {{l.kind, l.act, l.reset_after, in, units, true},
                               {layer_kind::dense, activation::linear, true, units, 1, true}};
        DynamicModel narrow, wide;
        REQUIRE(narrow.init(specs, 2, simd::width_rule::narrow) == status::ok);
        REQUIRE(wide.init(specs, 2, simd::width_rule::wide) == status::ok);
        REQUIRE(test::set_model_layers(narrow, d) == status::ok);
        REQUIRE(test::set_model_layers(wide, d) == status::ok);
        test::reference_model ref(d, simd::fit::fast);
        test::rng xr(units + in);
        for (std::size_t t = 0; t < 40; ++t) {
          const std::vector<float> x = xr.uniform(in, -1.0f, 1.0f);
          float yn = 0, yw = 0;
          narrow.step(x.data(), &yn);
          wide.step(x.data(), &yw);
          const double y = ref.step(x.data())[0];
          worst = std::max({worst, std::fabs(yn - y), std::fabs(yw - y)});
        }
        ++cases;
      }
    }
  }
  MESSAGE(cases << " binary16 models, either width: max |error| " << worst);
  CHECK(cases == 48);
  CHECK(worst <= 1e-6);
}
