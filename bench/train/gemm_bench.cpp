// The trainer's matrix products, its own register-tile kernels against Eigen 3.4, on the
// shapes one batch shard (16 windows of 50 steps) of the sine task produces for SimpleRNN-50
// and LSTM-50. Prints µs per call and the time per epoch each implies (calls per epoch =
// 50 batches·shards × calls per shard). Usage: edgernn_train_gemm_bench [min seconds per case]
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "train/buffer.hpp"
#include "train/kernels.hpp"

namespace {

using edgernn::train::buffer;
namespace k = edgernn::train::kernels;
using mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using map = Eigen::Map<mat, Eigen::Aligned64, Eigen::OuterStride<>>;
using cmap = Eigen::Map<const mat, Eigen::Aligned64, Eigen::OuterStride<>>;

double seconds_per_call(const std::function<void()>& f, double min_seconds) {
  f();
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    std::size_t n = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double t = 0;
    do {
      for (int i = 0; i < 16; ++i)
        f();
      n += 16;
      t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (t < min_seconds / 5);
    best = std::min(best, t / double(n));
  }
  return best;
}

struct shape {
  const char* what;
  int kind;  // 0: C += A·B, 1: C = A·B^T (B stored as the forward weights), 2: C += A^T·B
  std::size_t m, n, k;
  std::size_t calls;  // per shard and batch
};

}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const std::size_t batches = 25 * 2;  // 800 windows / 32 per batch, 2 shards each
  // H = 50 padded to 64 columns; 16 windows per shard; 50 steps.
  const std::vector<shape> shapes = {
      {"simple_rnn-50 forward step   h·U      16x50 · 50x64", 0, 16, 64, 50, 49},
      {"simple_rnn-50 backward step  dz·U^T    16x50 · 50x64", 1, 16, 64, 50, 49},
      {"simple_rnn-50 weight grad    h^T·dz    784x50^T · 784x64", 2, 50, 64, 784, 1},
      {"lstm-50 forward step         h·U      16x50 · 50x256", 0, 16, 256, 50, 49},
      {"lstm-50 backward step        dz·U^T    16x200 · 200x64", 1, 16, 64, 200, 49},
      {"lstm-50 weight grad          h^T·dz    784x50^T · 784x256", 2, 50, 256, 784, 1},
  };
  std::printf("%-58s %10s %10s %8s\n", "product (one batch shard)", "ours us", "Eigen us",
              "Eigen/ours");
  double ours_epoch[2] = {0, 0}, eigen_epoch[2] = {0, 0};
  for (std::size_t si = 0; si < shapes.size(); ++si) {
    const shape& s = shapes[si];
    const std::size_t ka = s.kind == 2 ? s.k : s.m, na = s.kind == 2 ? s.m : s.k;  // A rows, cols
    buffer<float> a(ka * 256), b(std::max(s.k, s.n) * 256), bt(256 * 256), c(s.m * s.n);
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = 0.001f * float(i % 97) - 0.04f;
    for (std::size_t i = 0; i < b.size(); ++i)
      b[i] = 0.002f * float(i % 89) - 0.08f;
    for (std::size_t i = 0; i < bt.size(); ++i)
      bt[i] = b[i % b.size()];
    const std::size_t lda = s.kind == 1 ? 256 : 64;
    std::function<void()> ours, eigen;
    if (s.kind == 0) {  // C[m×n] += A[m×k]·B[k×n]
      ours = [&] {
        k::gemm_nn(s.m, s.n, s.k, 1, a.data(), lda, 0, b.data(), s.n, 0, c.data(), s.n, true);
      };
      eigen = [&] {
        map(c.data(), s.m, s.n, Eigen::OuterStride<>(s.n)).noalias() +=
            cmap(a.data(), s.m, s.k, Eigen::OuterStride<>(lda)) *
            cmap(b.data(), s.k, s.n, Eigen::OuterStride<>(s.n));
      };
    } else if (s.kind == 1) {  // C[m×n] = A[m×k]·W^T, W n×k: ours reads a transposed copy
      ours = [&] {
        k::gemm_nn(s.m, s.n, s.k, 1, a.data(), lda, 0, bt.data(), s.n, 0, c.data(), s.n, false);
      };
      eigen = [&] {
        map(c.data(), s.m, s.n, Eigen::OuterStride<>(s.n)).noalias() =
            cmap(a.data(), s.m, s.k, Eigen::OuterStride<>(lda)) *
            cmap(b.data(), s.n, s.k, Eigen::OuterStride<>(256)).transpose();
      };
    } else {  // C[m×n] += A[k×m]^T·B[k×n]
      ours = [&] { k::gemm_tn(s.m, s.n, s.k, a.data(), 64, b.data(), s.n, c.data(), s.n); };
      eigen = [&] {
        map(c.data(), s.m, s.n, Eigen::OuterStride<>(s.n)).noalias() +=
            cmap(a.data(), s.k, na, Eigen::OuterStride<>(64)).transpose() *
            cmap(b.data(), s.k, s.n, Eigen::OuterStride<>(s.n));
      };
    }
    const double to = seconds_per_call(ours, min_seconds),
                 te = seconds_per_call(eigen, min_seconds);
    std::printf("%-58s %10.2f %10.2f %8.2f\n", s.what, to * 1e6, te * 1e6, te / to);
    ours_epoch[si / 3] += to * double(s.calls * batches);
    eigen_epoch[si / 3] += te * double(s.calls * batches);
  }
  std::printf("\nimplied matrix-product time per epoch (one thread):\n");
  std::printf("  simple_rnn-50: ours %.2f ms, Eigen %.2f ms\n", ours_epoch[0] * 1e3,
              eigen_epoch[0] * 1e3);
  std::printf("  lstm-50:       ours %.2f ms, Eigen %.2f ms\n", ours_epoch[1] * 1e3,
              eigen_epoch[1] * 1e3);
  return 0;
}
