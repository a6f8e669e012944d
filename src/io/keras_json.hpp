// edgernn io: the Keras-layout JSON model format (RTNeural-compatible, plus simple_rnn).
#pragma once

#include <string>

#include "model_desc.hpp"

namespace edgernn::io {

/// Parses JSON text; `name` (usually the file name) prefixes every error message.
model_desc parse_keras_json(const std::string& text, const std::string& name);

/// Reads and parses a JSON file.
model_desc read_keras_json(const std::string& path);

/// The JSON text of `m`; floats printed with 9 significant digits, so they read back exactly.
std::string to_keras_json(const model_desc& m);

}  // namespace edgernn::io
