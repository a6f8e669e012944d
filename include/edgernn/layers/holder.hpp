// edgernn: a layer as Model holds it: the layer's static interface plus its own weights and state.
//
// Each layer is defined once as a set of static functions on a caller's packed weights and state
// (detail::lstm_layer and its siblings: pack, step, run, clear), which ConstModel uses on
// weights in flash. The public class (Lstm, Gru, SimpleRnn, Dense) is that definition held with
// its own packed weights and state, which is what Model stores per layer.
#pragma once

#include <cstddef>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/kernels.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {
namespace detail {

template <class Def>
class layer_holder : public Def {
 public:
  using typename Def::packed;
  using typename Def::state;
  // The static forms, beside the instance forms below.
  using Def::run;
  using Def::step;

  /// Sets a Dense layer's weights from Keras arrays (kernel In × Out, bias Out); size_mismatch
  /// leaves them unchanged.
  [[nodiscard]] status set_weights(weights kernel, weights bias) noexcept {
    static_assert(Def::kind == layer_kind::dense,
                  "a recurrent layer takes three arrays: kernel, recurrent, bias");
    return Def::pack(p_, kernel, bias);
  }
  /// Sets a recurrent layer's weights from Keras arrays (sizes: the layer's pack()); size_mismatch
  /// leaves them unchanged.
  [[nodiscard]] status set_weights(weights kernel, weights recurrent, weights bias) noexcept {
    static_assert(Def::kind != layer_kind::dense, "a Dense layer takes two arrays: kernel, bias");
    return Def::pack(p_, kernel, recurrent, bias);
  }
  /// Zeroes the state.
  void reset() noexcept { Def::clear(s_); }
  /// One time step: reads `x[0..in_reads)`, returns the output (out_padded floats).
  ///
  /// Forced inline in optimized builds (EDGERNN_STEP_INLINE), as is each layer's static step()
  /// (and layer_ref's, for ConstModel), so that a Model's step() is one function from input to
  /// output. GCC otherwise called the recurrent layer's step out of line. Measured
  /// (bench/bench_step.cpp, static rows, alternating runs, Zen 4): GRU of 16 units 42.7 → 40.5
  /// ns, float32 rows with In = 8 up to 32 units 3–10 % faster, the rest within noise. No kernel
  /// is inlined twice: Model::run() calls each layer's run(), or Model::step().
  EDGERNN_STEP_INLINE const float* step(const float* x) noexcept { return Def::step(p_, s_, x); }
  /// `n` steps (see the static run()).
  void run(const float* x, std::size_t ldx, float* y, std::size_t ldy, std::size_t n,
           float* proj) noexcept {
    Def::run(p_, s_, x, ldx, y, ldy, n, proj);
  }
  /// The packed weights (for loaders) and the state.
  packed& packed_weights() noexcept { return p_; }
  const packed& packed_weights() const noexcept { return p_; }
  const state& current_state() const noexcept { return s_; }

 private:
  packed p_;
  state s_;
};

}  // namespace detail
}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
