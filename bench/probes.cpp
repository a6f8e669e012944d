#include "probes.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <vector>

#if defined(__linux__)
#include <unistd.h>
#endif

#include "edgernn/simd/arch.hpp"

namespace edgernn::bench {

namespace {

// Thread CPU time: on a shared machine, time spent descheduled is not the kernel's.
double now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

using O = simd::ops<simd::default_arch>;

}  // namespace

double peak_gflops() {
  static const double value = [] {
    // 12 independent FMA chains: more than latency × throughput on every x86 and ARM core.
    typename O::reg a[12];
    for (int i = 0; i < 12; ++i)
      a[i] = O::broadcast(1.0f + 0.001f * static_cast<float>(i));
    // Through volatiles, so the compiler cannot fold the chains.
    volatile float vb = 0.9999999f, vc = 1e-7f;
    const auto b = O::broadcast(vb), c = O::broadcast(vc);
    double best = 0;
    for (int rep = 0; rep < 7; ++rep) {
      const long n = 2000000;
      const double t0 = now();
      for (long i = 0; i < n; ++i) {
        for (int k = 0; k < 12; ++k)
          a[k] = O::fma(a[k], b, c);
      }
      const double t = now() - t0;
      best = std::max(best, static_cast<double>(n) * 12 * O::width * 2 / t / 1e9);
    }
    float sink = 0;
    for (auto& v : a)
      sink += O::sum(v);
    return sink == 12345.0f ? 0.0 : best;
  }();
  return value;
}

namespace {
// Multiply-adds per second with every multiplicand widened from binary16, in the kernels of
// `Arch`.
template <class Arch>
double widened_rate() {
  using N = simd::ops<Arch>;
  // As many accumulators as the f16 LSTM's column block (half the register file: 16 with
  // 32 registers, 8 with 16), over 32 rows: at most 16 KiB of binary16, in L1.
  constexpr std::size_t regs = N::registers / 2, rows = 32, row_halves = regs * N::width;
  std::vector<std::uint16_t> panel(rows * row_halves, 0x3c00);  // 1.0
  std::vector<float> src(rows, 1e-7f);
  typename N::reg a[regs];
  for (auto& v : a)
    v = N::broadcast(0.0f);
  const std::uint16_t* w = panel.data();
  const float* x = src.data();
  double best = 0;
  for (int rep = 0; rep < 7; ++rep) {
    const long passes = 20000;
    const double t0 = now();
    for (long pass = 0; pass < passes; ++pass) {
      for (std::size_t k = 0; k < rows; ++k) {
        const auto s = N::broadcast(x[k]);
        for (std::size_t r = 0; r < regs; ++r)
          a[r] = N::fma(s, N::load(w + k * row_halves + r * N::width), a[r]);
      }
    }
    const double t = now() - t0;
    best = std::max(best, static_cast<double>(passes) * rows * regs * N::width * 2 / t / 1e9);
  }
  float sink = 0;
  for (auto& v : a)
    sink += N::sum(v);
  return sink == 12345.0f ? 0.0 : best;
}
}  // namespace

double widened_gflops() {
  // The faster of the two widths an AVX-512 build has: binary16 layers run either, by the width
  // rule (the 256-bit kernels widen twice as fast on Zen 4, the 512-bit ones faster on Intel's
  // 512-bit units).
  static const double value =
      std::max(widened_rate<simd::narrow_arch>(), widened_rate<simd::default_arch>());
  return value;
}

double read_bandwidth(std::size_t bytes) {
  const std::size_t n =
      std::max<std::size_t>(bytes / sizeof(float) / (4 * O::width), 1) * 4 * O::width;
  std::unique_ptr<float[]> mem(new float[n + 16]);
  float* p = mem.get();
  while (reinterpret_cast<std::uintptr_t>(p) % 64 != 0)
    ++p;
  for (std::size_t i = 0; i < n; ++i)
    p[i] = 1e-3f * static_cast<float>(i % 97);
  const std::size_t passes = std::max<std::size_t>(1, (std::size_t{256} << 20) / (n * 4));
  double best = 0;
  float sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    typename O::reg s0 = O::broadcast(0), s1 = s0, s2 = s0, s3 = s0;
    const double t0 = now();
    for (std::size_t pass = 0; pass < passes; ++pass) {
      for (std::size_t i = 0; i < n; i += 4 * O::width) {
        s0 = s0 + O::load(p + i);
        s1 = s1 + O::load(p + i + O::width);
        s2 = s2 + O::load(p + i + 2 * O::width);
        s3 = s3 + O::load(p + i + 3 * O::width);
      }
    }
    const double t = now() - t0;
    sink += O::sum((s0 + s1) + (s2 + s3));
    best = std::max(best, static_cast<double>(passes) * static_cast<double>(n) * 4 / t / 1e9);
  }
  return sink == 12345.0f ? 0.0 : best;
}

cache_sizes caches() {
  static const cache_sizes value = [] {
    cache_sizes c{32u << 10, 1u << 20, 32u << 20};  // Zen 4's, where the OS reports nothing
#if defined(__linux__) && defined(_SC_LEVEL1_DCACHE_SIZE)
    const long l1 = ::sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = ::sysconf(_SC_LEVEL2_CACHE_SIZE),
               l3 = ::sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l1 > 0) c.l1 = static_cast<std::size_t>(l1);
    if (l2 > 0) c.l2 = static_cast<std::size_t>(l2);
    if (l3 > 0) c.l3 = static_cast<std::size_t>(l3);
#endif
    return c;
  }();
  return value;
}

std::size_t probe_bytes(int level) {
  const cache_sizes c = caches();
  if (level == 1) return c.l1 / 2;
  if (level == 2) return c.l2 / 8 * 3;
  return std::min<std::size_t>(c.l3 / 4, 8u << 20);
}

double bandwidth_for(std::size_t bytes) {
  static const double l1 = read_bandwidth(probe_bytes(1));
  static const double l2 = read_bandwidth(probe_bytes(2));
  static const double l3 = read_bandwidth(probe_bytes(3));
  static const double mem = read_bandwidth(256 << 20);
  const cache_sizes c = caches();
  if (bytes <= c.l1 / 4 * 3) return l1;
  if (bytes <= c.l2 / 4 * 3) return l2;
  if (bytes <= c.l3 / 4 * 3) return l3;
  return mem;
}

}  // namespace edgernn::bench
