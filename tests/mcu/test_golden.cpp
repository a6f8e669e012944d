// The golden cases on the MCU, compiled in (there are no files): each case's model exported to a
// header by the host's `edgernn export-header`, its input, PyTorch's expected output and its
// model file generated into arrays (golden_data.cmake). Four ways to run a case must agree bit
// for bit — weights packed at compile time and read from flash (ConstModel), packed at run time
// into RAM (load), and the model file's bytes loaded as they are and from an odd address — and
// match PyTorch within the project's tolerance, |a − e| ≤ 1e-5 + 1e-4·|e|.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "golden_cases.hpp"  // generated: every case's headers and EDGERNN_GOLDEN_CASES(X)

namespace {

template <class Model, class ConstModel>
void check_case(const std::string& name, ConstModel flash, edgernn::status (*load)(Model&),
                const float* input, const double* expected, std::size_t steps,
                const unsigned char* file, std::size_t file_size) {
  using edgernn::status;
  // static: the largest models do not belong on the stack.
  static Model ram, from_file, from_odd_address;
  REQUIRE(load(ram) == status::ok);
  REQUIRE(from_file.load(file, file_size) == status::ok);
  std::vector<unsigned char> shifted(file_size + 1);
  std::memcpy(shifted.data() + 1, file, file_size);
  REQUIRE(from_odd_address.load(shifted.data() + 1, file_size) == status::ok);

  constexpr std::size_t in = Model::in_size, out = Model::out_size;
  float y[4][out];
  double worst = 0;
  for (std::size_t t = 0; t < steps; ++t) {
    flash.step(input + t * in, y[0]);
    ram.step(input + t * in, y[1]);
    from_file.step(input + t * in, y[2]);
    from_odd_address.step(input + t * in, y[3]);
    for (int k = 1; k < 4; ++k) {
      if (std::memcmp(y[0], y[k], sizeof y[0]) != 0) {
        FAIL_CHECK(name << " step " << t << ": way " << k << " differs from the flash model");
        return;
      }
    }
    for (std::size_t j = 0; j < out; ++j) {
      const double e = expected[t * out + j];
      const double d = std::fabs(y[0][j] - e);
      worst = d > worst ? d : worst;
      if (!(d <= 1e-5 + 1e-4 * std::fabs(e))) {
        FAIL_CHECK(name << " step " << t << " output " << j << ": got " << y[0][j] << ", expected "
                        << e);
        return;
      }
    }
  }
  MESSAGE(name << ": " << steps << " steps, max |error| " << worst);
}

}  // namespace

#define EDGERNN_GOLDEN_TEST(name)                                                             \
  TEST_CASE("golden on the MCU: " #name) {                                                    \
    namespace g = name::golden;                                                               \
    static_assert(g::inputs == name::model::in_size && g::outputs == name::model::out_size,   \
                  "the data does not fit the model");                                         \
    check_case(#name, name::make_const_model(), &name::load, g::input, g::expected, g::steps, \
               g::model_file, sizeof g::model_file);                                          \
  }

EDGERNN_GOLDEN_CASES(EDGERNN_GOLDEN_TEST)
