// Runtime dispatch (src/dispatch): this binary is built without -march. Run with EDGERNN_ARCH
// set (ctest runs it once per instruction set: avx512, avx2, sse4.2, sse2), it runs the suite on
// that ISA's kernels, or skips (exit code 77) where the CPU lacks it: every layer kind and size
// against the float64 reference, the golden cases (binary32 weights with either activations,
// binary16 weights), run() against step() bit for bit.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dispatch.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "layer_sweep.hpp"
#include "support/csv.hpp"

namespace {

using namespace edgernn;
namespace dp = edgernn::dispatch;

dp::isa under_test = dp::isa::sse2;

}  // namespace

TEST_CASE("the requested ISA is the one running") {
  dp::Model m;
  CHECK(m.kernels() == under_test);
  CHECK(dp::default_isa() == under_test);
  dp::Model explicit_choice(under_test);
  CHECK(explicit_choice.kernels() == under_test);
  // An ISA the CPU lacks falls back to the best it has.
  for (dp::isa i : dp::all_isas) {
    dp::Model x(i);
    CHECK(x.kernels() == (dp::cpu_supports(i) ? i : dp::best_isa()));
  }
  dp::isa parsed;
  CHECK(dp::parse_isa("sse4.2", parsed));
  CHECK(parsed == dp::isa::sse4_2);
  CHECK_FALSE(dp::parse_isa("avx", parsed));
  CHECK_FALSE(dp::parse_isa(nullptr, parsed));
}

TEST_CASE("kernel widths: the host's rule, EDGERNN_WIDTHS, or the constructor's") {
  using simd::width_rule;
  const width_rule all[] = {width_rule::zen4, width_rule::intel, width_rule::narrow,
                            width_rule::wide};
  for (width_rule r : all) {
    width_rule parsed = r == width_rule::wide ? width_rule::zen4 : width_rule::wide;
    CHECK(dp::parse_widths(simd::to_string(r), parsed));
    CHECK(parsed == r);
  }
  width_rule parsed;
  CHECK_FALSE(dp::parse_widths("amd", parsed));
  CHECK_FALSE(dp::parse_widths(nullptr, parsed));
  const char* env = std::getenv("EDGERNN_WIDTHS");
  if (env != nullptr && dp::parse_widths(env, parsed)) {
    CHECK(dp::default_widths() == parsed);
  } else {
    CHECK(dp::default_widths() == simd::host_width_rule());
  }
  CHECK(dp::Model().widths() == dp::default_widths());

  // A 20-unit LSTM of one input and a Dense head of 20 inputs: on AVX-512 each layer runs the
  // width its rule gives (the Zen 4 rule: both 256-bit; Intel: the LSTM 512-bit), elsewhere the
  // one width there is.
  const layer_spec specs[] = {{layer_kind::lstm, activation::tanh, true, 1, 20},
                              {layer_kind::dense, activation::linear, true, 20, 1}};
  for (width_rule r : all) {
    CAPTURE(simd::to_string(r));
    dp::Model m(under_test, r);
    CHECK(m.widths() == r);
    REQUIRE(m.init(specs, 2) == status::ok);
    const std::string k0 = m.layer_kernels(0), k1 = m.layer_kernels(1);
    MESSAGE(std::string(simd::to_string(r)) << ": " << k0 << ", " << k1);
    if (under_test != dp::isa::avx512) {
      CHECK(k0 == k1);  // one width
      continue;
    }
    const bool lstm_narrow = simd::narrow_by_default(20, 4, 1, r);
    CHECK(k0 == (lstm_narrow ? "fma3+avx2" : "avx512bw"));
    CHECK(k1 == (simd::narrow_by_default(20, 0, 0, r) ? "fma3+avx2" : "avx512bw"));
  }
}

