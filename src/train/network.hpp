// edgernn trainer: a stack of trainable layers, its parameters and its per-shard workspace.
//
// Training predicts from a window: the loss sees the last layer's output at the last time step
// only. Layers up to the last recurrent one run over every step; the dense layers after it run
// on the last step alone (the same output the inference core gives after the window's last
// step, at a fraction of the cost).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "buffer.hpp"
#include "io/model_desc.hpp"
#include "layers.hpp"

namespace edgernn::train {

/// Buffers for one shard of a batch: the input, every layer's outputs and caches, and the
/// gradient of every parameter. Sized once by network::reserve, reused for every batch.
template <class T>
struct workspace {
  std::size_t steps = 0;               ///< capacity: time steps
  std::size_t batch = 0;               ///< capacity: samples
  std::size_t run_steps = 0;           ///< time steps of the last forward
  std::size_t run_batch = 0;           ///< samples of the last forward
  buffer<T> x;                         ///< input, time-major [steps][batch][in]
  std::vector<buffer<T>> y;            ///< per layer: outputs [rows][Up]
  std::vector<buffer<T>> dy;           ///< per layer: output gradients
  std::vector<layer_cache<T>> caches;  ///< per layer
  buffer<T> grad;                      ///< parameter gradients, the layout of network::params()
};

/// A stack of layers with all its parameters in one array (see layers.hpp for the layout).
template <class T>
class network {
 public:
  /// Layers in order; sizes must chain (layer i's in = layer i−1's units, first in = `in`).
  /// Throws std::invalid_argument naming the layer otherwise. Weights start at zero.
  network(std::size_t in, const std::vector<layer_shape>& layers);
  /// The layers and weights of `m` (validated first: throws io::error).
  explicit network(const io::model_desc& m);

  std::size_t in() const noexcept { return in_; }
  std::size_t out() const noexcept { return layers_.back()->shape().units; }
  std::size_t layer_count() const noexcept { return layers_.size(); }
  const layer_shape& shape(std::size_t i) const noexcept { return layers_[i]->shape(); }
  /// Layers that run over every time step (up to and including the last recurrent one).
  std::size_t sequence_layers() const noexcept { return seq_; }
  /// Number of trainable values (Keras count, padding excluded).
  std::size_t param_count() const noexcept;

  /// All parameters, padded layout; call refresh() after changing them.
  T* params() noexcept { return params_.data(); }
  const T* params() const noexcept { return params_.data(); }
  std::size_t params_size() const noexcept { return params_.size(); }
  /// Rebuilds every layer's derived (transposed) weights from params().
  void refresh();

  /// Keras default initialisers, layer by layer, from one seed.
  void init(std::uint64_t seed);
  /// Weights from a model description with the same layers (throws io::error if not).
  void load(const io::model_desc& m);
  /// The model in Keras layout (normalization left empty).
  io::model_desc describe() const;
  /// A gradient array (layout of params()) in Keras layout, for checks.
  io::model_desc describe_gradient(const T* g) const;

  /// Sizes `ws` for up to `steps` × `batch` windows.
  void reserve(workspace<T>& ws, std::size_t steps, std::size_t batch) const;
  /// Runs ws.x (time-major [steps][batch][in]); the result is output(ws).
  void forward(workspace<T>& ws, std::size_t steps, std::size_t batch) const;
  /// The prediction of the last forward (the output at its last step): [batch][padded(out)].
  const T* output(const workspace<T>& ws) const noexcept;
  /// Adds the gradient of the loss to ws.grad, given d(loss)/d(output) as dout
  /// [batch][padded(out)] for the last forward. `bptt` > 0 truncates (see layer::backward).
  void backward(workspace<T>& ws, const T* dout, std::size_t bptt = 0) const;

 private:
  void build(const std::vector<layer_shape>& layers);

  std::size_t in_ = 0;
  std::size_t seq_ = 0;
  std::vector<std::unique_ptr<layer<T>>> layers_;
  std::vector<std::size_t> offset_;  // each layer's block in params_
  buffer<T> params_;
};

}  // namespace edgernn::train
