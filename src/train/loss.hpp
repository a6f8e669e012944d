// edgernn trainer: losses over a batch of predictions.
#pragma once

#include <cmath>
#include <cstddef>

namespace edgernn::train {

/// Training loss: mean squared or mean absolute error over every output of every sample.
enum class loss_kind { mse, mae };

/// Sum over `rows` samples of the per-sample loss (mean over the `outs` outputs), and its
/// gradient scaled for a batch of `batch_rows` samples: dpred = d(loss sum / batch_rows)/dpred.
/// pred and dpred: [rows][stride]; target: [rows][outs]. Entries of dpred past `outs` are 0.
template <class T>
double loss_and_gradient(loss_kind kind, const T* pred, std::size_t stride, const float* target,
                         std::size_t rows, std::size_t outs, std::size_t batch_rows, T* dpred) {
  double sum = 0;
  const T scale = T(1) / static_cast<T>(batch_rows * outs);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < stride; ++j) {
      if (j >= outs) {
        if (dpred) dpred[r * stride + j] = T(0);
        continue;
      }
      const T e = pred[r * stride + j] - static_cast<T>(target[r * outs + j]);
      if (kind == loss_kind::mse) {
        sum += static_cast<double>(e) * static_cast<double>(e);
        if (dpred) dpred[r * stride + j] = T(2) * e * scale;
      } else {
        sum += std::fabs(static_cast<double>(e));
        if (dpred) dpred[r * stride + j] = (e > T(0) ? T(1) : e < T(0) ? T(-1) : T(0)) * scale;
      }
    }
  }
  return sum / static_cast<double>(outs);
}

}  // namespace edgernn::train
