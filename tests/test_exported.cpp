// Headers from `edgernn export-header` (generated at build time from the golden cases):
// they compile with only include/edgernn, and Model (load()), ConstModel (weights packed at
// compile time) and Model::load() of the model file all give the same outputs, within the
// project's tolerance of PyTorch's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exported/gru_h17_i1.hpp"
#include "exported/gru_h8_i8.hpp"
#include "exported/lstm_h32_i1_d2.hpp"
#include "exported/lstm_h3_i3.hpp"
#include "exported/lstm_h64_i1_t5000.hpp"
#include "exported/srnn_relu_h8_i1.hpp"
#include "exported/srnn_tanh_h17_i1_sine.hpp"
#include "exported/stack_lstm16_gru8_d1.hpp"
#include "io/files.hpp"
#include "support/golden_steps.hpp"

namespace {

template <class M, class C, class Load>
void check(const std::string& name, Load load, C flash) {
  static M from_header, from_file;
  REQUIRE(load(from_header) == edgernn::status::ok);
  const auto file = edgernn::io::read_file(std::string(EDGERNN_EXPORTED_DIR) + "/" + name + ".ern");
  REQUIRE(from_file.load(file.data(), file.size()) == edgernn::status::ok);
  const double worst = edgernn::test::step_golden(name, from_header, 1e-5, 1e-4, from_file, flash);
  MESSAGE(name << ": header, ConstModel and model file agree bit for bit; max |error| " << worst);
}

}  // namespace

#define EDGERNN_EXPORTED_CASE(ns)                                               \
  TEST_CASE("exported header: " #ns) {                                          \
    check<ns::model>(                                                           \
        #ns, [](ns::model& m) { return ns::load(m); }, ns::make_const_model()); \
  }

EDGERNN_EXPORTED_CASE(srnn_tanh_h17_i1_sine)
EDGERNN_EXPORTED_CASE(srnn_relu_h8_i1)
EDGERNN_EXPORTED_CASE(lstm_h3_i3)
EDGERNN_EXPORTED_CASE(lstm_h32_i1_d2)
EDGERNN_EXPORTED_CASE(lstm_h64_i1_t5000)
EDGERNN_EXPORTED_CASE(gru_h8_i8)
EDGERNN_EXPORTED_CASE(gru_h17_i1)
EDGERNN_EXPORTED_CASE(stack_lstm16_gru8_d1)
