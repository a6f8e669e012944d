// edgernn trainer: trainable layers with forward over (time × batch) and backward through time.
//
// Shapes. A layer sees `steps` time steps of `batch` samples, time-major: row t·batch + b of
// an activation matrix is sample b at step t. Outputs have Up = padded(units) columns; entries
// past `units` stay exactly zero (zero weight columns and activations with f(0) = 0 on the
// padding: see each layer). The first layer reads the raw input rows (stride = features).
//
// Parameters live in one array owned by the network; each layer reads its block, laid out as
// (G gate blocks of Hp = padded(units) columns, zeros past units):
//   kernel     in × G·Hp         gate g's unit j at column g·Hp + j
//   recurrent  units × G·Hp      (recurrent layers only)
//   bias       G·Hp              (GRU reset_after: the input bias)
//   bias1      G·Hp              (GRU reset_after only: the recurrent bias)
// Gates in Keras order: LSTM i, f, c, o; GRU z, r, h. A gradient array has the same layout.
#pragma once

#include <cstddef>
#include <memory>

#include "buffer.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/activations.hpp"
#include "io/model_desc.hpp"
#include "random.hpp"

namespace edgernn::train {

/// Kind, activation and sizes of one trainable layer.
struct layer_shape {
  layer_kind kind = layer_kind::dense;
  activation act = activation::linear;  ///< dense: any; simple_rnn: tanh or relu; others: tanh
  bool reset_after = true;              ///< gru only
  std::size_t in = 0;                   ///< inputs per step
  std::size_t units = 0;                ///< outputs per step

  /// Gate blocks: 1 (dense, simple_rnn), 4 (lstm), 3 (gru).
  std::size_t gates() const noexcept {
    return kind == layer_kind::lstm ? 4 : kind == layer_kind::gru ? 3 : 1;
  }
  bool recurrent() const noexcept { return kind != layer_kind::dense; }
};

/// What a layer keeps between forward and backward for one shard of a batch (sized by
/// layer::reserve; the meaning of each buffer is documented in layers.cpp per layer).
template <class T>
struct layer_cache {
  buffer<T> a, b, c;          ///< per-step caches
  buffer<T> carry, dh, temp;  ///< one step's recurrent gradients
  buffer<T> carry_c;          ///< LSTM: the cell-state gradient carried back
};

/// One trainable layer; see the file comment for shapes and the parameter layout.
template <class T>
class layer {
 public:
  explicit layer(const layer_shape& s);
  virtual ~layer() = default;
  layer(const layer&) = delete;
  layer& operator=(const layer&) = delete;

  const layer_shape& shape() const noexcept { return s_; }
  /// Hp: padded units, the stride of this layer's output rows.
  std::size_t out_stride() const noexcept { return hp_; }
  /// Elements of this layer's block of the parameter array (a multiple of row_pad).
  std::size_t param_size() const noexcept;

  /// Keras default initialisers: glorot-uniform kernel, orthogonal recurrent kernel, zero
  /// bias, LSTM forget-gate bias 1. Writes the whole block (padding included) of `p`.
  void init(rng& r, T* p) const;
  /// Copies the block's real entries into Keras-layout arrays of `d` (kind and sizes set).
  void to_desc(const T* p, io::layer_desc& d) const;
  /// Sets the block from Keras-layout arrays (sizes already validated), padding zero.
  void from_desc(const io::layer_desc& d, T* p) const;
  /// Rebuilds the transposed weights backward uses; call after every change of the block.
  void refresh(const T* p);

  /// Sizes `c` for up to `steps` × `batch` rows.
  virtual void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const = 0;

  /// y[steps·batch][Up] from x[steps·batch][xs]; keeps what backward needs in `c`.
  virtual void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch,
                       T* y, layer_cache<T>& c) const = 0;

  /// Adds this layer's parameter gradients to `g` (same layout as `p`) and, if `dx` is not
  /// null, writes the input gradient dx[steps·batch][padded(in)]. `dy` holds the output
  /// gradient for steps >= dy_first (earlier steps are taken as zero and not read). `bptt` > 0
  /// truncates backpropagation through time to blocks of that many steps, counted from the
  /// last step. x and y are what forward saw and produced.
  virtual void backward(const T* p, const T* x, std::size_t xs, const T* y, const T* dy,
                        std::size_t dy_first, std::size_t steps, std::size_t batch, T* dx,
                        layer_cache<T>& c, T* g, std::size_t bptt) const = 0;

 protected:
  // Offsets of the four parts of the block.
  std::size_t kernel_at() const noexcept { return 0; }
  std::size_t recurrent_at() const noexcept { return s_.in * cols_; }
  std::size_t bias_at() const noexcept {
    return recurrent_at() + (s_.recurrent() ? s_.units * cols_ : 0);
  }
  std::size_t bias1_at() const noexcept { return bias_at() + cols_; }
  bool has_bias1() const noexcept { return s_.kind == layer_kind::gru && s_.reset_after; }

  // The rows of `dst` [rows][cols_] set to the bias vector at `b`.
  void fill_rows(T* dst, std::size_t rows, const T* b) const noexcept;

  layer_shape s_;
  std::size_t hp_;    // padded(units)
  std::size_t cols_;  // G·Hp
  std::size_t inp_;   // padded(in)
  buffer<T> kt_;      // kernelᵀ [G·Hp][padded(in)]
  buffer<T> ut_;      // recurrentᵀ [G·Hp][Hp]
};

/// A layer of the kind `s` names (throws std::invalid_argument for an impossible shape).
template <class T>
std::unique_ptr<layer<T>> make_layer(const layer_shape& s);

}  // namespace edgernn::train
