// `edgernn info`: what a model file holds and what it costs on a device.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

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

layer_spec spec_of(const io::layer_desc& l, bool half) {
  return {l.kind, l.act, l.reset_after, l.in, l.units, half};
}

std::vector<layer_spec> specs_of(const io::model_desc& m, bool half) {
  std::vector<layer_spec> specs;
  for (const auto& l : m.layers)
    specs.push_back(spec_of(l, half));
  return specs;
}

// Bytes of a static Model / ConstModel with the kernels of `Arch` (those of Model::weight_bytes
// and Model::state_bytes, run()'s buffers included).
template <class Arch>
void footprint_line(const io::model_desc& m, bool half, const char* label) {
  const std::vector<layer_spec> specs = specs_of(m, half);
  const auto f = BasicDynamicModel<Arch>::model_footprint(specs.data(), specs.size());
  const std::size_t scaling = 2 * (m.in + m.out()) * sizeof(float);
  std::printf(
      "  %-26s Model: %zu B (weights %zu + state %zu + scaling %zu); "
      "ConstModel: flash %zu B, RAM %zu B\n",
      label, f.weight_bytes + f.state_bytes + scaling, f.weight_bytes, f.state_bytes, scaling,
      f.weight_bytes + scaling, f.state_bytes);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Show a model's layers, parameter count, checksum and memory on a device.");
  cmd->add_option("model", *path, "model file (.ern, or a JSON model)")->required();
  cmd->callback([path] {
    const std::vector<unsigned char> bytes = io::read_file(*path);
    io::encode_options stored;
    const io::model_desc m = read_any_model(*path, &stored);
    const bool half = stored.half_weights;
    std::printf("%s\n", path->c_str());
    if (is_model_file(bytes) && bytes.size() >= 12) {
      std::printf("  format: edgernn model file v%u.%u, %zu bytes, CRC-32 %08X, %s weights\n",
                  bytes[8] | (bytes[9] << 8), bytes[10] | (bytes[11] << 8), bytes.size(),
                  io::stored_checksum(bytes), half ? "binary16" : "float32");
    }
    std::printf("  input: %zu per step%s; output: %zu per step%s\n", m.in,
                m.norm.has_input() ? " (scaled from raw units)" : "", m.out(),
                m.norm.has_output() ? " (scaled to raw units)" : "");
    // The kernels each layer runs in this build (the width chosen per layer by the build's width
    // rule, see the README's Kernel widths).
    std::printf("\n  #  layer                 inputs   units   parameters   kernels here\n");
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
      const io::layer_desc& l = m.layers[i];
      std::printf("  %-2zu %-20s %7zu %7zu %12zu   %s\n", i, layer_name(l).c_str(), l.in, l.units,
                  l.param_count(), DynamicModel::kernels_for(spec_of(l, half)));
    }
#ifdef EDGERNN_HAS_NARROW_ARCH
    std::printf("  (256- or 512-bit per layer by the %s width rule, simd::width_rule)\n",
                simd::to_string(simd::default_width_rule));
#endif
    std::printf("  total parameters: %zu (%zu bytes as %s)\n\n", m.param_count(),
                m.param_count() * (half ? 2 : sizeof(float)), half ? "binary16" : "float32");
    std::printf("  memory of the static model, by target:\n");
#if EDGERNN_HAS_XSIMD
    footprint_line<simd::default_arch>(m, half, "this build (kernels above):");
#endif
    footprint_line<simd::scalar>(m, half, "scalar (Cortex-M, armv6):");
  });
}

}  // namespace edgernn::cli
