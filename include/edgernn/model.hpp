// edgernn: Model<Layers...> and ConstModel<Layers...>, layers composed at compile time and run
// one step at a time.
#pragma once

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <tuple>
#include <type_traits>
#include <utility>

#include "edgernn/format.hpp"
#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/arch.hpp"
#include "edgernn/status.hpp"

EDGERNN_DIAGNOSTICS_BEGIN

namespace edgernn {

/// Per-channel affine maps between raw units and the network's own (a literal type):
/// network input = raw · in_scale + in_offset, raw output = network output · out_scale +
/// out_offset. The identity by default.
template <std::size_t In, std::size_t Out>
struct io_scaling {
  float in_scale[In] = {};
  float in_offset[In] = {};
  float out_scale[Out] = {};
  float out_offset[Out] = {};

  /// Scale 1, offset 0 everywhere: raw units are the network's.
  static constexpr io_scaling identity() noexcept {
    io_scaling s;
    for (std::size_t i = 0; i < In; ++i)
      s.in_scale[i] = 1.0f;
    for (std::size_t i = 0; i < Out; ++i)
      s.out_scale[i] = 1.0f;
    return s;
  }
};

namespace detail {

template <class... Layers>
struct chain;
template <class L>
struct chain<L> : std::true_type {};
template <class A, class B, class... Rest>
struct chain<A, B, Rest...>
    : std::integral_constant<bool, A::out_size == B::in_size && chain<B, Rest...>::value> {};

// Every layer may read up to its in_reads floats from the buffer the previous one returns.
template <class... Layers>
struct buffers_fit;
template <class L>
struct buffers_fit<L> : std::true_type {};
template <class A, class B, class... Rest>
struct buffers_fit<A, B, Rest...>
    : std::integral_constant<bool, A::out_padded >= B::in_reads && buffers_fit<B, Rest...>::value> {
};

/// The layer_spec of a static layer type.
template <class L>
constexpr layer_spec spec_of() noexcept {
  layer_spec s;
  s.kind = L::kind;
  s.in = L::in_size;
  s.units = L::out_size;
  if constexpr (L::kind == layer_kind::dense || L::kind == layer_kind::simple_rnn) {
    s.act = L::act;
  } else {
    s.act = activation::tanh;
  }
  if constexpr (L::kind == layer_kind::gru) s.reset_after = L::reset_after;
  return s;
}

/// Compares a file's layer with the static layer it must fill; fills `e` on a mismatch.
inline status match_layer(const layer_spec& want, const layer_spec& got, std::size_t i,
                          format::load_error& e) noexcept {
  e.layer = i;
  e.has_layer = true;
  auto fail = [&e](status s, const char* field, std::uint64_t expected, std::uint64_t found) {
    e.field = field;
    e.expected = expected;
    e.found = found;
    return s;
  };
  if (want.kind != got.kind) {
    return fail(status::layer_type_mismatch, "layer type", static_cast<unsigned>(want.kind),
                static_cast<unsigned>(got.kind));
  }
  if (want.in != got.in) return fail(status::layer_size_mismatch, "inputs", want.in, got.in);
  if (want.units != got.units) {
    return fail(status::layer_size_mismatch, "units", want.units, got.units);
  }
  if (want.act != got.act) {
    return fail(status::activation_mismatch, "activation", static_cast<unsigned>(want.act),
                static_cast<unsigned>(got.act));
  }
  if (want.kind == layer_kind::gru && want.reset_after != got.reset_after) {
    return fail(status::activation_mismatch, "reset_after", want.reset_after, got.reset_after);
  }
  e.has_layer = false;
  return status::ok;
}

/// A layer whose packed weights live elsewhere (read-only, e.g. in flash); state is its own.
template <class L>
struct layer_ref {
  const typename L::packed* weights = nullptr;
  typename L::state state{};

