// edgernn dispatch: one x86-64 binary, built without -march, that runs the kernels of the best
// instruction set the CPU and the OS support (AVX-512, AVX2+FMA+F16C, SSE4.2, SSE2), chosen
// once, when a model is constructed.
//
// The ISA is detected with CPUID and, for AVX and AVX-512, XGETBV (the OS must save the YMM /
// ZMM state on context switches, not only the CPU have the instructions). The environment
// variable EDGERNN_ARCH = avx512 | avx2 | sse4.2 | sse2 forces a path (if the CPU supports it);
// so does the isa argument of the constructor. On AVX-512, which layers run the 256-bit kernels
// follows the rule measured on the CPU's vendor (simd::host_width_rule), or EDGERNN_WIDTHS. A model
// holds a DynamicModel compiled for its ISA (src/dispatch/isa_*.cpp: one translation unit per ISA,
// compiled with only that ISA's flags) in its own storage, no heap beyond DynamicModel's one block;
// every call is one indirect call through the ISA's function table.
#pragma once

#include <cstddef>

#include "edgernn/format.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

namespace edgernn::dispatch {

/// The kernel widths of a default-constructed Model (only AVX-512 has two, see
/// simd::width_rule): EDGERNN_WIDTHS = zen4 | intel | narrow | wide if set to one of them, else
/// simd::host_width_rule() (the rule measured on this CPU's vendor). Read once per process.
simd::width_rule default_widths() noexcept;
/// Parses an EDGERNN_WIDTHS spelling (simd::to_string's); false if `name` is none of them.
bool parse_widths(const char* name, simd::width_rule& out) noexcept;

/// The instruction sets with kernels in this library, from the oldest.
enum class isa : unsigned char { sse2 = 0, sse4_2 = 1, avx2 = 2, avx512 = 3 };
inline constexpr isa all_isas[] = {isa::sse2, isa::sse4_2, isa::avx2, isa::avx512};

/// "sse2", "sse4.2", "avx2", "avx512" (the EDGERNN_ARCH spellings).
const char* to_string(isa i) noexcept;
/// Parses an EDGERNN_ARCH spelling; false if `name` is none of them.
bool parse_isa(const char* name, isa& out) noexcept;
/// Whether this CPU and OS can run the kernels of `i` (CPUID + XGETBV).
bool cpu_supports(isa i) noexcept;
/// The newest ISA cpu_supports().
isa best_isa() noexcept;
/// What a default-constructed Model uses: EDGERNN_ARCH if it names an ISA the CPU supports,
/// else best_isa(). Read once per process.
isa default_isa() noexcept;

struct table;  // the functions of one ISA (dispatch_impl.hpp)

/// A DynamicModel (see edgernn/dynamic_model.hpp) with run-time dispatched kernels.
class Model {
 public:
  /// Kernels of default_isa(), widths of default_widths().
  Model() noexcept;
  /// Kernels of `requested` if the CPU supports it, else of best_isa(); widths of `widths`.
  explicit Model(isa requested, simd::width_rule widths = default_widths()) noexcept;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model();

  /// The ISA whose kernels this model runs.
  isa kernels() const noexcept { return isa_; }
  /// The rule choosing each layer's kernel width (load() and init() apply it; load()
  /// ignores load_options::widths).
  simd::width_rule widths() const noexcept { return widths_; }

  /// As DynamicModel: from a model file's bytes (one allocation), or a layer list.
  [[nodiscard]] status load(const void* file, std::size_t n,
                            format::load_error* err = nullptr) noexcept;
  [[nodiscard]] status load(const void* file, std::size_t n, const load_options& opt,
                            format::load_error* err = nullptr) noexcept;
  [[nodiscard]] status init(const layer_spec* specs, std::size_t n) noexcept;
  [[nodiscard]] status set_weights(std::size_t i, weights kernel, weights recurrent,
                                   weights bias) noexcept;

  /// One step / a sequence / zero state, as DynamicModel (never allocate).
  void step(const float* in, float* out) noexcept;
  void run(const float* in, float* out, std::size_t steps) noexcept;
  void reset() noexcept;

  std::size_t in_size() const noexcept;
  std::size_t out_size() const noexcept;
  std::size_t layer_count() const noexcept;
  /// The tanh and sigmoid rational layer `i` runs (as DynamicModel::layer_fit).
  simd::fit layer_fit(std::size_t i) const noexcept;
  /// Name of the kernels layer `i` runs (as DynamicModel::layer_kernels: "avx512bw", ...).
  const char* layer_kernels(std::size_t i) const noexcept;

  /// Bytes of in-object storage for any ISA's DynamicModel.
  static constexpr std::size_t storage_bytes = 4096;

 private:
  void select(isa i, simd::width_rule widths) noexcept;

  const table* t_ = nullptr;
  isa isa_ = isa::sse2;
  simd::width_rule widths_ = simd::width_rule::zen4;
  alignas(64) unsigned char storage_[storage_bytes];
};

}  // namespace edgernn::dispatch
