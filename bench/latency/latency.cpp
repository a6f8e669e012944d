// edgernn_latency: per-step latency on the device itself. Runs a model for N steps, timing
// every step with steady_clock, and prints p50 / p99 / p99.9 / max nanoseconds per step and a
// histogram of step times relative to the median (the jitter a control loop sees). Needs only
// the standard library, so it cross-builds for every Raspberry Pi target.
//
//   edgernn_latency [MODEL] [--steps N] [--warmup N] [--cpu K] [--realtime]
//   edgernn_latency --list
// MODEL is a built-in model (--list: the sine model and every cell at every size of
// tests/support/sizes.hpp, random weights; up to 32 units with In = 1 also with
// fast_activations, named `..._fast`) or a model file (.ern from `edgernn convert`), run
// through DynamicModel. Times include one clock read (its cost is printed, not subtracted).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#include <sys/mman.h>
#endif

#include "edgernn/edgernn.hpp"
#include "support/sizes.hpp"

namespace {

using namespace edgernn;
using clock_type = std::chrono::steady_clock;

struct options {
  std::string model = "sine";
  std::size_t steps = 100000;
  std::size_t warmup = 1000;
  int cpu = -1;
  bool realtime = false;
};

// Keeps the outputs alive so the compiler cannot drop the steps.
volatile float sink;

// The input: a sine at 0.1 rad per step (the sine task's signal), precomputed so that no
// sin() runs inside the timed region; every input of a step gets the same sample.
class signal {
 public:
  explicit signal(std::size_t in) : in_(in), x_(period * in) {
    for (std::size_t t = 0; t < period; ++t)
      for (std::size_t i = 0; i < in; ++i)
        x_[t * in + i] = std::sin(0.1f * static_cast<float>(t));
  }
  const float* at(std::size_t t) const noexcept { return x_.data() + (t % period) * in_; }