  void reset() noexcept { L::clear(state); }
  EDGERNN_STEP_INLINE const float* step(const float* x) noexcept {
    return L::step(*weights, state, x);
  }
  void run(const float* x, std::size_t ldx, float* y, std::size_t ldy, std::size_t n,
           float* proj) noexcept {
    L::run(*weights, state, x, ldx, y, ldy, n, proj);
  }
};

/// x·s + o, the io scaling of one value: one function, so step() and run() round alike. Fused
/// explicitly where the target fuses: left to -ffp-contract, GCC fuses it in some inlined
/// copies and not in others (aarch64, Cortex-M55).
EDGERNN_INLINE float affine(float x, float s, float o) noexcept {
#if defined(__FP_FAST_FMAF)
  return __builtin_fmaf(x, s, o);
#else
  return x * s + o;
#endif
}

/// The buffers of run(): two ping-pong sequences of `Chunk` rows of `Row` floats (each layer
/// reads one and writes the other) and `Chunk` input projections of `Proj` floats. Sizes are
/// multiples of 16 floats, so they add no padding. Empty when Chunk is 0; no projections when
/// Proj is 0 (every layer runs full steps in run(), see detail::run_projects_inputs).
template <std::size_t Chunk, std::size_t Row, std::size_t Proj>
struct sequence_buffers {
  static constexpr std::size_t bytes = (2 * Chunk * Row + Chunk * Proj) * sizeof(float);
  alignas(64) float seq_a_[Chunk * Row] = {};
  alignas(64) float seq_b_[Chunk * Row] = {};
  alignas(64) float proj_[Chunk * Proj] = {};
};
template <std::size_t Chunk, std::size_t Row>
struct sequence_buffers<Chunk, Row, 0> {
  static constexpr std::size_t bytes = 2 * Chunk * Row * sizeof(float);
  alignas(64) float seq_a_[Chunk * Row] = {};
  alignas(64) float seq_b_[Chunk * Row] = {};
  static constexpr float* proj_ = nullptr;
};
template <std::size_t Row, std::size_t Proj>
struct sequence_buffers<0, Row, Proj> {
  static constexpr std::size_t bytes = 0;
};
template <std::size_t Row>
struct sequence_buffers<0, Row, 0> {
  static constexpr std::size_t bytes = 0;
};

/// What Model and ConstModel share: the input buffer, the io scaling, step/run/reset over a
/// tuple of `Slots` (layers, or layer_refs).
template <class Shape, class... Slots>
class model_core : protected sequence_buffers<Shape::chunk, Shape::row, Shape::proj> {
 protected:
  static constexpr std::size_t in_n = Shape::in_size;
  static constexpr std::size_t out_n = Shape::out_size;
  static constexpr std::size_t in_padded = simd::round_up(Shape::first_reads, 16);
  using buffers = sequence_buffers<Shape::chunk, Shape::row, Shape::proj>;

 public:
  /// Steps run() processes layer by layer at a time (0: run() is a loop of step(), without
  /// SIMD and where every layer has fewer than detail::run_min_units units).
  static constexpr std::size_t sequence_chunk = Shape::chunk;

  /// One time step: reads `in[0..in_size)`, writes `out[0..out_size)`, keeps the state.
  /// Buffers may be unaligned and may overlap.
  void step(const float* in, float* out) noexcept {
    for (std::size_t i = 0; i < in_n; ++i)
      in_[i] = affine(in[i], io_->in_scale[i], io_->in_offset[i]);
    const float* y = forward(std::index_sequence_for<Slots...>{});
    for (std::size_t i = 0; i < out_n; ++i)
      out[i] = affine(y[i], io_->out_scale[i], io_->out_offset[i]);
  }

  /// `steps` time steps: `in` is steps × in_size, `out` steps × out_size (row-major); the same
  /// result as calling step() on each row in turn, bit for bit. Chunks of sequence_chunk steps
  /// go through the layers one layer at a time: a recurrent layer first computes the input
  /// projections x·K + b of the whole chunk, then only the recurrent part per step, where it has
  /// 16 inputs or more or its weights exceed detail::run_step_max_bytes (else it runs its full
  /// steps). `in` and `out` may not overlap.
  void run(const float* in, float* out, std::size_t steps) noexcept {
    if constexpr (Shape::chunk == 0) {
      for (std::size_t t = 0; t < steps; ++t)
        step(in + t * in_n, out + t * out_n);
    } else {
      constexpr std::size_t row = Shape::row;
      for (std::size_t t0 = 0; t0 < steps; t0 += Shape::chunk) {
        const std::size_t n = steps - t0 < Shape::chunk ? steps - t0 : Shape::chunk;
        // A few inputs: each row scaled in a local array, then copied whole. Written straight
        // into the rows, GCC 12 vectorized this loop across the steps (a transpose, then one
        // `vextractps` store per float): SimpleRNN of 16 units with 8 inputs + Dense took
        // 29.0 ns a step in run() against 24.3 in step() (Xeon, AVX-512 build); now 24.2.
        // Wider rows (no such transpose) go straight in, with no large array on the stack.
        float* a = this->seq_a_;
        for (std::size_t t = 0; t < n; ++t) {
          const float* x = in + (t0 + t) * in_n;
          if constexpr (in_n <= 64) {
            float r[in_n];
            for (std::size_t i = 0; i < in_n; ++i)
              r[i] = affine(x[i], io_->in_scale[i], io_->in_offset[i]);
            std::memcpy(a + t * row, r, sizeof r);
          } else {
            for (std::size_t i = 0; i < in_n; ++i)
              a[t * row + i] = affine(x[i], io_->in_scale[i], io_->in_offset[i]);
          }
        }
        const float* y = run_layers(n, std::index_sequence_for<Slots...>{});
        for (std::size_t t = 0; t < n; ++t)
          for (std::size_t i = 0; i < out_n; ++i)
            out[(t0 + t) * out_n + i] =
                affine(y[t * row + i], io_->out_scale[i], io_->out_offset[i]);
      }
    }
  }

