// Test support: stepping several builds of one model through a golden case.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "support/csv.hpp"

namespace edgernn::test {

/// Steps golden case `name` (EDGERNN_TEST_DATA_DIR/golden/name: input.csv, expected.csv)
/// through `first` and every model in `others` (anything with step(const float*, float*) and
/// first's sizes). Requires the others' outputs to equal first's bit for bit, and first's to be
/// within abs_tol + rel_tol·|e| of PyTorch's e. Returns the largest |error|.
template <class M, class... Others>
double step_golden(const std::string& name, M& first, double abs_tol, double rel_tol,
                   Others&... others) {
  const std::string dir = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/" + name + "/";
  const auto input = read_csv(dir + "input.csv");
  const auto expected = read_csv(dir + "expected.csv");
  std::vector<float> x(M::in_size), a(M::out_size), b(M::out_size);
  double worst = 0;
  for (std::size_t t = 0; t < input.size(); ++t) {
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(input[t][i]);
    first.step(x.data(), a.data());
    const auto same = [&](auto& m) {
      m.step(x.data(), b.data());
      REQUIRE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    };
    (same(others), ...);
    for (std::size_t j = 0; j < a.size(); ++j) {
      const double e = expected[t][j];
      worst = std::max(worst, std::fabs(a[j] - e));
      REQUIRE(std::fabs(a[j] - e) <= abs_tol + rel_tol * std::fabs(e));
    }
  }
  return worst;
}

}  // namespace edgernn::test
