// doctest main for the test programs on the MCU. qemu passes the command line through
// semihosting with spaces encoded (toolchains/qemu-semihosting.sh): read it again with room for
// doctest's longest filters (newlib's startup keeps 255 bytes and drops a longer one whole),
// decode the arguments, say which kernels run, then run doctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

#include "edgernn/edgernn.hpp"
#include "semihosting.h"

namespace {

// "\s" -> ' ', "\\" -> '\', in place.
void decode(char* arg) {
  char* out = arg;
  for (const char* in = arg; *in != '\0'; ++in) {
    if (in[0] == '\\' && (in[1] == 's' || in[1] == '\\')) {
      *out++ = in[1] == 's' ? ' ' : '\\';
      ++in;
    } else {
      *out++ = *in;
    }
  }
  *out = '\0';
}

// The arguments from SYS_GET_CMDLINE (0x15), split at spaces and decoded; empty on failure.
std::vector<char*> command_line() {
  static char text[8192];
  struct {
    char* buffer;
    int size;
  } block = {text, static_cast<int>(sizeof text - 1)};
  std::vector<char*> args;
  if (semihosting_call(0x15, &block) != 0) return args;
  text[block.size] = '\0';
  for (char* p = std::strtok(text, " "); p != nullptr; p = std::strtok(nullptr, " ")) {
    decode(p);
    args.push_back(p);
  }
  return args;
}

}  // namespace
// std::random_device asks newlib for entropy, which bare metal has none of; doctest only
// seeds from it for --order-by=rand, never used here.
extern "C" int getentropy(void*, std::size_t) {
  errno = ENOSYS;
  return -1;
}

int main(int argc, char** argv) {
  std::vector<char*> args = command_line();
  if (!args.empty()) {
    argc = static_cast<int>(args.size());
    argv = args.data();
  }
  bool listing = false;
  for (int i = 1; i < argc; ++i)
    listing =
        listing || std::strncmp(argv[i], "--list", 6) == 0 || std::strncmp(argv[i], "-l", 2) == 0;
  if (!listing) {
    using O = edgernn::simd::ops<edgernn::simd::default_arch>;
    // %u: newlib's printf here has no %zu.
    std::printf("edgernn %s: kernels for %s, %u floats per register (bare-metal Cortex-M)\n",
                edgernn::version, O::name(), static_cast<unsigned>(O::width));
  }
  doctest::Context context(argc, argv);
  // The sweeps over the whole float range need 4 MiB of samples and tens of millions of
  // float64 tanh/exp in software: test_activations_sample.cpp runs a sample of that range,
  // for both fits.
  context.addFilter("test-case-exclude",
                    "*over the whole float range,"
                    "fused activation forms stay within the documented bounds,"
                    "fused activation forms of the cheaper fit stay within its bounds");
  return context.run();
}