  /// Zeroes the state of every layer, as if no step had run.
  void reset() noexcept {
    std::apply([](auto&... l) { (l.reset(), ...); }, slots_);
  }

 protected:
  using scaling = io_scaling<Shape::in_size, Shape::out_size>;
  static constexpr scaling identity_scaling = scaling::identity();

  template <std::size_t... I>
  EDGERNN_INLINE const float* forward(std::index_sequence<I...>) noexcept {
    const float* y = in_;
    ((y = std::get<I>(slots_).step(y)), ...);
    return y;
  }

  // Every layer over the chunk in seq_a_ (n rows), ping-ponging; returns the last outputs.
  template <std::size_t... I>
  const float* run_layers(std::size_t n, std::index_sequence<I...>) noexcept {
    float* x = this->seq_a_;
    float* y = this->seq_b_;
    ((std::get<I>(slots_).run(x, Shape::row, y, Shape::row, n, this->proj_), std::swap(x, y)), ...);
    return x;
  }

  alignas(64) float in_[in_padded] = {};
  const scaling* io_ = &identity_scaling;
  std::tuple<Slots...> slots_;
};

#if defined(EDGERNN_RUN_CHUNK)
inline constexpr std::size_t run_chunk = EDGERNN_RUN_CHUNK;
#elif EDGERNN_HAS_XSIMD
inline constexpr std::size_t run_chunk = 8;
#else
inline constexpr std::size_t run_chunk = 0;  // no SIMD (MCUs): no sequence buffers in RAM
#endif

/// run() goes through the layers in chunks only where the largest layer has at least this
/// many units; smaller models run as a loop of step(), and keep no sequence buffers. Measured
/// (bench/bench_step.cpp, sequence rows, chunks of 8 against a loop of step(), alternating
/// runs on Zen 4): with 8 units the loop is 2–20 % faster for every cell and In = 1 or 8 (the
/// chain of each step is so short that the separate passes of a chunk cost more than they
/// save). At 16 units (a harness alternating both, medians of 7 rounds; layers with fewer than
/// 16 inputs running their full steps in the chunks, see detail::run_step_max_bytes) the two
/// are within 7 % either way: chunks faster for LSTM and GRU with one input (3–4 %), the loop
/// for SimpleRNN and with 8 inputs (2–7 %).
inline constexpr std::size_t run_min_units = 16;

/// Steps per chunk of run() for a model whose largest layer has `units` units (0: a loop of
/// step()).
constexpr std::size_t run_chunk_for(std::size_t units) noexcept {
  return units >= run_min_units ? run_chunk : 0;
}

constexpr std::size_t max_of(std::initializer_list<std::size_t> v) noexcept {
  std::size_t m = 0;
  for (std::size_t x : v)
    m = x > m ? x : m;
  return m;
}

template <class... Layers>
struct model_shape {
  static_assert(sizeof...(Layers) >= 1, "a model needs at least one layer");
  static_assert(chain<Layers...>::value,
                "each layer's in_size must equal the previous layer's out_size");
  static_assert(buffers_fit<Layers...>::value,
                "a layer reads past the buffer of the layer before it (mixed SIMD widths?)");
  using first = std::tuple_element_t<0, std::tuple<Layers...>>;
  using last = std::tuple_element_t<sizeof...(Layers) - 1, std::tuple<Layers...>>;
  static constexpr std::size_t in_size = first::in_size;
  static constexpr std::size_t out_size = last::out_size;
  static constexpr std::size_t first_reads = first::in_reads;
  /// run(): steps per chunk (run_chunk_for the largest layer: EDGERNN_RUN_CHUNK, 8 with SIMD,
  /// or 0), floats per sequence row (every layer's input reads and output buffer), floats of
  /// one input projection (0 where no layer's run() projects its inputs apart).
  static constexpr std::size_t chunk = run_chunk_for(max_of({Layers::out_size...}));
  static constexpr std::size_t row =
      simd::round_up(max_of({first_reads, Layers::out_padded...}), 16);
  static constexpr std::size_t proj = simd::round_up(max_of({0, Layers::proj_floats...}), 16);
};

}  // namespace detail

/// A stack of layers with sizes fixed at compile time; layer N's output feeds layer N + 1.
/// Weights and state live inside the object.
///
/// Memory: nothing is allocated, ever:
///   sizeof(Model) ≈ Σ (Layer::weight_bytes + Layer::state_bytes) + round_up(In, 16)·4
///                   + (In + Out)·8 (the io scaling) + 8 + the buffers of run()
/// (all in state_bytes but the scaling), plus alignment padding (< 64 bytes per member;
/// tests/test_model.cpp checks the bound). Large models belong in static storage or on the heap,
/// not on a small stack.
template <class... Layers>
class Model : public detail::model_core<detail::model_shape<Layers...>, Layers...> {
  using shape = detail::model_shape<Layers...>;
  using base = detail::model_core<shape, Layers...>;

