// Headers exported with `edgernn export-header --activations fast` (generated at build time from
// golden cases' float32 model files): the layers declare fast_activations, and the header's
// Model (load()) and its ConstModel agree bit for bit with the same static layers set from the
// model file and with a DynamicModel loading that file with load_options::fast_activations (as
// `edgernn run --activations fast` does), within the fast activations' bound of
// tests/test_fast_activations.cpp against PyTorch's outputs.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>

#include "edgernn/dynamic_model.hpp"
#include "exported/gru_h8_i8_fast.hpp"
#include "exported/stack_lstm16_gru8_d1_fast.hpp"
#include "io/files.hpp"
#include "support/golden_steps.hpp"

namespace {

template <class M, class C, class Load>
void check(const std::string& name, Load load, C flash) {
  using first = typename M::template layer_type<0>;
  static_assert(first::activation_fit == edgernn::simd::fit::fast &&
                    std::is_same<typename first::weight_type, float>::value,
                "float32 layers with the fast activations");
  static M from_header, from_file;
  REQUIRE(load(from_header) == edgernn::status::ok);
  const auto file = edgernn::io::read_file(std::string(EDGERNN_EXPORTED_DIR) + "/" + name + ".ern");
  REQUIRE(from_file.load(file.data(), file.size()) == edgernn::status::ok);
  edgernn::DynamicModel dynamic;
  edgernn::load_options fast;
  fast.fast_activations = true;
  REQUIRE(dynamic.load(file.data(), file.size(), fast) == edgernn::status::ok);
  const double worst =
      edgernn::test::step_golden(name, from_header, 5e-5, 5e-5, from_file, flash, dynamic);
  MESSAGE(name << " (fast activations): header, ConstModel, model file and DynamicModel agree "
                  "bit for bit; max |error| "
               << worst);
  CHECK(worst > 1e-6);  // the fast rational ran (the precise one stays under 1e-7 here)
}

}  // namespace

#define EDGERNN_EXPORTED_FAST_CASE(ns)                               \
  TEST_CASE("exported header with fast activations: " #ns) {         \
    check<ns##_fast::model>(                                         \
        #ns, [](ns##_fast::model& m) { return ns##_fast::load(m); }, \
        ns##_fast::make_const_model());                              \
  }

EDGERNN_EXPORTED_FAST_CASE(stack_lstm16_gru8_d1)
EDGERNN_EXPORTED_FAST_CASE(gru_h8_i8)
