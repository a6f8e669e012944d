// `edgernn convert`: Keras-layout JSON ↔ model file (.ern).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli_util.hpp"
#include "commands.hpp"
#include "edgernn/format.hpp"
#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace edgernn::cli {

void add_convert_command(CLI::App& app) {
  struct options {
    std::string in, out, weights;
  };
  auto opt = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Convert a model between Keras-layout JSON (the RTNeural-compatible layout, plus "
      "simple_rnn) and the edgernn model file (.ern). The output format follows the output "
      "file's extension (.json, anything else: .ern); the input's is recognized by content.");
  cmd->add_option("input", opt->in, "model to read (.json or .ern)")->required();
  cmd->add_option("-o,--output", opt->out, "file to write")->required();
  cmd->add_option("--weights", opt->weights,
                  "how a model file (.ern) stores the weights: f32 (IEEE binary32) or f16 (IEEE "
                  "binary16: half the bytes, each weight rounded to ~3 significant digits, "
                  "format 1.1). Default: as the input stores them (f32 for JSON)")
      ->check(CLI::IsMember({"f32", "f16"}));
  cmd->callback([opt] {
    io::encode_options stored;
    io::model_desc m;
    const std::vector<unsigned char> bytes = io::read_file(opt->in);
    if (bytes.size() >= 4 && std::equal(bytes.begin(), bytes.begin() + 4, format::magic)) {
      m = io::decode_model(bytes.data(), bytes.size(), opt->in, &stored);
    } else {
      m = read_any_model(opt->in);
    }
    io::encode_options options = stored;
    if (!opt->weights.empty()) options.half_weights = opt->weights == "f16";
    if (is_json_path(opt->out)) {
      if (!opt->weights.empty()) {
        throw io::error("--weights: applies to model files (.ern), not to JSON output");
      }
      io::write_file_atomic(opt->out, io::to_keras_json(m));
    } else {
      io::write_model_file(m, opt->out, options);
    }
    std::fprintf(stderr, "%s: %zu layers, %zu parameters -> %s\n", opt->in.c_str(), m.layers.size(),
                 m.param_count(), opt->out.c_str());
  });
}

}  // namespace edgernn::cli
