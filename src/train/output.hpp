// edgernn trainer: where results go.
#pragma once

#include <string>

#include "io/model_desc.hpp"

namespace edgernn::train {

/// Writes a trained model all or nothing: Keras-layout JSON for a path ending in ".json",
/// the binary model file (.ern) otherwise, its weights as IEEE binary16 when `half_weights`
/// (format 1.1; refused for JSON). Throws io::error naming the path.
void write_model(const io::model_desc& m, const std::string& path, bool half_weights = false);

/// Throws std::runtime_error naming `option` unless the directory that will hold `path`
/// exists and is writable (checked before training, so a typo does not cost a run).
void check_writable(const std::string& path, const std::string& option);

}  // namespace edgernn::train
