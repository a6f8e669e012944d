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

namespace {

// C++20's keywords and alternative tokens, each between spaces: none can name a namespace.
constexpr const char* cpp_keywords =
    " alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t"
    " char16_t char32_t class compl concept const consteval constexpr constinit const_cast"
    " continue co_await co_return co_yield decltype default delete do double dynamic_cast else"
    " enum explicit export extern false float for friend goto if inline int long mutable"
    " namespace new noexcept not not_eq nullptr operator or or_eq private protected public"
    " register reinterpret_cast requires return short signed sizeof static static_assert"
    " static_cast struct switch template this thread_local throw true try typedef typeid"
    " typename union unsigned using virtual void volatile wchar_t while xor xor_eq ";

bool is_keyword(const std::string& name) {
  return std::string(cpp_keywords).find(" " + name + " ") != std::string::npos;
}

// The standard library's namespaces: std and std followed by digits ([namespace.future]).
bool is_std(const std::string& name) {
  if (name.compare(0, 3, "std") != 0) return false;
  for (std::size_t i = 3; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  return true;
}

}  // namespace

std::string namespace_name_problem(const std::string& name) {
  bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name)
    identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!identifier) return "expected a C++ identifier";
  if (is_keyword(name)) return "a C++ keyword cannot name a namespace";
  if (is_std(name)) return "reserved for the standard library";
  if (name[0] == '_' || name.find("__") != std::string::npos) {
    return "names with a leading or a double underscore are reserved";
  }
  if (name == "edgernn") return "edgernn's own namespace";
  if (name == "linux" || name == "unix" || name == "i386") return "a macro in GCC's GNU modes";
  return "";
}

std::string identifier_from_path(const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  std::string id;
  for (char c : stem) {
    const char k = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    // No leading and no double underscore (reserved names).
    if (k != '_' || (!id.empty() && id.back() != '_')) id += k;
  }
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "model_" + id;
  if (!namespace_name_problem(id).empty()) id += "_model";  // a keyword, std, edgernn
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
