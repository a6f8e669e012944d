#include "cli_util.hpp"

#include <CLI/CLI.hpp>
#include <cctype>

#include "edgernn/format.hpp"
#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace edgernn::cli {

io::model_desc read_any_model(const std::string& path, io::encode_options* stored) {
  const std::vector<unsigned char> bytes = io::read_file(path);
  if (is_model_file(bytes)) {
    return io::decode_model(bytes.data(), bytes.size(), path, stored);
  }
  if (stored != nullptr) *stored = io::encode_options{};
  std::size_t i = 0;
  while (i < bytes.size() && std::isspace(bytes[i]))
    ++i;
  if (i < bytes.size() && bytes[i] == '{') {
    return io::parse_keras_json(std::string(bytes.begin(), bytes.end()), path);
  }
  throw io::error(path + ": neither an edgernn model file (.ern) nor a JSON model");
}

bool is_model_file(const std::vector<unsigned char>& bytes) {
  return bytes.size() >= 4 && bytes[0] == format::magic[0] && bytes[1] == format::magic[1] &&
         bytes[2] == format::magic[2] && bytes[3] == format::magic[3];
}

bool is_json_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

std::string identifier_from_path(const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  std::string id;
  for (char c : stem)
    id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "model_" + id;
  return id;
}

CLI::Option* add_activations_option(CLI::App& cmd, std::string& value, const char* use) {
  return cmd
      .add_option("--activations", value,
                  std::string("precise: tanh and sigmoid good to 4e-7; fast: the cheaper "
                              "rational of the f16 layers (7e-5), ") +
                      use + ". f16 layers always use fast")
      ->check(CLI::IsMember({"precise", "fast"}))
      ->capture_default_str();
}

void refuse_precise_for_f16(const CLI::Option& option, const std::string& value, bool half,
                            const std::string& prefix, const char* remedy) {
  if (half && !fast_activations(value) && option.count() > 0) {
    throw io::error(prefix + "--activations precise: f16 layers always use the fast activations (" +
                    remedy + ")");
  }
}

}  // namespace edgernn::cli
