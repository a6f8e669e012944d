// Builds with -fno-exceptions -fno-rtti (and -Werror): the core needs neither. Runs every layer
// type once and checks the model gives the same outputs after reset(), so it is not only a
// compile check. No test framework here: doctest itself is not built for this mode.
#include <cmath>
#include <cstdio>

#include "edgernn/edgernn.hpp"

#if defined(__cpp_exceptions) || defined(__GXX_RTTI)
#error "this file must be compiled with -fno-exceptions -fno-rtti"
#endif

namespace {

using namespace edgernn;
using act = activation;

float fill(float* p, std::size_t n, float seed) {
  for (std::size_t i = 0; i < n; ++i)
    p[i] = std::sin(seed + 0.37f * static_cast<float>(i)) * 0.3f;
  return seed + 1.0f;
}

Model<Lstm<2, 12>, Gru<12, 7, true>, Gru<7, 5, false>, SimpleRnn<5, 4, act::relu>,
      Dense<4, 3, act::sigmoid>>
    model;

float k0[2 * 48], u0[12 * 48], b0[48];
float k1[12 * 21], u1[7 * 21], b1[42];
float k2[7 * 15], u2[5 * 15], b2[15];
float k3[5 * 4], u3[4 * 4], b3[4];
float k4[4 * 3], b4[3];

}  // namespace

int main() {
  float s = 0.0f;
  s = fill(k0, sizeof k0 / 4, s), s = fill(u0, sizeof u0 / 4, s), s = fill(b0, sizeof b0 / 4, s);
  s = fill(k1, sizeof k1 / 4, s), s = fill(u1, sizeof u1 / 4, s), s = fill(b1, sizeof b1 / 4, s);
  s = fill(k2, sizeof k2 / 4, s), s = fill(u2, sizeof u2 / 4, s), s = fill(b2, sizeof b2 / 4, s);
  s = fill(k3, sizeof k3 / 4, s), s = fill(u3, sizeof u3 / 4, s), s = fill(b3, sizeof b3 / 4, s);
  s = fill(k4, sizeof k4 / 4, s), s = fill(b4, sizeof b4 / 4, s);
  const status st[] = {
      model.layer<0>().set_weights(k0, u0, b0), model.layer<1>().set_weights(k1, u1, b1),
      model.layer<2>().set_weights(k2, u2, b2), model.layer<3>().set_weights(k3, u3, b3),
      model.layer<4>().set_weights(k4, b4)};
  for (status x : st) {
    if (x != status::ok) {
      std::printf("set_weights: %s\n", to_string(x));
      return 1;
    }
  }
  float first[3] = {}, again[3] = {};
  for (int pass = 0; pass < 2; ++pass) {
    model.reset();
    float* out = pass == 0 ? first : again;
    for (int t = 0; t < 100; ++t) {
      const float x[2] = {std::sin(0.1f * static_cast<float>(t)), 0.5f};
      model.step(x, out);
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (!(first[i] > 0.0f && first[i] < 1.0f) || first[i] != again[i]) {
      std::printf("output %d: %g then %g\n", i, static_cast<double>(first[i]),
                  static_cast<double>(again[i]));
      return 1;
    }
  }
  std::printf("no-exceptions, no-RTTI build: ok (%s kernels), outputs %g %g %g\n",
              simd::ops<simd::default_arch>::name(), static_cast<double>(first[0]),
              static_cast<double>(first[1]), static_cast<double>(first[2]));
  return 0;
}
