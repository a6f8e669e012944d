// edgernn: DynamicModel, a stack of layers whose sizes are known only at run time.
//
// Same kernels and packed layout as the static Model<...>, chosen per layer the same way
// (simd::narrow_by_default and half_narrow_by_default: the 256-bit kernels of an AVX-512 build
// for small layers and where they pad less, as measured per cell, input count and CPU family, by
// the static layers' width rule or the one init() names; binary16 weights for layers whose spec
// says so, as an f16 model file's do; the fast activations for float32 layers whose spec asks,
// as `fast_activations` layers); the sizes come from a layer list (or, through
// load(), from a model file). Memory: one block, either allocated once by init() (std::malloc) or
// handed in by the caller, sized by required_bytes(); it also holds the buffers of run(). After
// init, step(), run() and reset() never allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "edgernn/format.hpp"

#include "edgernn/layers/dense.hpp"
#include "edgernn/layers/gru.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/layers/lstm.hpp"
#include "edgernn/layers/simple_rnn.hpp"
#include "edgernn/model.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

namespace detail {
/// The kernels of one layer: instruction set, weight storage and the activations' rational.
template <class Arch, class T, simd::fit Fit>
struct kernel_tag {
  using arch = Arch;
  using weight = T;
  static constexpr simd::fit fit = Fit;
};
}  // namespace detail

/// A model whose layer sizes are chosen at run time.
template <class Arch = simd::default_arch>
class BasicDynamicModel {
  using Narrow = simd::narrow_for<Arch>;
  static constexpr std::size_t align = 64;

 public:
  using arch = Arch;
  /// The most layers one model may have.
  static constexpr std::size_t max_layers = 32;
  /// The largest input or unit count accepted (keeps every size product far from overflow).
  static constexpr std::size_t max_units = 1u << 16;
  /// Steps run() processes one layer at a time, at most (see sequence_chunk()).
  static constexpr std::size_t max_sequence_chunk = detail::run_chunk;

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

  /// Bytes init() needs for `specs` (weights, state, run() buffers and alignment slack) with the
  /// kernel widths of `widths` (as init()'s); 0 if invalid.
  static std::size_t required_bytes(const layer_spec* specs, std::size_t n,
                                    simd::width_rule widths = simd::default_width_rule) noexcept {
    if (validate(specs, n) != status::ok) return 0;
    std::size_t bytes = align;  // slack to align an arbitrary caller buffer
    bytes += round(input_floats(specs) * sizeof(float));
    bytes += 2 * round(specs[0].in * sizeof(float)) + 2 * round(specs[n - 1].units * sizeof(float));
    for (std::size_t i = 0; i < n; ++i) {
      const sizes z = layer_sizes(specs[i], narrow_for(specs[i], widths));
      bytes +=
          round(z.weight_bytes) + round(z.bias * sizeof(float)) + round(z.state * sizeof(float));
    }
    const seq_sizes q = sequence_sizes(specs, n, widths);
    bytes += (2 * q.chunk * q.row + q.chunk * q.proj) * sizeof(float);
    return bytes;
  }

  /// Lays the model out in the caller's `buffer` of `bytes` (any alignment; at least
  /// required_bytes(specs, n, widths)). All weights zero. `widths`: which layers run the 256-bit
  /// kernels of an AVX-512 build (see simd::width_rule; the static layers' rule by default,
  /// simd::host_width_rule() for the CPU this runs on).
  [[nodiscard]] status init(const layer_spec* specs, std::size_t n, void* buffer, std::size_t bytes,
                            simd::width_rule widths = simd::default_width_rule) noexcept {
    release();
    const status s = validate(specs, n);
    if (s != status::ok) return s;
    const std::size_t need = required_bytes(specs, n, widths);
    if (buffer == nullptr || bytes < need) return status::buffer_too_small;
    layout(specs, n, buffer, need, widths);
    return status::ok;
  }

  /// Allocates one block of required_bytes() and lays the model out in it.
  [[nodiscard]] status init(const layer_spec* specs, std::size_t n,
                            simd::width_rule widths = simd::default_width_rule) noexcept {
    release();
    const status s = validate(specs, n);
    if (s != status::ok) return s;
    const std::size_t need = required_bytes(specs, n, widths);
    void* p = std::malloc(need);
    if (p == nullptr) return status::buffer_too_small;
    layout(specs, n, p, need, widths);
    owned_ = p;
    return status::ok;
  }

