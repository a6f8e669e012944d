// edgernn trainer: the Adam optimiser with Keras defaults and optional global-norm clipping.
#pragma once

#include <cstddef>
#include <vector>

namespace edgernn::train {

/// Adam hyper-parameters (Keras defaults) and gradient clipping.
struct adam_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
  double clip_norm = 0;  ///< > 0: scale the whole gradient down to this L2 norm when above it
};

/// Adam as Keras applies it: with lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ),
/// m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², p −= lr_t·m / (√v + ε).
class adam {
 public:
  adam(std::size_t n, const adam_options& o) : o_(o), m_(n, 0.0f), v_(n, 0.0f) {}

  /// One update of p[0..n) from gradient g (g is scaled in place when clipped). Returns the
  /// gradient's L2 norm before clipping.
  double step(float* p, float* g);

  std::size_t steps() const noexcept { return t_; }
  const adam_options& options() const noexcept { return o_; }

 private:
  adam_options o_;
  std::vector<float> m_, v_;
  std::size_t t_ = 0;
};

}  // namespace edgernn::train
