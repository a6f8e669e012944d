// doctest main for the core suites: says which kernels ran before running them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

#include "edgernn/edgernn.hpp"

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i)
    listing =
        listing || std::strncmp(argv[i], "--list", 6) == 0 || std::strncmp(argv[i], "-l", 2) == 0;
  if (!listing) {
    using O = edgernn::simd::ops<edgernn::simd::default_arch>;
    std::printf("edgernn %s: kernels for %s, %zu floats per register\n", edgernn::version,
                O::name(), O::width);
  }
  doctest::Context context(argc, argv);
  return context.run();
}
