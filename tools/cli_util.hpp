// Helpers shared by the `edgernn` subcommands.
#pragma once

#include <string>

#include "io/model_desc.hpp"

namespace edgernn::cli {

/// Reads a model from a .ern file or a Keras-layout JSON file (told apart by content).
io::model_desc read_any_model(const std::string& path);

/// True if `path` names a JSON model by its extension.
bool is_json_path(const std::string& path);

/// A C++ identifier made from a file name's stem ("lstm-64.ern" → "lstm_64").
std::string identifier_from_path(const std::string& path);

}  // namespace edgernn::cli