  /// Sets layer `i`'s weights from Keras arrays (see the layer classes); `recurrent` is
  /// ignored (pass {}) for dense layers. Binary16 layers round float arrays to nearest even.
  [[nodiscard]] status set_weights(std::size_t i, weights kernel, weights recurrent,
                                   weights bias) noexcept;

  /// Packs layer `i` from already-validated arrays; `Reader` yields value k of each. (The
  /// panels are the same for either activation rational: packed with the default one.)
  template <class Reader>
  void pack(std::size_t i, const Reader& kernel, const Reader& recurrent,
            const Reader& bias) noexcept {
    slot& l = layers_[i];
    with_kernels(l, [&](auto k) {
      using A = typename decltype(k)::arch;
      using T = typename decltype(k)::weight;
      T* w = static_cast<T*>(l.w);
      const std::size_t in = l.spec.in, u = l.spec.units;
      switch (l.spec.kind) {
        case layer_kind::dense:
          detail::dense_kernel<A, T>::pack(in, u, w, l.b, kernel, bias);
          break;
        case layer_kind::simple_rnn:
          detail::simple_rnn_kernel<A, T>::pack(in, u, w, l.b, kernel, recurrent, bias);
          break;
        case layer_kind::lstm:
          detail::lstm_kernel<A, T>::pack(in, u, w, l.b, kernel, recurrent, bias);
          break;
        case layer_kind::gru:
          if (l.spec.reset_after) {
            detail::gru_kernel<A, true, T>::pack(in, u, w, l.b, kernel, recurrent, bias);
          } else {
            detail::gru_kernel<A, false, T>::pack(in, u, w, l.b, kernel, recurrent, bias);
          }
          break;
      }
    });
  }

  /// Builds the model from a model file's bytes (see format.hpp): validates everything, then
  /// allocates once (or uses `buffer`, if given, of `bytes` ≥ required_bytes) and packs the
  /// weights. The bytes may be read-only and unaligned; they are not needed afterwards. A file
  /// with binary16 weights gives binary16 layers; `opt` chooses the float32 layers'
  /// activations (see load_options).
  [[nodiscard]] status load(const void* file, std::size_t n, const load_options& opt,
                            format::load_error* err = nullptr, void* buffer = nullptr,
                            std::size_t bytes = 0) noexcept;
  /// load() with the default options (the precise activations).
  [[nodiscard]] status load(const void* file, std::size_t n, format::load_error* err = nullptr,
                            void* buffer = nullptr, std::size_t bytes = 0) noexcept {
    return load(file, n, load_options{}, err, buffer, bytes);
  }

  /// Bytes of one layer's packed weights (with bias) and of its state, with these kernels.
  struct footprint {
    std::size_t weight_bytes, state_bytes;
  };
  static footprint layer_footprint(const layer_spec& s,
                                   simd::width_rule widths = simd::default_width_rule) noexcept {
    const sizes z = layer_sizes(s, narrow_for(s, widths));
    return {z.weight_bytes + z.bias * sizeof(float), z.state * sizeof(float)};
  }
  /// The same for the static Model (or ConstModel) of these layers with these kernels: its
  /// weight_bytes and state_bytes (the layers' state, the input buffer and the buffers of
  /// run()), as `edgernn info` reports them. 0, 0 for an invalid list.
  static footprint model_footprint(const layer_spec* specs, std::size_t n,
                                   simd::width_rule widths = simd::default_width_rule) noexcept {
    if (validate(specs, n) != status::ok) return {0, 0};
    footprint f{0, input_floats(specs) * sizeof(float)};
    for (std::size_t i = 0; i < n; ++i) {
      const footprint l = layer_footprint(specs[i], widths);
      f.weight_bytes += l.weight_bytes;
      f.state_bytes += l.state_bytes;
    }
    const seq_sizes q = sequence_sizes(specs, n, widths);
    f.state_bytes += q.chunk * (2 * q.row + q.proj) * sizeof(float);
    return f;
  }
  /// Name of the kernels a layer of spec `s` runs with this model's instruction sets, before
  /// init() (layer_kernels names those of an initialized model's layers).
  static const char* kernels_for(const layer_spec& s,
                                 simd::width_rule widths = simd::default_width_rule) noexcept {
    const char* name = "";
    with_kernels(narrow_for(s, widths), s.half, s.fast,
                 [&](auto k) { name = simd::ops<typename decltype(k)::arch>::name(); });
    return name;
  }

