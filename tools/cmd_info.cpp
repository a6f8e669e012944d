// `edgernn info`: what a model file holds and what it costs on a device.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli_util.hpp"
#include "commands.hpp"
#include "edgernn/dynamic_model.hpp"
#include "io/files.hpp"
#include "io/model_file.hpp"

namespace edgernn::cli {

namespace {

std::string layer_name(const io::layer_desc& l) {
  std::string s = to_string(l.kind);
  if (l.kind == layer_kind::dense || l.kind == layer_kind::simple_rnn) {
    s += std::string("(") + to_string(l.act) + ")";
  } else if (l.kind == layer_kind::gru) {
    s += l.reset_after ? "(reset_after)" : "(reset_before)";
  }
  return s;
}

layer_spec spec_of(const io::layer_desc& l) {
  return {l.kind, l.act, l.reset_after, l.in, l.units};
}

// Bytes of a static Model / ConstModel with the kernels of `Arch`.
template <class Arch>
void footprint_line(const io::model_desc& m, const char* label) {
  std::size_t weights = 0, state = simd::round_up(m.in, 16) * sizeof(float);
  for (const auto& l : m.layers) {
    const auto f = BasicDynamicModel<Arch>::layer_footprint(spec_of(l));
    weights += f.weight_bytes;
    state += f.state_bytes;
  }
  const std::size_t scaling = 2 * (m.in + m.out()) * sizeof(float);
  std::printf(
      "  %-30s Model: %zu B (weights %zu + state %zu + scaling %zu); "
      "ConstModel: flash %zu B, RAM %zu B\n",
      label, weights + state + scaling, weights, state, scaling, weights + scaling, state);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Show a model's layers, parameter count, checksum and memory on a device.");
  cmd->add_option("model", *path, "model file (.ern, or a JSON model)")->required();
  cmd->callback([path] {
    const std::vector<unsigned char> bytes = io::read_file(*path);
    const io::model_desc m = read_any_model(*path);
    std::printf("%s\n", path->c_str());
    if (!is_json_path(*path) && bytes.size() >= 12) {
      std::printf("  format: edgernn model file v%u.%u, %zu bytes, CRC-32 %08X\n",
                  bytes[8] | (bytes[9] << 8), bytes[10] | (bytes[11] << 8), bytes.size(),
                  io::stored_checksum(bytes));
    }
    std::printf("  input: %zu per step%s; output: %zu per step%s\n", m.in,
                m.norm.has_input() ? " (scaled from raw units)" : "", m.out(),
                m.norm.has_output() ? " (scaled to raw units)" : "");
    std::printf("\n  #  layer                 inputs   units   parameters\n");
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
      const io::layer_desc& l = m.layers[i];
      std::printf("  %-2zu %-20s %7zu %7zu %12zu\n", i, layer_name(l).c_str(), l.in, l.units,
                  l.param_count());
    }
    std::printf("  total parameters: %zu (%zu bytes as float32)\n\n", m.param_count(),
                m.param_count() * sizeof(float));
    std::printf("  memory of the static model, by target:\n");
#if EDGERNN_HAS_XSIMD
    {
      using O = simd::ops<simd::default_arch>;
      const std::string label =
          std::string("this build (") + O::name() + ", " + std::to_string(O::width) + " floats):";
      footprint_line<simd::default_arch>(m, label.c_str());
    }
#endif
    footprint_line<simd::scalar>(m, "scalar (Cortex-M, armv6):");
  });
}

}  // namespace edgernn::cli
