// edgernn io: the binary model file (.ern; layout in include/edgernn/format.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgernn/format.hpp"
#include "model_desc.hpp"

namespace edgernn::io {

/// How encode_model stores the weights.
struct encode_options {
  /// IEEE binary16 weights (flag bit 2, version 1.1): half the bytes, each value rounded to
  /// nearest even (relative error ≤ 2^−11); values beyond ±65504 are refused. The scaling
  /// stays binary32.
  bool half_weights = false;
};

/// The bytes of the model file for `m` (validated first; throws io::error).
std::vector<unsigned char> encode_model(const model_desc& m, const encode_options& options = {});

/// Parses and validates model-file bytes (every check of format::model_view); throws
/// io::error naming `name`, the field, and expected vs found. Binary16 weights are widened
/// (exactly); `stored` (if given) receives how the file stores them.
model_desc decode_model(const unsigned char* bytes, std::size_t n, const std::string& name,
                        encode_options* stored = nullptr);

/// Writes `m` to `path` all or nothing (temporary file, then rename).
void write_model_file(const model_desc& m, const std::string& path,
                      const encode_options& options = {});

/// Reads and validates a model file.
model_desc read_model_file(const std::string& path);

/// "name: <what failed>: expected X, found Y" for a failed load.
std::string describe(status s, const format::load_error& e, const std::string& name);

/// CRC-32 of a model file's contents as stored in it.
std::uint32_t stored_checksum(const std::vector<unsigned char>& file);

}  // namespace edgernn::io