  /// Bytes a caller buffer needs to load the model file `file` (0 if the file is invalid).
  static std::size_t required_bytes(const void* file, std::size_t n,
                                    simd::width_rule widths = simd::default_width_rule) noexcept {
    format::model_view v;
    if (v.parse(file, n) != status::ok) return 0;
    layer_spec specs[max_layers];
    for (std::size_t i = 0; i < v.layer_count(); ++i)
      specs[i] = v.layer(i).spec;
    return required_bytes(specs, v.layer_count(), widths);
  }

  std::size_t layer_count() const noexcept { return n_; }
  const layer_spec& layer(std::size_t i) const noexcept { return layers_[i].spec; }
  /// Name of the kernels layer `i` runs ("avx512bw", "fma3+avx2", ...).
  const char* layer_kernels(std::size_t i) const noexcept {
    const char* name = "";
    with_kernels(layers_[i], [&](auto k) { name = simd::ops<typename decltype(k)::arch>::name(); });
    return name;
  }
  /// The tanh and sigmoid rational layer `i` runs: fast for binary16 layers and for those whose
  /// spec asks for it (layer_spec::fast, load_options), else precise.
  simd::fit layer_fit(std::size_t i) const noexcept {
    simd::fit f = simd::fit::precise;
    with_kernels(layers_[i], [&](auto k) { f = decltype(k)::fit; });
    return f;
  }
  std::size_t in_size() const noexcept { return n_ ? layers_[0].spec.in : 0; }
  std::size_t out_size() const noexcept { return n_ ? layers_[n_ - 1].spec.units : 0; }
  /// Bytes of the block in use (allocated or the caller's).
  std::size_t bytes() const noexcept { return bytes_; }

  /// One time step: reads `in[0..in_size())`, writes `out[0..out_size())`, keeps the state.
  /// Must follow a successful init().
  void step(const float* in, float* out) noexcept;

  /// `steps` time steps, row-major; the same result as calling step() on each row, bit for
  /// bit (see Model::run: chunks of sequence_chunk() steps, one layer at a time, the input
  /// projections of a chunk first where they pay). `in` and `out` may not overlap.
  void run(const float* in, float* out, std::size_t steps) noexcept;

