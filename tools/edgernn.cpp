// `edgernn`: one command for the whole workflow; see `edgernn --help`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "edgernn/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "edgernn: train, convert, inspect, run and export recurrent networks for edge devices"};
  app.set_version_flag("--version", edgernn::version);
  app.require_subcommand(1);
#ifdef EDGERNN_CMD_CONVERT
  edgernn::cli::add_convert_command(app);
#endif
#ifdef EDGERNN_CMD_INFO
  edgernn::cli::add_info_command(app);
#endif
#ifdef EDGERNN_CMD_RUN
  edgernn::cli::add_run_command(app);
#endif
#ifdef EDGERNN_CMD_EXPORT_HEADER
  edgernn::cli::add_export_header_command(app);
#endif
#ifdef EDGERNN_CMD_TRAIN
  edgernn::cli::add_train_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::fprintf(stderr, "edgernn: %s (see --help)\n", e.what());
    return e.get_exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgernn: %s\n", e.what());
    return 1;
  }
  return 0;
}
