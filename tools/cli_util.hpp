// Helpers shared by the `edgernn` subcommands.
#pragma once

#include <string>
#include <vector>

#include "io/model_desc.hpp"
#include "io/model_file.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace edgernn::cli {

/// Reads a model from a .ern file or a Keras-layout JSON file (told apart by content). `stored`
/// (if given) receives how the file stores the weights (float32 for JSON).
io::model_desc read_any_model(const std::string& path, io::encode_options* stored = nullptr);

/// True if `bytes` start with the model file's magic (format::magic).
bool is_model_file(const std::vector<unsigned char>& bytes);

/// True if `path` names a JSON model by its extension.
bool is_json_path(const std::string& path);

/// Why `name` cannot name an exported header's namespace, or "" if it can: not an identifier,
/// a C++ keyword, reserved (std, std followed by digits, a leading or a double underscore),
/// edgernn's own namespace, or a macro GCC predefines in its GNU modes (linux, unix, i386).
std::string namespace_name_problem(const std::string& name);

/// A namespace name made from a file name's stem that namespace_name_problem accepts
/// ("lstm-64.ern" → "lstm_64", "9.hpp" → "model_9", "class.hpp" → "class_model").
std::string identifier_from_path(const std::string& path);

/// The --activations option of `run` and `export-header` into `value`: precise (the default) or
/// fast; `use` completes the help text's description of fast.
CLI::Option* add_activations_option(CLI::App& cmd, std::string& value, const char* use);

/// Whether the option asks for the fast activations.
inline bool fast_activations(const std::string& value) {
  return value == "fast";
}

/// Throws io::error (`prefix`, then the reason and `remedy`) if --activations precise was given
/// for a model with binary16 layers (`half`), which have only the fast activations.
void refuse_precise_for_f16(const CLI::Option& option, const std::string& value, bool half,
                            const std::string& prefix, const char* remedy);

}  // namespace edgernn::cli