  /// Steps run() processes one layer at a time: as Model's for the same layers (0: run() is a
  /// loop of step(), without SIMD and where every layer has fewer than detail::run_min_units
  /// units).
  std::size_t sequence_chunk() const noexcept { return chunk_; }

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
    std::size_t weight_bytes, bias, state, out, proj;  // out: floats of the output buffer
  };
  struct seq_sizes {
    std::size_t row, proj, chunk;  // floats per row and per projection, steps per chunk
  };
  struct slot {
    layer_spec spec;
    void* w;
    float* b;
    float* state;  // h[2] (recurrent) or y (dense), then c (lstm) or the GRU scratch
    std::size_t state_floats;
    std::size_t padded;  // floats of one output buffer (Hp, or the dense output buffer)
    unsigned cur;
    bool narrow;  // the 256-bit kernels (see simd::arch_for)
    // run(): whether the layer projects its inputs apart (detail::run_projects_inputs), and
    // the floats of one step's projection.
    bool projects;
    std::size_t proj;
    // One step of the layer (x, h before, h after; dense layers take no h and write their
    // outputs to `state`, or to "h after" where it is not null),
    // and for recurrent layers the same from its input projection (see run()).
    void (*step)(const slot&, const float*, const float*, float*);
    void (*step_projected)(const slot&, const float*, const float*, float*);
    // Dense layers in the dot form (a few outputs): one step writing `out` with the model's
    // output scaling applied (x, out, scale, offset), for the last layer (see step()).
    void (*head)(const slot&, const float*, float*, const float*, const float*);
  };
  using step_fn = void (*)(const slot&, const float*, const float*, float*);
  using head_fn = void (*)(const slot&, const float*, float*, const float*, const float*);

  static constexpr std::size_t round(std::size_t bytes) noexcept {
    return simd::round_up(bytes, align);
  }
  // Dense layers choose by their inputs, the others by their units, gates and inputs (as
  // simd::arch_for).
  static bool narrow_for(const layer_spec& s, simd::width_rule widths) noexcept {
    if (std::is_same<Narrow, Arch>::value) return false;
    if (s.half) {
      return s.kind == layer_kind::dense
                 ? simd::half_narrow_by_default(s.in, 0, 0, widths)
                 : simd::half_narrow_by_default(s.units, gate_count(s.kind), s.in, widths);
    }
    return s.kind == layer_kind::dense
               ? simd::narrow_by_default(s.in, 0, 0, widths)
               : simd::narrow_by_default(s.units, gate_count(s.kind), s.in, widths);
  }
  // Calls f(kernel_tag<A, T, Fit>{}) with the kernels of a layer. Binary16 layers always run
  // the fast activations, so six forms exist, not eight: each is a full set of kernels, and
  // every form instantiated costs compile time.
  template <class F>
  static void with_kernels(bool narrow, bool half, bool fast, F&& f) noexcept {
    using simd::fit;
    if (half) {
      if constexpr (std::is_same<Narrow, Arch>::value) {
        f(detail::kernel_tag<Arch, std::uint16_t, fit::fast>{});
      } else if (narrow) {
        f(detail::kernel_tag<Narrow, std::uint16_t, fit::fast>{});
      } else {
        f(detail::kernel_tag<Arch, std::uint16_t, fit::fast>{});
      }
    } else if (fast) {
      with_width<fit::fast>(narrow, static_cast<F&&>(f));
    } else {
      with_width<fit::precise>(narrow, static_cast<F&&>(f));
    }
  }
  template <simd::fit Fit, class F>
  static void with_width(bool narrow, F&& f) noexcept {
    if constexpr (std::is_same<Narrow, Arch>::value) {
      f(detail::kernel_tag<Arch, float, Fit>{});
    } else if (narrow) {
      f(detail::kernel_tag<Narrow, float, Fit>{});
    } else {
      f(detail::kernel_tag<Arch, float, Fit>{});
    }
  }
  template <class F>
  static void with_kernels(const slot& l, F&& f) noexcept {
    with_kernels(l.narrow, l.spec.half, l.spec.fast, static_cast<F&&>(f));
  }

  static sizes layer_sizes(const layer_spec& s, bool narrow) noexcept {
    sizes z{0, 0, 0, 0, 0};
    with_kernels(narrow, s.half, s.fast, [&](auto k) {
      using A = typename decltype(k)::arch;
      using T = typename decltype(k)::weight;
      // h buffers in whole registers of the model's widest kernels (as the static layers).
      const std::size_t hp = simd::round_up(s.units, simd::ops<Arch>::width);
      switch (s.kind) {
        case layer_kind::dense: {
          using K = detail::dense_kernel<A, T>;
          z = {K::weight_floats(s.in, s.units) * sizeof(T), K::bias_floats(s.units),
               K::out_floats(s.units), K::out_floats(s.units), 0};
          break;
        }
        case layer_kind::simple_rnn: {
          using K = detail::simple_rnn_kernel<A, T>;
          z = {K::weight_floats(s.in, s.units) * sizeof(T), K::bias_floats(s.units), 2 * hp, hp,
               K::proj_floats(s.units)};
          break;
        }
        case layer_kind::lstm: {
          using K = detail::lstm_kernel<A, T>;
          // h twice, then c in the layer's own registers (as the static layer).
          z = {K::weight_floats(s.in, s.units) * sizeof(T), K::bias_floats(s.units),
               2 * hp + K::shape(s.units).padded, hp, K::proj_floats(s.units)};
          break;
        }
        case layer_kind::gru:
          if (s.reset_after) {
            using K = detail::gru_kernel<A, true, T>;
            z = {K::weight_floats(s.in, s.units) * sizeof(T), K::bias_floats(s.units), 2 * hp, hp,
                 K::proj_floats(s.units)};
          } else {
            using K = detail::gru_kernel<A, false, T>;
            z = {K::weight_floats(s.in, s.units) * sizeof(T), K::bias_floats(s.units),
                 2 * hp + K::scratch_floats(s.units), hp, K::proj_floats(s.units)};
          }
          break;
      }
    });
    return z;
  }
  // The input buffer holds what the first layer reads: whole registers for a dot-form dense.
  static std::size_t input_floats(const layer_spec* specs) noexcept {
    return simd::round_up(specs[0].in, 16);
  }
  // Whether run() computes the layer's input projections in a pass of their own.
  static bool projects_inputs(const layer_spec& s, const sizes& z) noexcept {
    return detail::run_projects_inputs(s.in, z.weight_bytes + z.bias * sizeof(float));
  }
  static seq_sizes sequence_sizes(const layer_spec* specs, std::size_t n,
                                  simd::width_rule widths) noexcept {
    std::size_t row = input_floats(specs), proj = 0, units = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const sizes z = layer_sizes(specs[i], narrow_for(specs[i], widths));
      row = z.out > row ? z.out : row;
      // Only layers whose run() projects its inputs apart use the projections (run_layer).
      if (projects_inputs(specs[i], z)) proj = z.proj > proj ? z.proj : proj;
      units = specs[i].units > units ? specs[i].units : units;
    }
    return {simd::round_up(row, 16), simd::round_up(proj, 16), detail::run_chunk_for(units)};
  }

  void layout(const layer_spec* specs, std::size_t n, void* buffer, std::size_t need,
              simd::width_rule widths) noexcept {
    auto addr = reinterpret_cast<std::uintptr_t>(buffer);
    addr = (addr + align - 1) / align * align;
    unsigned char* p = reinterpret_cast<unsigned char*>(addr);
    const std::size_t used = need - align;
    for (std::size_t k = 0; k < used; ++k)
      p[k] = 0;
    auto take_bytes = [&p](std::size_t bytes) {
      void* f = p;
      p += round(bytes);
      return f;
    };
    auto take = [&](std::size_t floats) {
      return static_cast<float*>(take_bytes(floats * sizeof(float)));
    };
    in_ = take(input_floats(specs));
    in_scale_ = take(specs[0].in);
    in_offset_ = take(specs[0].in);
    out_scale_ = take(specs[n - 1].units);
    out_offset_ = take(specs[n - 1].units);
    for (std::size_t i = 0; i < specs[0].in; ++i)
      in_scale_[i] = 1.0f;
    for (std::size_t i = 0; i < specs[n - 1].units; ++i)
      out_scale_[i] = 1.0f;
    // A recurrent first layer reads exactly `in` floats of its input; a dense one may read
    // whole registers (its dot form), which only the padded copy in_ has.
    direct_in_ = specs[0].kind != layer_kind::dense;
    for (std::size_t i = 0; i < n; ++i) {
      const bool narrow = narrow_for(specs[i], widths);
      const sizes z = layer_sizes(specs[i], narrow);
      slot& l = layers_[i];
      l.spec = specs[i];
      l.w = take_bytes(z.weight_bytes);
      l.b = take(z.bias);
      l.state = take(z.state);
      l.state_floats = z.state;
      l.padded = z.out;
      l.cur = 0;
      l.narrow = narrow;
      l.projects = specs[i].kind != layer_kind::dense && projects_inputs(specs[i], z);
      l.proj = z.proj;
      choose_steps(l);
    }
    const seq_sizes q = sequence_sizes(specs, n, widths);
    row_ = q.row;
    chunk_ = q.chunk;
    seq_a_ = take(chunk_ * q.row);
    seq_b_ = take(chunk_ * q.row);
    proj_ = take(chunk_ * q.proj);
    n_ = n;
    bytes_ = need;
  }

  const float* step_layer(slot& l, const float* x) noexcept {
    if (l.spec.kind == layer_kind::dense) {
      l.step(l, x, nullptr, nullptr);
      return l.state;
    }
    const std::size_t hp = l.padded;
    float* hn = l.state + (l.cur ^ 1u) * hp;
    l.step(l, x, l.state + l.cur * hp, hn);
    l.cur ^= 1u;
    return hn;
  }

  // The step functions of a layer, one per kernel (not one for all kinds: each stays small
  // enough for its accumulators to live in registers), chosen once by choose_steps(): a step
  // then costs one indirect call per layer instead of a choice of kernels, kind and activation.
  // One: a layer of one output (the usual regression head), whose loop over outputs then
  // folds away (callgrind, LSTM of 8 units + Dense(1), AVX2: 80 → 51 instructions per step).
  // Writes the outputs to `y`, or to the layer's buffer where `y` is null (step()).
  template <class A, class T, simd::fit F, activation Act, bool One>
  static void dense_step(const slot& l, const float* x, const float*, float* y) noexcept {
    detail::dense_kernel<A, T, F>::template step<Act>(l.spec.in, One ? 1 : l.spec.units,
                                                      static_cast<const T*>(l.w), l.b, x,
                                                      y != nullptr ? y : l.state);
  }
  template <class A, class T, simd::fit F, activation Act>
  static step_fn dense_step_for(const layer_spec& s) noexcept {
    return s.units == 1 ? &dense_step<A, T, F, Act, true> : &dense_step<A, T, F, Act, false>;
  }
  template <class A, class T, simd::fit F, activation Act, bool One, std::size_t Regs = 0>
  static void dense_head(const slot& l, const float* x, float* out, const float* scale,
                         const float* offset) noexcept {
    detail::dense_kernel<A, T, F>::template step_dot<Act, Regs>(
        l.spec.in, One ? 1 : l.spec.units, static_cast<const T*>(l.w), l.b, x,
        [=](std::size_t o, float v)
            EDGERNN_LAMBDA_INLINE { out[o] = detail::affine(v, scale[o], offset[o]); });
  }
  // A head of one output over at most four registers of inputs (32 of the 256-bit kernels, 64
  // of the 512-bit ones) gets its register count at compile time, without the run-time loop and
  // its branches. Measured (bench/bench_step.cpp, dynamic rows, 4 alternating rounds, Zen 4):
  // steps of 8 to 64 units with a Dense(1) head 0–8 % faster (GRU of 32 units 100.9 → 96.1 ns,
  // SimpleRNN of 64 units 108.1 → 102.9 ns), the static rows beside them 0.98–1.02× (noise).
  template <class A, class T, simd::fit F, activation Act>
  static head_fn dense_head_for(const layer_spec& s) noexcept {
    if (!detail::dense_kernel<A, T, F>::dot_form(s.units)) return nullptr;
    if (s.units == 1) {
      switch (simd::ceil_div(s.in, simd::ops<A>::width)) {
        case 1:
          return &dense_head<A, T, F, Act, true, 1>;
        case 2:
          return &dense_head<A, T, F, Act, true, 2>;
        case 3:
          return &dense_head<A, T, F, Act, true, 3>;
        case 4:
          return &dense_head<A, T, F, Act, true, 4>;
        default:
          return &dense_head<A, T, F, Act, true>;
      }
    }
    return &dense_head<A, T, F, Act, false>;
  }
  template <class A, class T, simd::fit F, activation Act, bool Projected>
  static void srnn_step(const slot& l, const float* x, const float* h, float* hn) noexcept {
    detail::simple_rnn_kernel<A, T, F>::template step<Act, Projected>(
        l.spec.in, l.spec.units, static_cast<const T*>(l.w), l.b, x, h, hn);
  }
  template <class A, class T, simd::fit F, bool Projected>
  static void lstm_step(const slot& l, const float* x, const float* h, float* hn) noexcept {
    detail::lstm_kernel<A, T, F>::template step<Projected>(
        l.spec.in, l.spec.units, static_cast<const T*>(l.w), l.b, x, h, hn, l.state + 2 * l.padded);
  }
  template <class A, class T, simd::fit F, bool ResetAfter, bool Projected>
  static void gru_step(const slot& l, const float* x, const float* h, float* hn) noexcept {
    detail::gru_kernel<A, ResetAfter, T, F>::template step<Projected>(
        l.spec.in, l.spec.units, static_cast<const T*>(l.w), l.b, x, h, hn,
        ResetAfter ? nullptr : l.state + 2 * l.padded);
  }
  // Sets l.step and l.step_projected for the layer's kernels, kind and activation. Defined
  // outside the class, as step() and run() are: it instantiates every kernel, which a build with
  // EDGERNN_DYNAMIC_MODEL_EXTERN then compiles once (in-class, hence inline, it was compiled in
  // every translation unit that calls init(): test_dynamic.cpp 3.6 → 15.6 s).
  static void choose_steps(slot& l) noexcept;

  // `n` steps of one layer over the rows of x (row_ floats apart) into the rows of y.
  void run_layer(slot& l, const float* x, float* y, std::size_t n) noexcept {
    if (l.spec.kind == layer_kind::dense) {
      // Straight into the rows: copying them from the layer's buffer reloaded its outputs right
      // after their stores, which the dot form makes one float at a time (no store forwarding).
      for (std::size_t t = 0; t < n; ++t)
        l.step(l, x + t * row_, nullptr, y + t * row_);
      return;
    }
    if (!l.projects) {
      // Full steps, the input rows with the recurrence (detail::run_step_max_bytes).
      recurrence(l, y, n, [&](std::size_t t, const float* hp, float* hn) {
        l.step(l, x + t * row_, hp, hn);
      });
      return;
    }
    const std::size_t pf = l.proj;
    with_kernels(l, [&](auto k) {
      using A = typename decltype(k)::arch;
      using T = typename decltype(k)::weight;
      constexpr simd::fit F = decltype(k)::fit;
      const T* w = static_cast<const T*>(l.w);
      const std::size_t in = l.spec.in, u = l.spec.units;
      switch (l.spec.kind) {
        case layer_kind::simple_rnn:
          detail::simple_rnn_kernel<A, T, F>::project(in, u, w, l.b, x, row_, proj_, n);
          break;
        case layer_kind::lstm:
          detail::lstm_kernel<A, T, F>::project(in, u, w, l.b, x, row_, proj_, n);
          break;
        case layer_kind::gru:
          if (l.spec.reset_after) {
            detail::gru_kernel<A, true, T, F>::project(in, u, w, l.b, x, row_, proj_, n);
          } else {
            detail::gru_kernel<A, false, T, F>::project(in, u, w, l.b, x, row_, proj_, n);
          }
          break;
        case layer_kind::dense:
          break;
      }
    });
    recurrence(l, y, n, [&](std::size_t t, const float* hp, float* hn) {
      l.step_projected(l, proj_ + t * pf, hp, hn);
    });
  }
  // detail::recurrence over the layer's state, copying with the registers of its width.
  template <class Step>
  void recurrence(slot& l, float* y, std::size_t n, Step&& step) noexcept {
    with_width<simd::fit::precise>(l.narrow, [&](auto k) {
      detail::recurrence<typename decltype(k)::arch>(l.state, l.state + l.padded, l.cur, l.padded,
                                                     y, row_, n, step);
    });
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
  std::size_t row_ = 0;
  std::size_t chunk_ = 0;  // run(): steps per chunk (0: a loop of step())
  float* in_ = nullptr;
  bool direct_in_ = false;     // step(): layer 0 reads the caller's input (no scaling, no copy)
  float* in_scale_ = nullptr;  // io scaling (identity unless a loaded file has one)
  float* in_offset_ = nullptr;
  float* out_scale_ = nullptr;
  float* out_offset_ = nullptr;
  float* seq_a_ = nullptr;  // run(): two chunks of rows, and the chunk's input projections
  float* seq_b_ = nullptr;
  float* proj_ = nullptr;
  void* owned_ = nullptr;
};