 private:
  static constexpr std::size_t period = 63;  // ≈ 2π / 0.1
  std::size_t in_;
  std::vector<float> x_;
};

std::uint64_t elapsed_ns(clock_type::time_point a, clock_type::time_point b) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

// The median cost of reading the clock twice back to back.
std::uint64_t clock_overhead_ns() {
  std::vector<std::uint64_t> d(10001);
  for (auto& v : d) {
    const auto a = clock_type::now();
    v = elapsed_ns(a, clock_type::now());
  }
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  return d[d.size() / 2];
}

// Step time at quantile q of sorted times.
std::uint64_t quantile(const std::vector<std::uint64_t>& sorted, double q) {
  const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
}

void report(const std::vector<std::uint64_t>& ns) {
  std::vector<std::uint64_t> s = ns;
  std::sort(s.begin(), s.end());
  double sum = 0;
  for (auto v : s)
    sum += static_cast<double>(v);
  const std::uint64_t p50 = quantile(s, 0.5);
  std::printf("ns per step: p50 %llu  p99 %llu  p99.9 %llu  max %llu  (mean %.0f, min %llu)\n",
              static_cast<unsigned long long>(p50),
              static_cast<unsigned long long>(quantile(s, 0.99)),
              static_cast<unsigned long long>(quantile(s, 0.999)),
              static_cast<unsigned long long>(s.back()), sum / static_cast<double>(s.size()),
              static_cast<unsigned long long>(s.front()));

  // Buckets in multiples of the median: where the slow steps are, and how slow.
  static constexpr double edges[] = {1.1, 1.25, 1.5, 2.0, 5.0, 10.0};
  constexpr std::size_t buckets = sizeof edges / sizeof edges[0] + 1;
  std::size_t count[buckets] = {};
  for (auto v : s) {
    std::size_t b = 0;
    while (b < buckets - 1 && static_cast<double>(v) >= edges[b] * static_cast<double>(p50))
      ++b;
    ++count[b];
  }
  std::printf("jitter histogram (step time / p50):\n");
  for (std::size_t b = 0; b < buckets; ++b) {
    char range[32];
    if (b == 0) {
      std::snprintf(range, sizeof range, "< %.2fx", edges[0]);
    } else if (b == buckets - 1) {
      std::snprintf(range, sizeof range, ">= %.2fx", edges[b - 1]);
    } else {
      std::snprintf(range, sizeof range, "%.2f-%.2fx", edges[b - 1], edges[b]);
    }
    const double pct = 100.0 * static_cast<double>(count[b]) / static_cast<double>(s.size());
    const int bar = count[b] == 0 ? 0 : std::max(1, static_cast<int>(pct * 0.5));
    std::printf("  %12s %10zu  %8.4f%%  %.*s\n", range, count[b], pct, bar,
                "##################################################");
  }
}

// Times `step(t)` for opt.steps steps after opt.warmup untimed ones.
template <class Step>
void measure(const options& opt, Step&& step) {
  for (std::size_t t = 0; t < opt.warmup; ++t)
    step(t);
  std::vector<std::uint64_t> ns(opt.steps);  // allocated before timing starts
  for (std::size_t t = 0; t < opt.steps; ++t) {
    const auto a = clock_type::now();
    step(t);
    ns[t] = elapsed_ns(a, clock_type::now());
  }
  report(ns);
}

void header(const char* what, const options& opt) {
  using O = simd::ops<simd::default_arch>;
  std::printf("edgernn %s latency: %s; kernels for %s, %zu floats per register\n", version, what,
              O::name(), O::width);
  std::printf("%zu steps after %zu warm-up steps; one clock read costs ~%llu ns (included)\n",
              opt.steps, opt.warmup, static_cast<unsigned long long>(clock_overhead_ns()));
}

// ---- built-in models: static Model types with deterministic weights -----------------------

template <class L>
void set_layer(L& layer, std::size_t seed) {
  constexpr std::size_t g = L::kind == layer_kind::lstm ? 4 : L::kind == layer_kind::gru ? 3 : 1;
  constexpr std::size_t in = L::in_size, h = L::out_size;
  // Bounded weights keep the state away from NaN and subnormals; the values do not matter.
  auto fill = [seed](std::size_t n, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
      v[i] = scale * std::sin(0.7f * static_cast<float>(i + seed));
    return v;
  };
  const std::vector<float> k = fill(in * g * h, 0.5f), b = fill(g * h * 2, 0.1f);
  status s;
  if constexpr (L::kind == layer_kind::dense) {
    s = layer.set_weights({k.data(), k.size()}, {b.data(), h});
  } else {
    const std::vector<float> u = fill(h * g * h, 0.5f / std::sqrt(static_cast<float>(h)));
    const bool two_rows = L::kind == layer_kind::gru;
    s = layer.set_weights({k.data(), k.size()}, {u.data(), u.size()},
                          {b.data(), (two_rows ? 2 : 1) * g * h});
  }
  if (s != status::ok) {
    std::fprintf(stderr, "set_weights: %s\n", to_string(s));
    std::exit(1);
  }
}

template <class M, std::size_t... I>
void set_model(M& m, std::index_sequence<I...>) {
  (set_layer(m.template layer<I>(), I * 101), ...);
}

template <class M>
void run_static(const char* name, const options& opt) {
  static M model;  // static: large models do not belong on the stack
  set_model(model, std::make_index_sequence<M::layer_count>{});
  const signal x(M::in_size);
  float y[M::out_size];
  char what[96];
  std::snprintf(what, sizeof what, "%s (%zu weight bytes)", name, M::weight_bytes);
  header(what, opt);
  measure(opt, [&](std::size_t t) {
    model.step(x.at(t), y);
    sink = y[0];
  });
}

struct builtin {
  const char* name;
  void (*run)(const char*, const options&);
};

using act = activation;
template <std::size_t In, std::size_t H, class K>
using srnn = SimpleRnn<In, H, act::tanh, K>;
template <std::size_t In, std::size_t H, class K>
using lstm = Lstm<In, H, K>;
template <std::size_t In, std::size_t H, class K>
using gru = Gru<In, H, true, K>;
/// Cell<1, H> and its Dense(1) head with fast_activations.
template <template <std::size_t, std::size_t, class> class Cell, std::size_t H>
using fast_model = Model<Cell<1, H, fast_activations>, Dense<H, 1, act::linear, fast_activations>>;

const builtin builtins[] = {
    {"sine", &run_static<Model<SimpleRnn<1, 50, act::relu>, Dense<50, 1>>>},
#define EDGERNN_LATENCY_MODELS(H, In)                                              \
  {"simple_rnn_h" #H "_i" #In, &run_static<Model<SimpleRnn<In, H>, Dense<H, 1>>>}, \
      {"lstm_h" #H "_i" #In, &run_static<Model<Lstm<In, H>, Dense<H, 1>>>},        \
      {"gru_h" #H "_i" #In, &run_static<Model<Gru<In, H>, Dense<H, 1>>>},
    EDGERNN_BENCH_SIZES(EDGERNN_LATENCY_MODELS)
#undef EDGERNN_LATENCY_MODELS
// The cheaper activations (fast_activations) where they pay: up to 32 units.
#define EDGERNN_LATENCY_FAST(H)                                     \
  {"simple_rnn_h" #H "_i1_fast", &run_static<fast_model<srnn, H>>}, \
      {"lstm_h" #H "_i1_fast", &run_static<fast_model<lstm, H>>},   \
      {"gru_h" #H "_i1_fast", &run_static<fast_model<gru, H>>},
        EDGERNN_LATENCY_FAST(8) EDGERNN_LATENCY_FAST(16) EDGERNN_LATENCY_FAST(32)
#undef EDGERNN_LATENCY_FAST
};

// ---- a model file through DynamicModel -----------------------------------------------------

int run_file(const options& opt) {
  std::FILE* f = std::fopen(opt.model.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "%s: no such built-in model or file (--list shows the models)\n",
                 opt.model.c_str());
    return 2;
  }
  std::vector<unsigned char> bytes;
  unsigned char chunk[4096];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
    bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  DynamicModel model;
  format::load_error err;
  const status s = model.load(bytes.data(), bytes.size(), &err);
  if (s != status::ok) {
    std::fprintf(stderr, "%s: %s (a model file from `edgernn convert` is needed)\n",
                 opt.model.c_str(), to_string(s));
    return 2;
  }
  const signal x(model.in_size());
  std::vector<float> y(model.out_size());
  char what[160];
  std::snprintf(what, sizeof what, "%s through DynamicModel (%zu bytes)", opt.model.c_str(),
                model.bytes());
  header(what, opt);
  measure(opt, [&](std::size_t t) {
    model.step(x.at(t), y.data());
    sink = y[0];
  });
  return 0;
}

// Pins to a core and, with --realtime, asks for SCHED_FIFO and locked memory (root or
// CAP_SYS_NICE), so that the histogram shows the model rather than the scheduler.
void prepare(const options& opt) {
#if defined(__linux__)
  if (opt.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(opt.cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("warning: sched_setaffinity");
  }
  if (opt.realtime) {
    sched_param p{};
    p.sched_priority = sched_get_priority_max(SCHED_FIFO) - 1;
    if (sched_setscheduler(0, SCHED_FIFO, &p) != 0) std::perror("warning: SCHED_FIFO");
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) std::perror("warning: mlockall");
  }
#else
  if (opt.cpu >= 0 || opt.realtime) std::fprintf(stderr, "warning: --cpu/--realtime: Linux only\n");
#endif
}

int usage(const char* error) {
  if (error != nullptr) std::fprintf(stderr, "error: %s\n", error);
  std::fprintf(error ? stderr : stdout,
               "usage: edgernn_latency [MODEL] [--steps N] [--warmup N] [--cpu K] [--realtime]\n"
               "       edgernn_latency --list\n"
               "MODEL: a built-in model (default: sine) or a .ern model file.\n");
  return error ? 2 : 0;
}

bool parse_count(const char* text, std::size_t& out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') return false;
  out = static_cast<std::size_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--help" || a == "-h") return usage(nullptr);
    if (a == "--list") {
      for (const builtin& b : builtins)
        std::printf("%s\n", b.name);
      return 0;
    }
    if (a == "--realtime") {
      opt.realtime = true;
    } else if (a == "--steps" || a == "--warmup") {
      if (value == nullptr || !parse_count(value, a == "--steps" ? opt.steps : opt.warmup)) {
        return usage((a + " needs a count").c_str());
      }
      ++i;
    } else if (a == "--cpu") {
      std::size_t cpu;
      if (value == nullptr || !parse_count(value, cpu)) return usage("--cpu needs a core number");
      opt.cpu = static_cast<int>(cpu);
      ++i;
    } else if (!a.empty() && a[0] == '-') {
      return usage(("unknown option " + a).c_str());
    } else {
      opt.model = a;
    }
  }
  if (opt.steps == 0) return usage("--steps must be at least 1");
  prepare(opt);
  for (const builtin& b : builtins) {
    if (opt.model == b.name) {
      b.run(b.name, opt);
      return 0;
    }
  }
  return run_file(opt);
}
