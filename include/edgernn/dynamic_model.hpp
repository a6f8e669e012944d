// edgernn: DynamicModel, a stack of layers whose sizes are known only at run time.
//
// Same kernels and packed layout as the static Model<...>; the sizes come from a layer list
// (or, through load(), from a model file). Memory: one block, either allocated once by init()
// (std::malloc) or handed in by the caller, sized by required_bytes(). After init, step(), run()
// and reset() never allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "edgernn/format.hpp"

#include "edgernn/layers/dense.hpp"
#include "edgernn/layers/gru.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/layers/lstm.hpp"
#include "edgernn/layers/simple_rnn.hpp"
#include "edgernn/status.hpp"

namespace edgernn {

/// A model whose layer sizes are chosen at run time.
template <class Arch = simd::default_arch>
class BasicDynamicModel {
  using O = simd::ops<Arch>;
  static constexpr std::size_t W = O::width;
  static constexpr std::size_t align = 64;

 public:
  using arch = Arch;
  /// The most layers one model may have.
  static constexpr std::size_t max_layers = 32;
  /// The largest input or unit count accepted (keeps every size product far from overflow).
  static constexpr std::size_t max_units = 1u << 16;

  BasicDynamicModel() noexcept = default;
  BasicDynamicModel(const BasicDynamicModel&) = delete;
  BasicDynamicModel& operator=(const BasicDynamicModel&) = delete;
  ~BasicDynamicModel() { release(); }

  /// Checks a layer list: count, sizes chaining from layer to layer, activations allowed for
  /// each kind, sizes within max_units. `bad_layer` (if given) receives the failing index.
  static status validate(const layer_spec* specs, std::size_t n,
                         std::size_t* bad_layer = nullptr) noexcept {
    if (n == 0 || n > max_layers) return status::layer_count_mismatch;
    for (std::size_t i = 0; i < n; ++i) {
      if (bad_layer) *bad_layer = i;
      const layer_spec& s = specs[i];
      if (s.in == 0 || s.units == 0 || s.in > max_units || s.units > max_units) {
        return status::size_overflow;
      }
      if (i > 0 && s.in != specs[i - 1].units) return status::layer_size_mismatch;
      // Every size below is computed in size_t: refuse layers whose bytes (bounded generously
      // here in 64 bits) would not fit, as on 32-bit targets with large layers.
      const std::uint64_t bound = (std::uint64_t{s.in} + s.units + 16) * 8 * (s.units + 64) * 4;
      if (bound > (SIZE_MAX >> 2)) return status::size_overflow;
      switch (s.kind) {
        case layer_kind::dense:
          if (static_cast<unsigned>(s.act) > 3) return status::unsupported_layer;
          break;
        case layer_kind::simple_rnn:
          if (s.act != activation::tanh && s.act != activation::relu) {
            return status::unsupported_layer;
          }
          break;
        case layer_kind::lstm:
        case layer_kind::gru:
          if (s.act != activation::tanh) return status::unsupported_layer;
          break;
        default:
          return status::unsupported_layer;
      }
    }
    if (bad_layer) *bad_layer = 0;
    return status::ok;
  }

  /// Bytes init() needs for `specs` (weights, state and alignment slack); 0 if invalid.
  static std::size_t required_bytes(const layer_spec* specs, std::size_t n) noexcept {
    if (validate(specs, n) != status::ok) return 0;
    std::size_t bytes = align;  // slack to align an arbitrary caller buffer
    bytes += round(input_floats(specs, n) * sizeof(float));
    bytes += 2 * round(specs[0].in * sizeof(float)) + 2 * round(specs[n - 1].units * sizeof(float));
    for (std::size_t i = 0; i < n; ++i) {
      const sizes z = layer_sizes(specs[i]);
      bytes += round(z.weights * sizeof(float)) + round(z.bias * sizeof(float)) +
               round(z.state * sizeof(float));
    }
    return bytes;
  }

  /// Lays the model out in the caller's `buffer` of `bytes` (any alignment). All weights zero.
  [[nodiscard]] status init(const layer_spec* specs, std::size_t n, void* buffer,
                            std::size_t bytes) noexcept {
    release();
    const status s = validate(specs, n);
    if (s != status::ok) return s;
    const std::size_t need = required_bytes(specs, n);
    if (buffer == nullptr || bytes < need) return status::buffer_too_small;
    layout(specs, n, buffer, need);
    return status::ok;
  }