// The entry points that instantiate the kernels, defined outside the class (not inline) so that
// a build can compile them once: with EDGERNN_DYNAMIC_MODEL_EXTERN defined, every translation
// unit but one skips BasicDynamicModel<default_arch> (see the end of this file).
template <class Arch>
status BasicDynamicModel<Arch>::set_weights(std::size_t i, weights kernel, weights recurrent,
                                            weights bias) noexcept {
  if (i >= n_) return status::layer_count_mismatch;
  const layer_spec& s = layers_[i].spec;
  if (kernel.size != kernel_floats(s) || bias.size != bias_floats(s) ||
      (s.kind != layer_kind::dense && recurrent.size != recurrent_floats(s))) {
    return status::size_mismatch;
  }
  pack(i, detail::read(kernel), detail::read(recurrent), detail::read(bias));
  return status::ok;
}

template <class Arch>
status BasicDynamicModel<Arch>::load(const void* file, std::size_t n, const load_options& opt,
                                     format::load_error* err, void* buffer,
                                     std::size_t bytes) noexcept {
  release();
  format::model_view v;
  status s = v.parse(file, n, err);
  if (s != status::ok) return s;
  layer_spec specs[max_layers];
  for (std::size_t i = 0; i < v.layer_count(); ++i) {
    specs[i] = v.layer(i).spec;
    specs[i].fast = opt.fast_activations;
  }
  s = buffer ? init(specs, v.layer_count(), buffer, bytes, opt.widths)
             : init(specs, v.layer_count(), opt.widths);
  if (s != status::ok) return s;
  for (std::size_t i = 0; i < v.layer_count(); ++i) {
    const format::layer_view& l = v.layer(i);
    pack(i, l.kernel_values(), l.recurrent_values(), l.bias_values());
  }
  if (v.has_input_scaling()) direct_in_ = false;
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

template <class Arch>
void BasicDynamicModel<Arch>::choose_steps(slot& l) noexcept {
  with_kernels(l, [&](auto k) {
    using A = typename decltype(k)::arch;
    using T = typename decltype(k)::weight;
    constexpr simd::fit F = decltype(k)::fit;
    const auto both = [&l](step_fn from_input, step_fn from_projection) {
      l.step = from_input;
      l.step_projected = from_projection;
    };
    const auto dense = [&l](step_fn step, head_fn head) {
      l.step = step;
      l.step_projected = nullptr;
      l.head = head;
    };
    l.head = nullptr;
    switch (l.spec.kind) {
      case layer_kind::dense:
        switch (l.spec.act) {
          case activation::linear:
            dense(dense_step_for<A, T, F, activation::linear>(l.spec),
                  dense_head_for<A, T, F, activation::linear>(l.spec));
            break;
          case activation::relu:
            dense(dense_step_for<A, T, F, activation::relu>(l.spec),
                  dense_head_for<A, T, F, activation::relu>(l.spec));
            break;
          case activation::tanh:
            dense(dense_step_for<A, T, F, activation::tanh>(l.spec),
                  dense_head_for<A, T, F, activation::tanh>(l.spec));
            break;
          case activation::sigmoid:
            dense(dense_step_for<A, T, F, activation::sigmoid>(l.spec),
                  dense_head_for<A, T, F, activation::sigmoid>(l.spec));
            break;
        }
        break;
      case layer_kind::simple_rnn:
        if (l.spec.act == activation::relu) {
          both(&srnn_step<A, T, F, activation::relu, false>,
               &srnn_step<A, T, F, activation::relu, true>);
        } else {
          both(&srnn_step<A, T, F, activation::tanh, false>,
               &srnn_step<A, T, F, activation::tanh, true>);
        }
        break;
      case layer_kind::lstm:
        both(&lstm_step<A, T, F, false>, &lstm_step<A, T, F, true>);
        break;
      case layer_kind::gru:
        if (l.spec.reset_after) {
          both(&gru_step<A, T, F, true, false>, &gru_step<A, T, F, true, true>);
        } else {
          both(&gru_step<A, T, F, false, false>, &gru_step<A, T, F, false, true>);
        }
        break;
    }
  });
}

template <class Arch>
void BasicDynamicModel<Arch>::step(const float* in, float* out) noexcept {
  const float* y = in;
  if (!direct_in_) {
    const std::size_t ni = layers_[0].spec.in;
    // GCC 12 vectorizes this runtime-bound loop and, when the caller passes the address of a
    // single float, warns that the (never taken) vector path reads it uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    for (std::size_t i = 0; i < ni; ++i)
      in_[i] = detail::affine(in[i], in_scale_[i], in_offset_[i]);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    y = in_;
  }
  const std::size_t last = n_ - 1;
  for (std::size_t i = 0; i < last; ++i)
    y = step_layer(layers_[i], y);
  slot& l = layers_[last];
  if (l.head != nullptr) {
    // A Dense head of a few outputs stores them, scaled, straight into `out`. Storing them in
    // its own buffer and reloading them here cost 9 ns per step (LSTM of 16 units + Dense(1),
    // Zen 4): the reload waits for the end of the head's dot product, and the next step's
    // loads, behind it in program order, waited with it.
    l.head(l, y, out, out_scale_, out_offset_);
    return;
  }
  y = step_layer(l, y);
  for (std::size_t i = 0; i < l.spec.units; ++i)
    out[i] = detail::affine(y[i], out_scale_[i], out_offset_[i]);
}

template <class Arch>
void BasicDynamicModel<Arch>::run(const float* in, float* out, std::size_t steps) noexcept {
  const std::size_t ni = in_size(), no = out_size();
  const std::size_t chunk = chunk_;
  if (chunk == 0) {
    for (std::size_t t = 0; t < steps; ++t)
      step(in + t * ni, out + t * no);
    return;
  }
  for (std::size_t t0 = 0; t0 < steps; t0 += chunk) {
    const std::size_t n = steps - t0 < chunk ? steps - t0 : chunk;
    float* x = seq_a_;
    float* y = seq_b_;
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t i = 0; i < ni; ++i)
        x[t * row_ + i] = detail::affine(in[(t0 + t) * ni + i], in_scale_[i], in_offset_[i]);
    const std::size_t last = n_ - 1;
    for (std::size_t i = 0; i < last; ++i) {
      run_layer(layers_[i], x, y, n);
      std::swap(x, y);
    }
    slot& l = layers_[last];
    if (l.head != nullptr) {
      // As in step(): the head writes the outputs, scaled, straight into `out`.
      for (std::size_t t = 0; t < n; ++t)
        l.head(l, x + t * row_, out + (t0 + t) * no, out_scale_, out_offset_);
      continue;
    }
    run_layer(l, x, y, n);
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t i = 0; i < no; ++i)
        out[(t0 + t) * no + i] = detail::affine(y[t * row_ + i], out_scale_[i], out_offset_[i]);
  }
}

/// DynamicModel with the kernels the compile flags select.
using DynamicModel = BasicDynamicModel<>;

// For builds that compile the default DynamicModel in one translation unit
// (`template class edgernn::BasicDynamicModel<edgernn::simd::default_arch>;`) and define
// EDGERNN_DYNAMIC_MODEL_EXTERN everywhere else: its kernels are then compiled once, not once
// per translation unit that loads or runs a model. Every unit must see the same flags.
#ifdef EDGERNN_DYNAMIC_MODEL_EXTERN
extern template class BasicDynamicModel<simd::default_arch>;
#endif

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
