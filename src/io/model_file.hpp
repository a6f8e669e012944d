// edgernn io: the binary model file (.ern; layout in include/edgernn/format.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgernn/format.hpp"
#include "model_desc.hpp"

namespace edgernn::io {

/// The bytes of the model file for `m` (validated first; throws io::error).
std::vector<unsigned char> encode_model(const model_desc& m);

/// Parses and validates model-file bytes (every check of format::model_view); throws
/// io::error naming `name`, the field, and expected vs found.
model_desc decode_model(const unsigned char* bytes, std::size_t n, const std::string& name);

/// Writes `m` to `path` all or nothing (temporary file, then rename).
void write_model_file(const model_desc& m, const std::string& path);

/// Reads and validates a model file.
model_desc read_model_file(const std::string& path);

/// "name: <what failed>: expected X, found Y" for a failed load.
std::string describe(status s, const format::load_error& e, const std::string& name);

/// CRC-32 of a model file's contents as stored in it.
std::uint32_t stored_checksum(const std::vector<unsigned char>& file);

}  // namespace edgernn::io
