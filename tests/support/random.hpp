// Deterministic random numbers for tests and benchmarks (same sequence on every platform).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgernn::test {

/// xorshift64*: small, fast, and the same everywhere (std distributions are not).
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  std::uint64_t next() noexcept {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  /// Uniform in [lo, hi).
  float uniform(float lo, float hi) noexcept {
    const float u = static_cast<float>(next() >> 40) * (1.0f / 16777216.0f);
    return lo + (hi - lo) * u;
  }
  std::vector<float> uniform(std::size_t n, float lo, float hi) {
    std::vector<float> v(n);
    for (float& x : v)
      x = uniform(lo, hi);
    return v;
  }

 private:
  std::uint64_t s_;
};

}  // namespace edgernn::test
