#include "network.hpp"

#include <stdexcept>
#include <string>

namespace edgernn::train {

template <class T>
network<T>::network(std::size_t in, const std::vector<layer_shape>& layers) : in_(in) {
  build(layers);
}

template <class T>
network<T>::network(const io::model_desc& m) : in_(m.in) {
  m.validate("model");
  std::vector<layer_shape> shapes;
  for (const auto& l : m.layers)
    shapes.push_back({l.kind, l.act, l.reset_after, l.in, l.units});
  build(shapes);
  load(m);
}

template <class T>
void network<T>::build(const std::vector<layer_shape>& layers) {
  if (in_ == 0) throw std::invalid_argument("the model needs at least one input");
  if (layers.empty()) throw std::invalid_argument("the model needs at least one layer");
  std::size_t prev = in_, offset = 0;
  seq_ = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    layer_shape s = layers[i];
    if (s.in != prev) {
      throw std::invalid_argument("layer " + std::to_string(i) + ": expected " +
                                  std::to_string(prev) + " inputs, found " + std::to_string(s.in));
    }
    if (s.kind == layer_kind::lstm || s.kind == layer_kind::gru) s.act = activation::tanh;
    layers_.push_back(make_layer<T>(s));
    offset_.push_back(offset);
    offset += layers_.back()->param_size();
    if (s.recurrent()) seq_ = i + 1;
    prev = s.units;
  }
  params_.resize(offset);
}

template <class T>
std::size_t network<T>::param_count() const noexcept {
  std::size_t n = 0;
  for (const auto& l : layers_) {
    const layer_shape& s = l->shape();
    const std::size_t gh = s.gates() * s.units;
    n += s.in * gh + (s.recurrent() ? s.units * gh : 0) +
         (s.kind == layer_kind::gru && s.reset_after ? 2 : 1) * gh;
  }
  return n;
}

template <class T>
void network<T>::refresh() {
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->refresh(params_.data() + offset_[i]);
}

template <class T>
void network<T>::init(std::uint64_t seed) {
  rng r(seed);
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->init(r, params_.data() + offset_[i]);
  refresh();
}

template <class T>
void network<T>::load(const io::model_desc& m) {
  m.validate("model");
  if (m.in != in_ || m.layers.size() != layers_.size())
    throw io::error("model: layers do not match the network");
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const layer_shape& s = layers_[i]->shape();
    const io::layer_desc& d = m.layers[i];
    if (d.kind != s.kind || d.in != s.in || d.units != s.units ||
        (s.kind == layer_kind::gru && d.reset_after != s.reset_after) ||
        ((s.kind == layer_kind::dense || s.kind == layer_kind::simple_rnn) && d.act != s.act))
      throw io::error("model: layer " + std::to_string(i) + " does not match the network");
    layers_[i]->from_desc(d, params_.data() + offset_[i]);
  }
  refresh();
}

template <class T>
io::model_desc network<T>::describe() const {
  return describe_gradient(params_.data());
}

template <class T>
io::model_desc network<T>::describe_gradient(const T* g) const {
  io::model_desc m;
  m.in = in_;
  m.layers.resize(layers_.size());
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->to_desc(g + offset_[i], m.layers[i]);
  return m;
}

template <class T>
void network<T>::reserve(workspace<T>& ws, std::size_t steps, std::size_t batch) const {
  const std::size_t n = layers_.size();
  ws.steps = steps;
  ws.batch = batch;
  ws.x.resize(steps * batch * in_);
  ws.y.resize(n);
  ws.dy.resize(n);
  ws.caches.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t t = i < seq_ ? steps : 1;
    ws.y[i].resize(t * batch * layers_[i]->out_stride());
    ws.dy[i].resize(t * batch * layers_[i]->out_stride());
    layers_[i]->reserve(ws.caches[i], t, batch);
  }
  ws.grad.resize(params_.size());
}

template <class T>
void network<T>::forward(workspace<T>& ws, std::size_t steps, std::size_t batch) const {
  if (steps > ws.steps || batch > ws.batch || steps == 0 || batch == 0)
    throw std::invalid_argument("forward: workspace too small for the batch");
  ws.run_steps = steps;
  ws.run_batch = batch;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const T* x;
    std::size_t xs;
    if (i == 0) {
      x = ws.x.data() + (seq_ == 0 ? (steps - 1) * batch * in_ : 0);
      xs = in_;
    } else {
      xs = layers_[i - 1]->out_stride();
      x = ws.y[i - 1].data() + (i == seq_ ? (steps - 1) * batch * xs : 0);
    }
    layers_[i]->forward(params_.data() + offset_[i], x, xs, i < seq_ ? steps : 1, batch,
                        ws.y[i].data(), ws.caches[i]);
  }
}

template <class T>
const T* network<T>::output(const workspace<T>& ws) const noexcept {
  const std::size_t t = seq_ == layers_.size() ? ws.run_steps - 1 : 0;
  return ws.y.back().data() + t * ws.run_batch * layers_.back()->out_stride();
}

template <class T>
void network<T>::backward(workspace<T>& ws, const T* dout, std::size_t bptt) const {
  const std::size_t steps = ws.run_steps, batch = ws.run_batch, n = layers_.size();
  // The loss sees the last step only: the top layer's output gradient is dout there.
  {
    const std::size_t up = layers_.back()->out_stride();
    T* top = ws.dy.back().data() + (seq_ == n ? (steps - 1) * batch * up : 0);
    for (std::size_t k = 0; k < batch * up; ++k)
      top[k] = dout[k];
  }
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const std::size_t t = i < seq_ ? steps : 1;
    const T* x;
    std::size_t xs;
    T* dx = nullptr;
    if (i == 0) {
      x = ws.x.data() + (seq_ == 0 ? (steps - 1) * batch * in_ : 0);
      xs = in_;
    } else {
      xs = layers_[i - 1]->out_stride();
      const std::size_t last = i == seq_ ? (steps - 1) * batch * xs : 0;
      x = ws.y[i - 1].data() + last;
      dx = ws.dy[i - 1].data() + last;
    }
    // The last sequence layer receives a gradient at its last step only.
    const std::size_t dy_first = i + 1 == seq_ ? steps - 1 : 0;
    layers_[i]->backward(params_.data() + offset_[i], x, xs, ws.y[i].data(), ws.dy[i].data(),
                         dy_first, t, batch, dx, ws.caches[i], ws.grad.data() + offset_[i], bptt);
  }
}

template class network<float>;
template class network<double>;

}  // namespace edgernn::train