  /// Allocates one block of required_bytes() and lays the model out in it.
  [[nodiscard]] status init(const layer_spec* specs, std::size_t n) noexcept {
    release();
    const status s = validate(specs, n);
    if (s != status::ok) return s;
    const std::size_t need = required_bytes(specs, n);
    void* p = std::malloc(need);
    if (p == nullptr) return status::buffer_too_small;
    layout(specs, n, p, need);
    owned_ = p;
    return status::ok;
  }

  /// Sets layer `i`'s weights from Keras arrays (see the layer classes); `recurrent` is
  /// ignored (pass {}) for dense layers.
  [[nodiscard]] status set_weights(std::size_t i, weights kernel, weights recurrent,
                                   weights bias) noexcept {
    if (i >= n_) return status::layer_count_mismatch;
    const layer_spec& s = layers_[i].spec;
    if (kernel.size != kernel_floats(s) || bias.size != bias_floats(s) ||
        (s.kind != layer_kind::dense && recurrent.size != recurrent_floats(s))) {
      return status::size_mismatch;
    }
    pack(i, detail::plain_floats{kernel.data}, detail::plain_floats{recurrent.data},
         detail::plain_floats{bias.data});
    return status::ok;
  }

  /// Packs layer `i` from already-validated arrays; `Reader` yields float k of each.
  template <class Reader>
  void pack(std::size_t i, const Reader& kernel, const Reader& recurrent,
            const Reader& bias) noexcept {
    slot& l = layers_[i];
    const std::size_t in = l.spec.in, u = l.spec.units;
    switch (l.spec.kind) {
      case layer_kind::dense:
        detail::dense_kernel<Arch>::pack(in, u, l.w, l.b, kernel, bias);
        break;
      case layer_kind::simple_rnn:
        detail::simple_rnn_kernel<Arch>::pack(in, u, l.w, l.b, kernel, recurrent, bias);
        break;
      case layer_kind::lstm:
        detail::lstm_kernel<Arch>::pack(in, u, l.w, l.b, kernel, recurrent, bias);
        break;
      case layer_kind::gru:
        if (l.spec.reset_after) {
          detail::gru_kernel<Arch, true>::pack(in, u, l.w, l.b, kernel, recurrent, bias);
        } else {
          detail::gru_kernel<Arch, false>::pack(in, u, l.w, l.b, kernel, recurrent, bias);
        }
        break;
    }
  }

  /// Builds the model from a model file's bytes (see format.hpp): validates everything, then
  /// allocates once (or uses `buffer`, if given, of `bytes` ≥ required_bytes) and packs the
  /// weights. The bytes may be read-only and unaligned; they are not needed afterwards.
  [[nodiscard]] status load(const void* file, std::size_t n, format::load_error* err = nullptr,
                            void* buffer = nullptr, std::size_t bytes = 0) noexcept {
    release();
    format::model_view v;
    status s = v.parse(file, n, err);
    if (s != status::ok) return s;
    layer_spec specs[max_layers];
    for (std::size_t i = 0; i < v.layer_count(); ++i)
      specs[i] = v.layer(i).spec;
    s = buffer ? init(specs, v.layer_count(), buffer, bytes) : init(specs, v.layer_count());
    if (s != status::ok) return s;
    for (std::size_t i = 0; i < v.layer_count(); ++i) {
      const format::layer_view& l = v.layer(i);
      pack(i, format::le_floats{l.kernel}, format::le_floats{l.recurrent},
           format::le_floats{l.bias});
    }
    for (std::size_t i = 0; i < in_size(); ++i) {
      in_scale_[i] = v.has_input_scaling() ? v.input_scale()[i] : 1.0f;
      in_offset_[i] = v.has_input_scaling() ? v.input_offset()[i] : 0.0f;
    }
    for (std::size_t i = 0; i < out_size(); ++i) {
      out_scale_[i] = v.has_output_scaling() ? v.output_scale()[i] : 1.0f;
      out_offset_[i] = v.has_output_scaling() ? v.output_offset()[i] : 0.0f;
    }
    return status::ok;
  }

