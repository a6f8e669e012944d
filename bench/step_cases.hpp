// The cases of bench/bench_step.cpp: the models, their weights, the benchmark functions and
// their registration, one translation unit per cell (bench/step_<cell>.cpp) so that the
// benchmark builds in parallel.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "edgernn/edgernn.hpp"
#include "probes.hpp"
#if EDGERNN_BENCH_DISPATCH
#include "dispatch.hpp"
#endif
#include "support/sizes.hpp"

namespace edgernn_bench {

using namespace edgernn;
using act = activation;
using scalar = simd::scalar;

enum class cell { simple_rnn, lstm, gru };

#if EDGERNN_BENCH_DISPATCH
// dispatch::Model with its constructor argument named for bm_dynamic.
struct dispatched : dispatch::Model {
  using isa_type = dispatch::isa;
  explicit dispatched(dispatch::isa i) : dispatch::Model(i) {}
};
#endif

constexpr std::size_t gates(cell c) {
  return c == cell::lstm ? 4 : c == cell::gru ? 3 : 1;
}
constexpr const char* name(cell c) {
  return c == cell::lstm ? "lstm" : c == cell::gru ? "gru" : "simple_rnn";
}

// The layer types under test: `Arch` explicit, or (void) the defaults a user gets.
template <cell C, std::size_t In, std::size_t H, class Arch>
struct model_of;
template <std::size_t In, std::size_t H, class Arch>
struct model_of<cell::simple_rnn, In, H, Arch> {
  using type = Model<SimpleRnn<In, H, act::tanh, Arch>, Dense<H, 1, act::linear, Arch>>;
};
template <std::size_t In, std::size_t H, class Arch>
struct model_of<cell::lstm, In, H, Arch> {
  using type = Model<Lstm<In, H, Arch>, Dense<H, 1, act::linear, Arch>>;
};
template <std::size_t In, std::size_t H, class Arch>
struct model_of<cell::gru, In, H, Arch> {
  using type = Model<Gru<In, H, true, Arch>, Dense<H, 1, act::linear, Arch>>;
};
template <std::size_t In, std::size_t H>
struct model_of<cell::simple_rnn, In, H, void> {
  using type = Model<SimpleRnn<In, H, act::tanh>, Dense<H, 1>>;
};
template <std::size_t In, std::size_t H>
struct model_of<cell::lstm, In, H, void> {
  using type = Model<Lstm<In, H>, Dense<H, 1>>;
};
template <std::size_t In, std::size_t H>
struct model_of<cell::gru, In, H, void> {
  using type = Model<Gru<In, H>, Dense<H, 1>>;
};
// Binary16 weights with the default kernels for each size.
template <std::size_t In, std::size_t H>
struct model_of<cell::simple_rnn, In, H, f16> {
  using type = Model<SimpleRnn<In, H, act::tanh, f16>, Dense<H, 1, act::linear, f16>>;
};
template <std::size_t In, std::size_t H>
struct model_of<cell::lstm, In, H, f16> {
  using type = Model<Lstm<In, H, f16>, Dense<H, 1, act::linear, f16>>;
};
template <std::size_t In, std::size_t H>
struct model_of<cell::gru, In, H, f16> {
  using type = Model<Gru<In, H, true, f16>, Dense<H, 1, act::linear, f16>>;
};

// Small deterministic weights: the values do not change the time, NaN-free is all we need.
inline void fill(std::vector<float>& v, float scale) {
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = scale * std::sin(0.7f * static_cast<float>(i));
}

struct keras {
  std::vector<float> k, u, b, dk, db;
  keras(cell c, std::size_t in, std::size_t h)
      : k(in * gates(c) * h),
        u(h * gates(c) * h),
        b((c == cell::gru ? 2 : 1) * gates(c) * h),
        dk(h),
        db(1) {
    fill(k, 0.3f);
    fill(u, 0.5f / std::sqrt(static_cast<float>(h)));
    fill(b, 0.1f);
    fill(dk, 0.2f);
  }
};

inline void counters(benchmark::State& state, cell c, std::size_t in, std::size_t h,
                     std::size_t weight_bytes, std::size_t steps, bool half = false) {
  const double flops = 2.0 * static_cast<double>(gates(c) * h * (in + h) + h);
  const double n = static_cast<double>(state.iterations() * steps);
  double ceiling_s = static_cast<double>(weight_bytes) / (bench::bandwidth_for(weight_bytes) * 1e9);
  if (half) ceiling_s = std::max(ceiling_s, flops / (bench::widened_gflops() * 1e9));
  using C = benchmark::Counter;
  state.counters["ns/step"] = C(n, C::kIsRate | C::kInvert);
  state.counters["GFLOP/s"] = C(n * flops / 1e9, C::kIsRate);
  state.counters["%peak"] = C(n * flops / (bench::peak_gflops() * 1e9) * 100, C::kIsRate);
  state.counters["%ceiling"] = C(n * ceiling_s * 100, C::kIsRate);
  state.counters["weight_KiB"] = static_cast<double>(weight_bytes) / 1024.0;
}

template <cell C, std::size_t In, std::size_t H, class Arch>
void bm_static(benchmark::State& state) {
  using M = typename model_of<C, In, H, Arch>::type;
  auto m = std::make_unique<M>();
  keras w(C, In, H);
  if (m->template layer<0>().set_weights(w.k, w.u, w.b) != status::ok ||
      m->template layer<1>().set_weights(w.dk, w.db) != status::ok) {
    state.SkipWithError("set_weights failed");
    return;
  }
  std::vector<float> x(In, 0.25f);
  float y = 0;
  for (auto _ : state) {
    m->step(x.data(), &y);
    benchmark::DoNotOptimize(y);
  }
  counters(state, C, In, H, M::weight_bytes, 1, std::is_same<Arch, f16>::value);
}

// A DynamicModel (or dispatch::Model) of the cell followed by Dense(1), with the fast
// activations (layer_spec::fast) if `fast`; false where init failed.
template <cell C, std::size_t In, std::size_t H, class Dyn>
bool init_dynamic(Dyn& m, bool fast) {
  layer_spec specs[] = {{C == cell::lstm  ? layer_kind::lstm
                         : C == cell::gru ? layer_kind::gru
                                          : layer_kind::simple_rnn,
                         act::tanh, true, In, H},
                        {layer_kind::dense, act::linear, true, H, 1}};
  for (layer_spec& s : specs)
    s.fast = fast;
  keras w(C, In, H);
  return m.init(specs, 2) == status::ok &&
         m.set_weights(0, {w.k.data(), w.k.size()}, {w.u.data(), w.u.size()},
                       {w.b.data(), w.b.size()}) == status::ok &&
         m.set_weights(1, {w.dk.data(), w.dk.size()}, {}, {w.db.data(), 1}) == status::ok;
}

// DynamicModel, or dispatch::Model (kernels picked at run time) when `isa` is given; with the
// fast activations (layer_spec::fast) if `fast`.
template <cell C, std::size_t In, std::size_t H, class Dyn>
void bm_dynamic(benchmark::State& state, int isa, bool fast) {
  std::unique_ptr<Dyn> owner;
  if constexpr (std::is_same<Dyn, DynamicModel>::value) {
    owner = std::make_unique<Dyn>();
  } else {
    owner = std::make_unique<Dyn>(static_cast<typename Dyn::isa_type>(isa));
  }
  Dyn& m = *owner;
  if (!init_dynamic<C, In, H>(m, fast)) {
    state.SkipWithError("init failed");
    return;
  }
  std::vector<float> x(In, 0.25f);
  float y = 0;
  for (auto _ : state) {
    m.step(x.data(), &y);
    benchmark::DoNotOptimize(y);
  }
  using M = typename model_of<C, In, H, void>::type;
  counters(state, C, In, H, M::weight_bytes, 1);
}

// m.run() over 1000 steps an iteration; counters per step.
template <cell C, std::size_t In, std::size_t H, class M>
void time_sequence(benchmark::State& state, M& m, std::size_t weight_bytes) {
  constexpr std::size_t T = 1000;
  std::vector<float> x(T * In), y(T);
  fill(x, 1.0f);
  for (auto _ : state) {
    m.run(x.data(), y.data(), T);
    benchmark::DoNotOptimize(y.data());
  }
  counters(state, C, In, H, weight_bytes, T);
}

template <cell C, std::size_t In, std::size_t H, class K>
void bm_sequence(benchmark::State& state) {
  using M = typename model_of<C, In, H, K>::type;
  auto m = std::make_unique<M>();
  keras w(C, In, H);
  if (m->template layer<0>().set_weights(w.k, w.u, w.b) != status::ok ||
      m->template layer<1>().set_weights(w.dk, w.db) != status::ok) {
    state.SkipWithError("set_weights failed");
    return;
  }
  time_sequence<C, In, H>(state, *m, M::weight_bytes);
}

// The same with a DynamicModel.
template <cell C, std::size_t In, std::size_t H>
void bm_dynamic_sequence(benchmark::State& state) {
  auto m = std::make_unique<DynamicModel>();
  if (!init_dynamic<C, In, H>(*m, false)) {
    state.SkipWithError("init failed");
    return;
  }
  time_sequence<C, In, H>(state, *m, model_of<C, In, H, void>::type::weight_bytes);
}

template <class Arch>
std::string arch_name() {
  return simd::ops<Arch>::name();
}

// "cell/H:h/In:i/", the start of a size's row names; and the kernels its layer types choose.
template <cell C, std::size_t In, std::size_t H>
std::string row_base() {
  return std::string(name(C)) + "/H:" + std::to_string(H) + "/In:" + std::to_string(In) + "/";
}
template <cell C, std::size_t In, std::size_t H>
using chosen_arch = typename model_of<C, In, H, void>::type::template layer_type<0>::arch;

// step() with the kernels the layer types choose (rows "<kind>/..."), and with the other width
// this build has ("<kind>-alt/...").
template <cell C, std::size_t In, std::size_t H>
void register_width(const std::string& kind) {
  const std::string base = row_base<C, In, H>() + kind;
  using chosen = chosen_arch<C, In, H>;
  benchmark::RegisterBenchmark((base + "/" + arch_name<chosen>()).c_str(),
                               bm_static<C, In, H, void>);
  if constexpr (!std::is_same<simd::narrow_arch, simd::default_arch>::value) {
    using other = typename std::conditional<std::is_same<chosen, simd::narrow_arch>::value,
                                            simd::default_arch, simd::narrow_arch>::type;
    benchmark::RegisterBenchmark((base + "-alt/" + arch_name<other>()).c_str(),
                                 bm_static<C, In, H, other>);
  }
}

template <cell C, std::size_t In, std::size_t H>
void register_size() {
  const std::string base = row_base<C, In, H>();
  using chosen = chosen_arch<C, In, H>;
  const std::string def = arch_name<chosen>();
  // The kernels the layer types choose by default; the other width this build has; binary16
  // weights; the cheaper activations (fast_activations); the scalar kernels (the MCU path, on
  // this CPU); DynamicModel, with either activations; run() over 1000 steps, of the static
  // model and of the DynamicModel.
  register_width<C, In, H>("static");
  benchmark::RegisterBenchmark((base + "static-f16/" + def).c_str(), bm_static<C, In, H, f16>);
  // The cheaper activations pay where the activations bound the step; from 128 units the
  // weights do, and the two are within noise (alternating runs), so those are not built.
  if constexpr (H <= 64) {
    benchmark::RegisterBenchmark((base + "static-fast/" + def).c_str(),
                                 bm_static<C, In, H, fast_activations>);
  }
  benchmark::RegisterBenchmark((base + "static/scalar").c_str(), bm_static<C, In, H, scalar>);
  benchmark::RegisterBenchmark((base + "dynamic/" + def).c_str(),
                               bm_dynamic<C, In, H, DynamicModel>, 0, false);
  if constexpr (H <= 64) {
    benchmark::RegisterBenchmark((base + "dynamic-fast/" + def).c_str(),
                                 bm_dynamic<C, In, H, DynamicModel>, 0, true);
  }
  benchmark::RegisterBenchmark((base + "sequence/" + def).c_str(), bm_sequence<C, In, H, void>);
  benchmark::RegisterBenchmark((base + "dynamic-sequence/" + def).c_str(),
                               bm_dynamic_sequence<C, In, H>);
#if EDGERNN_BENCH_DISPATCH
  // The runtime-dispatched kernels (a library built without -march), every ISA this CPU has.
  if constexpr (C != cell::simple_rnn) {
    for (dispatch::isa i : dispatch::all_isas) {
      if (!dispatch::cpu_supports(i)) continue;
      benchmark::RegisterBenchmark((base + "dispatch/" + dispatch::to_string(i)).c_str(),
                                   bm_dynamic<C, In, H, dispatched>, static_cast<int>(i), false);
    }
  }
#endif
}

// Wide inputs: step() and run() only, with the kernels the layer types choose.
template <cell C, std::size_t In, std::size_t H>
void register_wide() {
  const std::string base = row_base<C, In, H>(), def = arch_name<chosen_arch<C, In, H>>();
  benchmark::RegisterBenchmark((base + "static/" + def).c_str(), bm_static<C, In, H, void>);
  benchmark::RegisterBenchmark((base + "sequence/" + def).c_str(), bm_sequence<C, In, H, void>);
}

// Every size of tests/support/sizes.hpp for one cell.
template <cell C>
void register_cell() {
#define EDGERNN_REGISTER(H, In) register_size<C, In, H>();
  EDGERNN_BENCH_SIZES(EDGERNN_REGISTER)
#undef EDGERNN_REGISTER
#define EDGERNN_REGISTER_WIDE(H, In) register_wide<C, In, H>();
  EDGERNN_BENCH_WIDE_SIZES(EDGERNN_REGISTER_WIDE)
#undef EDGERNN_REGISTER_WIDE
#define EDGERNN_REGISTER_WIDTH(H, In) register_width<C, In, H>("width");
  EDGERNN_BENCH_WIDTH_SIZES(EDGERNN_REGISTER_WIDTH)
#undef EDGERNN_REGISTER_WIDTH
}

// Defined in bench/step_<cell>.cpp.
void register_simple_rnn();
void register_lstm();
void register_gru();

}  // namespace edgernn_bench
