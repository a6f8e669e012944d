#include "adam.hpp"

#include <cmath>

namespace edgernn::train {

double adam::step(float* p, float* g) {
  const std::size_t n = m_.size();
  double sq = 0;
  for (std::size_t i = 0; i < n; ++i)
    sq += static_cast<double>(g[i]) * static_cast<double>(g[i]);
  const double norm = std::sqrt(sq);
  if (o_.clip_norm > 0 && norm > o_.clip_norm) {
    const float s = static_cast<float>(o_.clip_norm / norm);
    for (std::size_t i = 0; i < n; ++i)
      g[i] *= s;
  }
  ++t_;
  const double t = static_cast<double>(t_);
  const float lr_t = static_cast<float>(o_.lr * std::sqrt(1.0 - std::pow(o_.beta2, t)) /
                                        (1.0 - std::pow(o_.beta1, t)));
  const float b1 = static_cast<float>(o_.beta1), b2 = static_cast<float>(o_.beta2);
  const float eps = static_cast<float>(o_.epsilon);
  float* m = m_.data();
  float* v = v_.data();
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
  }
  return norm;
}

}  // namespace edgernn::train