  /// Bytes of one layer's packed weights (with bias) and of its state, with these kernels.
  struct footprint {
    std::size_t weight_bytes, state_bytes;
  };
  static footprint layer_footprint(const layer_spec& s) noexcept {
    const sizes z = layer_sizes(s);
    return {(z.weights + z.bias) * sizeof(float), z.state * sizeof(float)};
  }

  /// Bytes a caller buffer needs to load the model file `file` (0 if the file is invalid).
  static std::size_t required_bytes(const void* file, std::size_t n) noexcept {
    format::model_view v;
    if (v.parse(file, n) != status::ok) return 0;
    layer_spec specs[max_layers];
    for (std::size_t i = 0; i < v.layer_count(); ++i)
      specs[i] = v.layer(i).spec;
    return required_bytes(specs, v.layer_count());
  }

  std::size_t layer_count() const noexcept { return n_; }
  const layer_spec& layer(std::size_t i) const noexcept { return layers_[i].spec; }
  std::size_t in_size() const noexcept { return n_ ? layers_[0].spec.in : 0; }
  std::size_t out_size() const noexcept { return n_ ? layers_[n_ - 1].spec.units : 0; }
  /// Bytes of the block in use (allocated or the caller's).
  std::size_t bytes() const noexcept { return bytes_; }

  /// One time step: reads `in[0..in_size())`, writes `out[0..out_size())`, keeps the state.
  /// Must follow a successful init().
  void step(const float* in, float* out) noexcept {
    const std::size_t ni = layers_[0].spec.in;
    // GCC 12 vectorizes this runtime-bound loop and, when the caller passes the address of a
    // single float, warns that the (never taken) vector path reads it uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    for (std::size_t i = 0; i < ni; ++i)
      in_[i] = in[i] * in_scale_[i] + in_offset_[i];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    const float* y = in_;
    for (std::size_t i = 0; i < n_; ++i)
      y = step_layer(layers_[i], y);
    const std::size_t no = layers_[n_ - 1].spec.units;
    for (std::size_t i = 0; i < no; ++i)
      out[i] = y[i] * out_scale_[i] + out_offset_[i];
  }

  /// `steps` time steps, row-major; the same result as calling step() on each row.
  void run(const float* in, float* out, std::size_t steps) noexcept {
    const std::size_t ni = in_size(), no = out_size();
    for (std::size_t t = 0; t < steps; ++t)
      step(in + t * ni, out + t * no);
  }

  /// Zeroes every layer's state.
  void reset() noexcept {
    for (std::size_t i = 0; i < n_; ++i) {
      slot& l = layers_[i];
      for (std::size_t k = 0; k < l.state_floats; ++k)
        l.state[k] = 0.0f;
      l.cur = 0;
    }
  }

 private:
  struct sizes {
    std::size_t weights, bias, state;
  };
  struct slot {
    layer_spec spec;
    float* w;
    float* b;
    float* state;  // h[2] (recurrent) or y (dense), then c (lstm) or the GRU scratch
    std::size_t state_floats;
    std::size_t padded;  // Hp
    unsigned cur;
  };

  static constexpr std::size_t round(std::size_t bytes) noexcept {
    return simd::round_up(bytes, align);
  }
  static sizes layer_sizes(const layer_spec& s) noexcept {
    const std::size_t hp = simd::round_up(s.units, W);
    switch (s.kind) {
      case layer_kind::dense:
        return {detail::dense_kernel<Arch>::weight_floats(s.in, s.units),
                detail::dense_kernel<Arch>::bias_floats(s.units), hp};
      case layer_kind::simple_rnn:
        return {detail::simple_rnn_kernel<Arch>::weight_floats(s.in, s.units),
                detail::simple_rnn_kernel<Arch>::bias_floats(s.units), 2 * hp};
      case layer_kind::lstm:
        return {detail::lstm_kernel<Arch>::weight_floats(s.in, s.units),
                detail::lstm_kernel<Arch>::bias_floats(s.units), 3 * hp};
      case layer_kind::gru:
        if (s.reset_after) {
          using K = detail::gru_kernel<Arch, true>;
          return {K::weight_floats(s.in, s.units), K::bias_floats(s.units), 2 * hp};
        } else {
          using K = detail::gru_kernel<Arch, false>;
          return {K::weight_floats(s.in, s.units), K::bias_floats(s.units),
                  2 * hp + K::scratch_floats(s.units)};
        }
    }
    return {0, 0, 0};
  }
  // The input buffer holds what the first layer reads: whole registers for a dot-form dense.
  static std::size_t input_floats(const layer_spec* specs, std::size_t) noexcept {
    return simd::round_up(specs[0].in, 16);
  }

