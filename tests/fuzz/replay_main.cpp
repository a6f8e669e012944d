// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so every
// compiler and sanitizer preset runs the seeds and the regression cases in ctest.
// Usage: replay DIR_OR_FILE... (directories: every regular file in them, in name order; files
// whose names start with '.' or "README" are skipped). Fails if nothing was replayed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

bool wanted(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.rfind('.', 0) != 0 && name.rfind("README", 0) != 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file() && wanted(entry.path())) found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      std::printf("%s: %zu inputs\n", arg.string().c_str(), found.size());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", arg.string().c_str());
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "no inputs to replay\n");
    return 1;
  }
  for (const fs::path& p : inputs) {
    std::ifstream f(p, std::ios::binary);
    if (!f) {
      std::fprintf(stderr, "%s: cannot open for reading\n", p.string().c_str());
      return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(f)),
                                  std::istreambuf_iterator<char>());
    // Named before running, so a crash is attributed to its input.
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", p.string().c_str(), bytes.size());
    // A copy of exactly the input's size, as libFuzzer hands it: ASan sees any read past it.
    // An empty input still gets a valid pointer, as from libFuzzer.
    std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
    static std::uint8_t no_bytes;
    LLVMFuzzerTestOneInput(data.empty() ? &no_bytes : data.data(), data.size());
  }
  std::printf("replayed %zu inputs: no invariant broken\n", inputs.size());
  return 0;
}
