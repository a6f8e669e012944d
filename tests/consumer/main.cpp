// Uses only what `find_package(edgernn)` provides.
#include <cmath>
#include <cstdio>
#include <edgernn/edgernn.hpp>

float consumer_all_layers(const float* x, float* y);  // intrinsics_first.cpp

int main() {
  static edgernn::Model<edgernn::Lstm<1, 4>, edgernn::Dense<4, 1>> model;
  float kernel[16], recurrent[64], bias[16], head[4], head_bias[1] = {0.1f};
  for (int i = 0; i < 16; ++i)
    kernel[i] = bias[i] = 0.05f * static_cast<float>(i % 5);
  for (int i = 0; i < 64; ++i)
    recurrent[i] = 0.01f * static_cast<float>(i % 7);
  for (int i = 0; i < 4; ++i)
    head[i] = 0.5f;
  if (model.layer<0>().set_weights(kernel, recurrent, bias) != edgernn::status::ok ||
      model.layer<1>().set_weights(head, head_bias) != edgernn::status::ok) {
    std::puts("set_weights failed");
    return 1;
  }
  float y = 0.0f;
  for (int t = 0; t < 10; ++t) {
    const float x = std::sin(0.3f * static_cast<float>(t));
    model.step(&x, &y);
  }
  const float x3[3] = {0.1f, -0.2f, 0.3f};
  float y2[2] = {0.0f, 0.0f};
  if (!std::isfinite(consumer_all_layers(x3, y2))) return 1;
  std::printf("edgernn %s from the installed package: y = %g\n", edgernn::version,
              static_cast<double>(y));
  return std::isfinite(y) && y != 0.0f ? 0 : 1;
}
