// The trainer's float kernels (SIMD register tiles) against plain double loops, over sizes that
// cover full tiles, every row and register tail, segments and accumulation.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "support/random.hpp"
#include "train/buffer.hpp"
#include "train/kernels.hpp"

using namespace edgernn;
namespace k = edgernn::train::kernels;

namespace {

// Float sums of K products differ from the exact value by at most about K·ε·Σ|a·b|
// (ε = 2^-24 per rounding, FMAs round once per step): tolerance 2·K·6e-8·Σ|a·b| + 1e-7.
double tolerance(std::size_t k_total, double abs_sum) {
  return 2.0 * static_cast<double>(k_total) * 6e-8 * abs_sum + 1e-7;
}

}  // namespace

TEST_CASE("gemm_nn matches double loops (rows, register tails, segments, accumulate)") {
  test::rng r(3);
  std::size_t cases = 0;
  for (std::size_t m : {1u, 2u, 5u, 6u, 7u, 12u, 13u, 33u}) {
    for (std::size_t n : {16u, 32u, 48u, 64u, 80u, 144u}) {
      for (std::size_t kseg : {1u, 3u, 50u}) {
        for (std::size_t nseg : {1u, 3u}) {
          for (bool acc : {false, true}) {
            const std::size_t aseg = kseg + 5, bseg = kseg + 2;  // gaps between segments
            const std::size_t lda = nseg * aseg + 3, ldb = n + 16, ldc = n + 32;
            train::buffer<float> a(m * lda), b((nseg * bseg) * ldb), c(m * ldc);
            for (std::size_t i = 0; i < a.size(); ++i)
              a[i] = r.uniform(-1, 1);
            for (std::size_t i = 0; i < b.size(); ++i)
              b[i] = r.uniform(-1, 1);
            for (std::size_t i = 0; i < c.size(); ++i)
              c[i] = r.uniform(-1, 1);
            std::vector<float> c0(c.data(), c.data() + c.size());
            k::gemm_nn(m, n, kseg, nseg, a.data(), lda, aseg, b.data(), ldb, bseg, c.data(), ldc,
                       acc);
            bool ok = true;
            for (std::size_t i = 0; i < m; ++i)
              for (std::size_t j = 0; j < ldc; ++j) {
                if (j >= n) {  // beyond n: untouched
                  ok = ok && c[i * ldc + j] == c0[i * ldc + j];
                  continue;
                }
                double s = acc ? c0[i * ldc + j] : 0.0, abs_sum = std::fabs(s);
                for (std::size_t sg = 0; sg < nseg; ++sg)
                  for (std::size_t kk = 0; kk < kseg; ++kk) {
                    const double p =
                        double(a[i * lda + sg * aseg + kk]) * double(b[(sg * bseg + kk) * ldb + j]);
                    s += p;
                    abs_sum += std::fabs(p);
                  }
                ok = ok && std::fabs(c[i * ldc + j] - s) <= tolerance(nseg * kseg + 1, abs_sum);
              }
            INFO("m " << m << " n " << n << " kseg " << kseg << " nseg " << nseg << " acc " << acc);
            CHECK(ok);
            ++cases;
          }
        }
      }
    }
  }
  CHECK(cases == 576);
}

TEST_CASE("gemm_tn matches double loops") {
  test::rng r(4);
  for (std::size_t m : {1u, 3u, 6u, 11u, 50u}) {
    for (std::size_t n : {16u, 64u, 80u, 256u}) {
      for (std::size_t kk : {0u, 1u, 7u, 400u}) {
        const std::size_t lda = m + 4, ldb = n + 16, ldc = n;
        train::buffer<float> a(kk * lda + 1), b(kk * ldb + 1), c(m * ldc);
        for (std::size_t i = 0; i < a.size(); ++i)
          a[i] = r.uniform(-1, 1);
        for (std::size_t i = 0; i < b.size(); ++i)
          b[i] = r.uniform(-1, 1);
        for (std::size_t i = 0; i < c.size(); ++i)
          c[i] = r.uniform(-1, 1);
        std::vector<float> c0(c.data(), c.data() + c.size());
        k::gemm_tn(m, n, kk, a.data(), lda, b.data(), ldb, c.data(), ldc);
        bool ok = true;
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = 0; j < n; ++j) {
            double s = c0[i * ldc + j], abs_sum = std::fabs(s);
            for (std::size_t q = 0; q < kk; ++q) {
              const double p = double(a[q * lda + i]) * double(b[q * ldb + j]);
              s += p;
              abs_sum += std::fabs(p);
            }
            ok = ok && std::fabs(c[i * ldc + j] - s) <= tolerance(kk + 1, abs_sum);
          }
        INFO("m " << m << " n " << n << " k " << kk);
        CHECK(ok);
      }
    }
  }
}

TEST_CASE("float activations stay within the core's documented error bounds") {
  train::buffer<float> x(4096);
  train::buffer<double> xd(4096);
  test::rng r(9);
  for (std::size_t i = 0; i < x.size(); ++i)
    xd[i] = x[i] = r.uniform(-12, 12);
  for (activation a :
       {activation::linear, activation::relu, activation::tanh, activation::sigmoid}) {
    train::buffer<float> y(x.size());
    train::buffer<double> yd(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      y[i] = x[i];
      yd[i] = xd[i];
    }
    k::activate(a, y.data(), y.size());
    k::activate(a, yd.data(), yd.size());
    double worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      worst = std::max(worst, std::fabs(y[i] - yd[i]));
    const double bound = a == activation::tanh      ? simd::tanh_max_abs_error
                         : a == activation::sigmoid ? simd::sigmoid_max_abs_error
                                                    : 0.0;
    INFO(to_string(a) << ": worst " << worst);
    CHECK(worst <= bound);
  }
}