 public:
  static constexpr std::size_t in_size = shape::in_size;    ///< floats per input step
  static constexpr std::size_t out_size = shape::out_size;  ///< floats per output step
  static constexpr std::size_t layer_count = sizeof...(Layers);
  /// Type of layer `I`.
  template <std::size_t I>
  using layer_type = std::tuple_element_t<I, std::tuple<Layers...>>;
  /// Bytes of packed weights and biases, summed over the layers.
  static constexpr std::size_t weight_bytes = (Layers::weight_bytes + ... + 0);
  /// Bytes of state and activations, summed over the layers, plus the input buffer and the
  /// buffers of run() (sequence_chunk · (2·row + projection) floats).
  static constexpr std::size_t state_bytes =
      (Layers::state_bytes + ... + 0) + base::in_padded * sizeof(float) + base::buffers::bytes;
  /// The io scaling type (raw units ↔ network units).
  using scaling = io_scaling<in_size, out_size>;

  /// All weights zero, all state zero, identity io scaling.
  Model() noexcept { this->io_ = &own_io_; }
  Model(const Model& other) noexcept : base(other), own_io_(other.own_io_) { this->io_ = &own_io_; }
  Model& operator=(const Model& other) noexcept {
    base::operator=(other);
    own_io_ = other.own_io_;
    this->io_ = &own_io_;
    return *this;
  }

  /// Layer `I` (0-based), to set its weights: `model.layer<0>().set_weights(...)`.
  template <std::size_t I>
  layer_type<I>& layer() noexcept {
    return std::get<I>(this->slots_);
  }
  template <std::size_t I>
  const layer_type<I>& layer() const noexcept {
    return std::get<I>(this->slots_);
  }

  /// Loads the weights and io scaling from a model file's bytes (see format.hpp), checking
  /// every field against this model's layers. Allocates nothing; the bytes may be read-only
  /// and unaligned (flash) and are not needed afterwards. On failure the model is unchanged
  /// and `err` (if given) names the layer, the field, and what was expected and found.
  [[nodiscard]] status load(const void* bytes, std::size_t n,
                            format::load_error* err = nullptr) noexcept {
    format::load_error scratch;
    format::load_error& e = err ? *err : scratch;
    format::model_view v;
    status s = v.parse(bytes, n, &e);
    if (s != status::ok) return s;
    if (v.layer_count() != layer_count) {
      e.field = "layer count";
      e.expected = layer_count;
      e.found = v.layer_count();
      return status::layer_count_mismatch;
    }
    s = check(v, e, std::index_sequence_for<Layers...>{});
    if (s != status::ok) return s;
    fill(v, std::index_sequence_for<Layers...>{});
    own_io_ = scaling::identity();
    for (std::size_t i = 0; i < in_size && v.has_input_scaling(); ++i) {
      own_io_.in_scale[i] = v.input_scale()[i];
      own_io_.in_offset[i] = v.input_offset()[i];
    }
    for (std::size_t i = 0; i < out_size && v.has_output_scaling(); ++i) {
      own_io_.out_scale[i] = v.output_scale()[i];
      own_io_.out_offset[i] = v.output_offset()[i];
    }
    this->reset();
    return status::ok;
  }

