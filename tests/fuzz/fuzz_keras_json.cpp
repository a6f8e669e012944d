// Fuzz target: text → io::parse_keras_json. Bad input must come back as io::error and nothing
// else; a model it accepts is valid, and survives encode_model → decode_model and
// to_keras_json → parse_keras_json bit for bit. (What the model file then does in the loaders
// is fuzz_model_file's part: running them here would double this target's build time.)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace {

using namespace edgernn;

// Whether `m` is beyond what a model file holds (encode_model refuses it, by design).
bool exceeds_file_limits(const io::model_desc& m) {
  if (m.layers.size() > format::max_layers) return true;
  for (const io::layer_desc& l : m.layers) {
    if (l.in > format::max_units || l.units > format::max_units) return true;
  }
  return false;
}

void check_text(const std::string& text) {
  io::model_desc m;
  try {
    m = io::parse_keras_json(text, "fuzz.json");
  } catch (const io::error&) {
    return;  // refused with a message: what bad input should get
  }
  // Past this point nothing may throw: an escaping exception ends the run as a finding.
  m.validate("fuzz.json");

  const io::model_desc reparsed = io::parse_keras_json(io::to_keras_json(m), "again.json");
  EDGERNN_FUZZ_CHECK(fuzz::same_model(reparsed, m));

  std::vector<unsigned char> bytes;
  try {
    bytes = io::encode_model(m);
  } catch (const io::error&) {
    EDGERNN_FUZZ_CHECK(exceeds_file_limits(m));
    return;
  }
  EDGERNN_FUZZ_CHECK(!exceeds_file_limits(m));
  EDGERNN_FUZZ_CHECK(fuzz::same_model(io::decode_model(bytes.data(), bytes.size(), "fuzz.ern"), m));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    check_text(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
