// The subcommands of the `edgernn` tool; each lives in its own cmd_*.cpp.
#pragma once

namespace CLI {
class App;
}

namespace edgernn::cli {

// Each adds one subcommand (with its options, help and callback) to `app`.
void add_convert_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_export_header_command(CLI::App& app);
void add_train_command(CLI::App& app);

}  // namespace edgernn::cli