  /// Sets the io scaling (see io_scaling); models take and return raw units from then on.
  void set_scaling(const scaling& s) noexcept { own_io_ = s; }
  const scaling& get_scaling() const noexcept { return own_io_; }

 private:
  template <std::size_t... I>
  static status check(const format::model_view& v, format::load_error& e,
                      std::index_sequence<I...>) noexcept {
    status s = status::ok;
    ((s = s == status::ok ? detail::match_layer(detail::spec_of<Layers>(), v.layer(I).spec, I, e)
                          : s),
     ...);
    return s;
  }
  template <std::size_t... I>
  void fill(const format::model_view& v, std::index_sequence<I...>) noexcept {
    (fill_one<I>(v.layer(I)), ...);
  }
  template <std::size_t I>
  void fill_one(const format::layer_view& l) noexcept {
    using L = layer_type<I>;
    auto& p = layer<I>().packed_weights();
    if constexpr (L::kind == layer_kind::dense) {
      L::pack_from(p, l.kernel_values(), l.bias_values());
    } else {
      L::pack_from(p, l.kernel_values(), l.recurrent_values(), l.bias_values());
    }
  }

  scaling own_io_ = scaling::identity();
};

/// The same stack with read-only weights held elsewhere, typically `constexpr` data from an
/// exported header that the linker keeps in flash: only the state (and the input buffer) is
/// in RAM. Construct it from each layer's packed weights, in order.
template <class... Layers>
class ConstModel
    : public detail::model_core<detail::model_shape<Layers...>, detail::layer_ref<Layers>...> {
  using shape = detail::model_shape<Layers...>;
  using base = detail::model_core<shape, detail::layer_ref<Layers>...>;

 public:
  static constexpr std::size_t in_size = shape::in_size;
  static constexpr std::size_t out_size = shape::out_size;
  static constexpr std::size_t layer_count = sizeof...(Layers);
  template <std::size_t I>
  using layer_type = std::tuple_element_t<I, std::tuple<Layers...>>;
  using scaling = io_scaling<in_size, out_size>;
  /// Bytes of RAM: the layers' state, the input buffer and the buffers of run() (the weights
  /// stay where they are).
  static constexpr std::size_t state_bytes =
      (Layers::state_bytes + ... + 0) + base::in_padded * sizeof(float) + base::buffers::bytes;

  /// Binds the weights (which must outlive the model) and, optionally, an io scaling.
  explicit ConstModel(const typename Layers::packed&... weights,
                      const scaling* io = nullptr) noexcept {
    bind(std::index_sequence_for<Layers...>{}, &weights...);
    if (io != nullptr) this->io_ = io;
  }

 private:
  template <std::size_t... I, class... P>
  void bind(std::index_sequence<I...>, const P*... p) noexcept {
    ((std::get<I>(this->slots_).weights = p), ...);
  }
};

namespace detail {
// Not constexpr on purpose: reaching it during constant evaluation stops the compilation.
inline void weight_array_sizes_do_not_match_the_layer() noexcept {}
}  // namespace detail

/// Packs Keras arrays for layer type `L` (kernel, [recurrent,] bias, as for set_weights) into
/// its packed layout; meant for constant evaluation, so the result can sit in flash:
///   `constexpr auto w0 = edgernn::pack_weights<Lstm<1, 32>>(kernel, recurrent, bias);`
/// Arrays of the wrong size stop the compilation.
template <class L, class... Arrays>
constexpr typename L::packed pack_weights(const Arrays&... arrays) noexcept {
  typename L::packed p{};
  if (L::pack(p, weights(arrays)...) != status::ok) {
    detail::weight_array_sizes_do_not_match_the_layer();
  }
  return p;
}

}  // namespace edgernn

EDGERNN_DIAGNOSTICS_END