  void layout(const layer_spec* specs, std::size_t n, void* buffer, std::size_t need) noexcept {
    auto addr = reinterpret_cast<std::uintptr_t>(buffer);
    addr = (addr + align - 1) / align * align;
    unsigned char* p = reinterpret_cast<unsigned char*>(addr);
    const std::size_t used = need - align;
    for (std::size_t k = 0; k < used; ++k)
      p[k] = 0;
    auto take = [&p](std::size_t floats) {
      float* f = reinterpret_cast<float*>(p);
      p += round(floats * sizeof(float));
      return f;
    };
    in_ = take(input_floats(specs, n));
    in_scale_ = take(specs[0].in);
    in_offset_ = take(specs[0].in);
    out_scale_ = take(specs[n - 1].units);
    out_offset_ = take(specs[n - 1].units);
    for (std::size_t i = 0; i < specs[0].in; ++i)
      in_scale_[i] = 1.0f;
    for (std::size_t i = 0; i < specs[n - 1].units; ++i)
      out_scale_[i] = 1.0f;
    for (std::size_t i = 0; i < n; ++i) {
      const sizes z = layer_sizes(specs[i]);
      slot& l = layers_[i];
      l.spec = specs[i];
      l.w = take(z.weights);
      l.b = take(z.bias);
      l.state = take(z.state);
      l.state_floats = z.state;
      l.padded = simd::round_up(specs[i].units, W);
      l.cur = 0;
    }
    n_ = n;
    bytes_ = need;
  }

  const float* step_layer(slot& l, const float* x) noexcept {
    const std::size_t in = l.spec.in, u = l.spec.units, hp = l.padded;
    float* h = l.state + l.cur * hp;
    float* hn = l.state + (l.cur ^ 1u) * hp;
    switch (l.spec.kind) {
      case layer_kind::dense: {
        using K = detail::dense_kernel<Arch>;
        switch (l.spec.act) {
          case activation::linear:
            K::template step<activation::linear>(in, u, l.w, l.b, x, l.state);
            break;
          case activation::relu:
            K::template step<activation::relu>(in, u, l.w, l.b, x, l.state);
            break;
          case activation::tanh:
            K::template step<activation::tanh>(in, u, l.w, l.b, x, l.state);
            break;
          case activation::sigmoid:
            K::template step<activation::sigmoid>(in, u, l.w, l.b, x, l.state);
            break;
        }
        return l.state;
      }
      case layer_kind::simple_rnn: {
        using K = detail::simple_rnn_kernel<Arch>;
        if (l.spec.act == activation::relu) {
          K::template step<activation::relu>(in, u, l.w, l.b, x, h, hn);
        } else {
          K::template step<activation::tanh>(in, u, l.w, l.b, x, h, hn);
        }
        break;
      }
      case layer_kind::lstm:
        detail::lstm_kernel<Arch>::step(in, u, l.w, l.b, x, h, hn, l.state + 2 * hp);
        break;
      case layer_kind::gru:
        if (l.spec.reset_after) {
          detail::gru_kernel<Arch, true>::step(in, u, l.w, l.b, x, h, hn, nullptr);
        } else {
          detail::gru_kernel<Arch, false>::step(in, u, l.w, l.b, x, h, hn, l.state + 2 * hp);
        }
        break;
    }
    l.cur ^= 1u;
    return hn;
  }

  void release() noexcept {
    if (owned_ != nullptr) std::free(owned_);
    owned_ = nullptr;
    n_ = 0;
    bytes_ = 0;
  }

  slot layers_[max_layers] = {};
  std::size_t n_ = 0;
  std::size_t bytes_ = 0;
  float* in_ = nullptr;
  float* in_scale_ = nullptr;  // io scaling (identity unless a loaded file has one)
  float* in_offset_ = nullptr;
  float* out_scale_ = nullptr;
  float* out_offset_ = nullptr;
  void* owned_ = nullptr;
};

/// DynamicModel with the kernels the compile flags select.
using DynamicModel = BasicDynamicModel<>;

}  // namespace edgernn
