#include "output.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace edgernn::train {

namespace fs = std::filesystem;

void write_model(const io::model_desc& m, const std::string& path, bool half_weights) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".json" || ext == ".JSON") {
    if (half_weights)
      throw io::error("--weights f16: applies to model files (.ern), not to JSON output " + path);
    m.validate(path);
    io::write_file_atomic(path, io::to_keras_json(m));
  } else {
    io::encode_options options;
    options.half_weights = half_weights;
    io::write_model_file(m, path, options);
  }
}

void check_writable(const std::string& path, const std::string& option) {
  if (path.empty()) throw std::runtime_error(option + ": expected a file name, found nothing");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error(option + " " + path + ": directory " + dir.string() +
                             " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error(option + " " + path + ": directory " + dir.string() +
                             " is not writable");
  if (fs::is_directory(path, ec))
    throw std::runtime_error(option + " " + path + ": is a directory, expected a file name");
}

}  // namespace edgernn::train
