// Writes the model-file seeds of the fuzz targets: every JSON model given, converted to .ern,
// and two variants of each that JSON cannot express.
// Usage: make_seeds OUT_DIR MODEL.json...  writes OUT_DIR/NAME.ern, NAME_scaled.ern (input and
// output scaling) and NAME_v1_1.ern (the layout a later 1.1 writer may produce: longer header
// and records, minor version 1, an optional flag bit; a 1.0 reader must load it).
// NAME is the JSON file's stem, or its folder's name for a golden case's model.json.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace {

using namespace edgernn;
using bytes_t = std::vector<unsigned char>;

std::uint64_t get(const bytes_t& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= std::uint64_t{b[at + i]} << (8 * i);
  return v;
}
void put(bytes_t& b, std::size_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i)
    b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t align16(std::uint64_t v) {
  return (v + 15) / 16 * 16;
}

// Re-lays a 1.0 file (64-byte header, 32-byte records) with an 80-byte header and 48-byte
// records, the extra bytes zero, every offset moved, file size and CRC rewritten.
bytes_t as_minor_1(const bytes_t& b) {
  constexpr std::size_t header = 80, record = 48;
  const std::size_t count = get(b, 20, 4);
  const std::size_t old_data = align16(64 + 32 * count);
  const std::size_t new_data = align16(header + record * count);
  const std::size_t payload = b.size() - 4 - old_data;  // scaling and weights
  bytes_t out(new_data + payload + 4, 0);
  std::copy(b.begin(), b.begin() + 64, out.begin());
  put(out, 10, 1, 2);                           // version_minor
  put(out, 12, header, 4);                      // header_bytes
  put(out, 16, get(b, 16, 4) | (1u << 16), 4);  // an optional flag a 1.0 reader ignores
  put(out, 40, record, 4);                      // record_bytes
  for (std::size_t i = 0; i < count; ++i) {
    std::copy(b.begin() + 64 + 32 * i, b.begin() + 64 + 32 * (i + 1),
              out.begin() + header + record * i);
    const std::size_t off = header + record * i + 16;
    put(out, off, get(out, off, 8) - old_data + new_data, 8);
  }
  std::copy(b.begin() + old_data, b.end() - 4, out.begin() + new_data);
  put(out, 32, out.size(), 8);
  put(out, out.size() - 4, format::crc32(out.data(), out.size() - 4), 4);
  return out;
}

void write(const std::filesystem::path& path, const bytes_t& b) {
  io::write_file_atomic(path.string(), b.data(), b.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR MODEL.json...\n");
    return 2;
  }
  try {
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    for (int i = 2; i < argc; ++i) {
      const std::filesystem::path json = argv[i];
      const std::string name = json.filename() == "model.json"
                                   ? json.parent_path().filename().string()
                                   : json.stem().string();
      io::model_desc m = io::read_keras_json(json.string());
      const bytes_t plain = io::encode_model(m);
      write(out / (name + ".ern"), plain);
      write(out / (name + "_v1_1.ern"), as_minor_1(plain));
      // Scales and offsets of different signs and sizes, one per channel.
      for (std::size_t k = 0; k < m.in; ++k) {
        m.norm.in_scale.push_back(0.5f + static_cast<float>(k));
        m.norm.in_offset.push_back(-0.25f * static_cast<float>(k));
      }
      for (std::size_t k = 0; k < m.out(); ++k) {
        m.norm.out_scale.push_back(2.0f - static_cast<float>(k));
        m.norm.out_offset.push_back(1.0f + static_cast<float>(k));
      }
      write(out / (name + "_scaled.ern"), io::encode_model(m));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
