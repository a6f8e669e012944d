// Headers exported from f16 model files (`edgernn convert --weights f16`, then export-header,
// generated at build time from golden cases): binary16 arrays, f16 layers, weights packed at
// compile time. The header's Model (load()), its ConstModel, Model::load and DynamicModel::load
// of the f16 file agree bit for bit, and stay within the binary16 error bound of
// tests/test_f16.cpp against PyTorch's outputs.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "exported/gru_h8_i8_f16.hpp"
#include "exported/lstm_h64_i1_t5000_f16.hpp"
#include "exported/stack_lstm16_gru8_d1_f16.hpp"
#include "io/files.hpp"
#include "support/golden_steps.hpp"

namespace {

template <class M, class C, class Load>
void check(const std::string& name, Load load, C flash) {
  static_assert(std::is_same<typename M::template layer_type<0>::weight_type, std::uint16_t>::value,
                "an f16 header declares f16 layers");
  static M from_header, from_file;
  REQUIRE(load(from_header) == edgernn::status::ok);
  const auto file =
      edgernn::io::read_file(std::string(EDGERNN_EXPORTED_DIR) + "/" + name + "_f16.ern");
  REQUIRE(from_file.load(file.data(), file.size()) == edgernn::status::ok);
  edgernn::DynamicModel dyn;
  REQUIRE(dyn.load(file.data(), file.size()) == edgernn::status::ok);
  const double worst =
      edgernn::test::step_golden(name, from_header, 5e-4, 5e-4, from_file, flash, dyn);
  MESSAGE(name << " (f16): header, ConstModel, model file and DynamicModel agree bit for bit; "
                  "max |error| "
               << worst);
}

}  // namespace

#define EDGERNN_EXPORTED_F16_CASE(ns)                                                             \
  TEST_CASE("exported f16 header: " #ns) {                                                        \
    check<ns##_f16::model>(                                                                       \
        #ns, [](ns##_f16::model& m) { return ns##_f16::load(m); }, ns##_f16::make_const_model()); \
  }

EDGERNN_EXPORTED_F16_CASE(lstm_h64_i1_t5000)
EDGERNN_EXPORTED_F16_CASE(stack_lstm16_gru8_d1)
EDGERNN_EXPORTED_F16_CASE(gru_h8_i8)
