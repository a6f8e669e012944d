// `edgernn convert`: Keras-layout JSON ↔ model file (.ern).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli_util.hpp"
#include "commands.hpp"
#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"

namespace edgernn::cli {

void add_convert_command(CLI::App& app) {
  struct options {
    std::string in, out;
  };
  auto opt = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Convert a model between Keras-layout JSON (the RTNeural-compatible layout, plus "
      "simple_rnn) and the edgernn model file (.ern). The output format follows the output "
      "file's extension (.json, anything else: .ern); the input's is recognized by content.");
  cmd->add_option("input", opt->in, "model to read (.json or .ern)")->required();
  cmd->add_option("-o,--output", opt->out, "file to write")->required();
  cmd->callback([opt] {
    const io::model_desc m = read_any_model(opt->in);
    if (is_json_path(opt->out)) {
      io::write_file_atomic(opt->out, io::to_keras_json(m));
    } else {
      io::write_model_file(m, opt->out);
    }
    std::fprintf(stderr, "%s: %zu layers, %zu parameters -> %s\n", opt->in.c_str(), m.layers.size(),
                 m.param_count(), opt->out.c_str());
  });
}

}  // namespace edgernn::cli