TEST_CASE("every layer kind and size against the float64 reference") {
  namespace t = edgernn::test;
  const layer_kind kinds[] = {layer_kind::lstm, layer_kind::gru, layer_kind::gru,
                              layer_kind::simple_rnn, layer_kind::dense};
  t::sweep_result res;
  std::size_t sizes = 0;
  // On AVX-512 every size with either kernels (every layer 256-bit, every layer 512-bit).
  std::vector<simd::width_rule> rules{dp::default_widths()};
  if (under_test == dp::isa::avx512) rules = {simd::width_rule::narrow, simd::width_rule::wide};
  for (simd::width_rule rule : rules)
    for (std::size_t f = 0; f < 5; ++f) {
      for (std::size_t in : {1u, 3u, 8u}) {
        for (std::size_t h = 1; h <= 49; h += (h < 18 ? 1 : 5)) {
          ++sizes;
          io::model_desc d;
          d.in = in;
          io::layer_desc l;
          l.kind = kinds[f];
          l.act = kinds[f] == layer_kind::dense ? activation::sigmoid : activation::tanh;
          l.reset_after = f != 2;
          l.in = in;
          l.units = h;
          t::rng r(in * 1000 + h + f);
          t::randomize(l, r);
          d.layers.push_back(l);
          dp::Model m(under_test, rule);
          const layer_spec spec{l.kind, l.act, l.reset_after, in, h};
          REQUIRE(m.init(&spec, 1) == status::ok);
          REQUIRE(test::set_model_layers(m, d) == status::ok);
          const std::vector<float> x = t::sweep_inputs(in, in * 1000 + h);
          std::vector<float> y(t::sweep_steps * h), z(t::sweep_steps * h);
          m.run(x.data(), y.data(), t::sweep_steps);
          t::compare_with_reference(d, x, y, res);
          m.reset();
          for (std::size_t s = 0; s < t::sweep_steps; ++s)
            m.step(x.data() + s * in, z.data() + s * h);
          REQUIRE(std::memcmp(y.data(), z.data(), y.size() * sizeof(float)) == 0);
        }
      }
    }
  MESSAGE(std::string(dp::to_string(under_test)) << ": " << res.cases << " layers, max |error| "
                                                 << res.max_abs << "; run() == step() bit for bit");
  CHECK(res.cases == sizes);
}

TEST_CASE("golden cases: binary32 weights, precise and fast activations; binary16 weights") {
  const char* cases[] = {
      "srnn_tanh_h17_i1_sine", "srnn_relu_h8_i1", "lstm_h3_i3", "lstm_h32_i1_d2",
      "lstm_h64_i1_t5000",     "gru_h8_i8",       "gru_h17_i1", "stack_lstm16_gru8_d1"};
  for (const char* name : cases) {
    CAPTURE(name);
    const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/" + name + "/";
    const io::model_desc d = io::read_keras_json(dir + "model.json");
    const auto input = test::read_csv(dir + "input.csv");
    const auto expected = test::read_csv(dir + "expected.csv");
    // Binary32 weights with the precise and with the fast activations (load_options), and
    // binary16 weights (always fast); bounds as tests/test_golden.cpp, test_fast_activations.cpp
    // and test_f16.cpp.
    for (const char* form : {"f32", "f32 fast", "f16"}) {
      CAPTURE(form);
      const bool half = std::strcmp(form, "f16") == 0, fast = std::strcmp(form, "f32 fast") == 0;
      const auto file = io::encode_model(d, {half});
      dp::Model m(under_test);
      load_options opt;
      opt.fast_activations = fast;
      REQUIRE(m.load(file.data(), file.size(), opt) == status::ok);
      for (std::size_t i = 0; i < m.layer_count(); ++i)
        CHECK(m.layer_fit(i) == (half || fast ? simd::fit::fast : simd::fit::precise));
      const test::tolerance tol = half   ? test::tolerance{5e-4, 5e-4}
                                  : fast ? test::tolerance{5e-5, 5e-5}
                                         : test::tolerance{1e-5, 1e-4};
      std::vector<float> x(d.in), y(d.out());
      for (std::size_t t = 0; t < input.size(); ++t) {
        for (std::size_t i = 0; i < d.in; ++i)
          x[i] = static_cast<float>(input[t][i]);
        m.step(x.data(), y.data());
        for (std::size_t j = 0; j < y.size(); ++j)
          REQUIRE_MESSAGE(tol.ok(y[j], expected[t][j]),
                          "step " << t << ": " << y[j] << " vs " << expected[t][j]);
      }
    }
  }
}

int main(int argc, char** argv) {
  const char* env = std::getenv("EDGERNN_ARCH");
  if (env == nullptr || !dp::parse_isa(env, under_test)) {
    under_test = dp::best_isa();
    std::printf("EDGERNN_ARCH unset: testing the best ISA of this CPU, %s\n",
                dp::to_string(under_test));
  } else if (!dp::cpu_supports(under_test)) {
    std::printf("EDGERNN_ARCH=%s: this CPU or OS lacks it; skipped\n", env);
    return 77;
  }
  std::printf("dispatch: kernels for %s (best on this CPU: %s)\n", dp::to_string(under_test),
              dp::to_string(dp::best_isa()));
  doctest::Context context(argc, argv);
  return context.run();
}
