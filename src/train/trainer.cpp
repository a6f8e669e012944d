#include "trainer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "random.hpp"

namespace edgernn::train {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Pauses briefly inside a spin loop.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}

// Runs the tasks of a round on whichever of its threads is free first (thread 0 is the
// caller, workers persist): on a busy machine where a worker is not scheduled, the caller runs
// every task itself instead of waiting. Which thread runs a task never changes its result.
// A round of one batch takes ~0.1 ms and waking a sleeping thread costs tens of µs, so both
// sides spin for a while (spin_time) before they block on a condition variable.
class pool {
 public:
  explicit pool(std::size_t threads) : size_(std::max<std::size_t>(threads, 1)) {
    for (std::size_t w = 1; w < size_; ++w)
      workers_.emplace_back([this] { work(); });
  }
  ~pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    start_.notify_all();
    for (auto& t : workers_)
      t.join();
  }
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  std::size_t size() const noexcept { return size_; }

  /// Runs f(0) .. f(tasks − 1); on the caller alone unless `parallel`.
  void run(std::size_t tasks, const std::function<void(std::size_t)>& f, bool parallel = true) {
    if (size_ == 1 || tasks <= 1 || !parallel) {
      for (std::size_t k = 0; k < tasks; ++k)
        f(k);
      return;
    }
    std::size_t gen;
    {
      std::lock_guard<std::mutex> lock(m_);
      task_ = &f;
      tasks_ = tasks;
      next_ = 0;
      finished_.store(0);
      gen = generation_.fetch_add(1) + 1;
    }
    start_.notify_all();
    drain(gen);
    const auto done = [&] { return finished_.load(std::memory_order_acquire) == tasks; };
    if (spin(done)) return;
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, done);
  }

 private:
  static constexpr std::chrono::microseconds spin_time{50};

  template <class Ready>
  static bool spin(Ready ready) {
    const auto until = clock_type::now() + spin_time;
    for (unsigned i = 1;; ++i) {
      if (ready()) return true;
      cpu_relax();
      if (i % 64 == 0 && clock_type::now() > until) return ready();
    }
  }

  // Runs tasks of round `gen` until none is left to claim.
  void drain(std::size_t gen) {
    for (;;) {
      const std::function<void(std::size_t)>* f;
      std::size_t k, tasks;
      {
        std::lock_guard<std::mutex> lock(m_);
        if (generation_.load() != gen || next_ >= tasks_) return;
        k = next_++;
        f = task_;
        tasks = tasks_;
      }
      (*f)(k);
      if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks) {
        std::lock_guard<std::mutex> lock(m_);
        done_.notify_one();
      }
    }
  }

  void work() {
    std::size_t seen = 0;
    for (;;) {
      const auto changed = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      if (!spin(changed)) {
        std::unique_lock<std::mutex> lock(m_);
        start_.wait(lock, changed);
      }
      {
        std::lock_guard<std::mutex> lock(m_);
        if (stop_) return;
        seen = generation_.load();
      }
      drain(seen);
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex m_;  // guards task_, tasks_, next_, stop_ and changes of generation_
  std::condition_variable start_, done_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t tasks_ = 0, next_ = 0;
  bool stop_ = false;
  std::atomic<std::size_t> generation_{0}, finished_{0};
};

// Chooses, batch by batch, whether a batch's shards run on every thread or on the caller alone.
// On an idle machine two threads are ~1.8x faster; on a busy one the wait after each batch for
// a descheduled thread costs more than it saves. Running averages of the time per batch in
// each mode pick the faster one, and every 8th batch runs the other mode so that its average
// stays current. The choice never changes a result (see shards_per_batch).
class mode_chooser {
 public:
  explicit mode_chooser(bool can_parallel) : can_(can_parallel) {}

  bool parallel_next() noexcept {
    if (!can_) return false;
    if (avg_[1] < 0) return true;  // measure both modes first
    if (avg_[0] < 0) return false;
    const bool preferred = avg_[1] <= avg_[0];
    return ++count_ % 8 == 0 ? !preferred : preferred;
  }
  void record(bool parallel, double seconds) noexcept {
    double& a = avg_[parallel ? 1 : 0];
    a = a < 0 ? seconds : 0.75 * a + 0.25 * seconds;
    ++runs_[parallel ? 1 : 0];
  }
  /// Share of the recorded batches that ran in parallel.
  double parallel_share() const noexcept {
    const std::size_t n = runs_[0] + runs_[1];
    return n ? double(runs_[1]) / double(n) : 0.0;
  }

 private:
  bool can_;
  double avg_[2] = {-1, -1};
  std::size_t count_ = 0, runs_[2] = {0, 0};
};

std::size_t thread_count(std::size_t requested) {
  std::size_t n = requested ? requested : std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(n, 1, shards_per_batch);
}

// Windows per shard when evaluating (bounds the workspace: steps × this × gates × units).
constexpr std::size_t eval_rows = 128;

// One shard's buffers.
struct shard {
  workspace<float> ws;
  std::vector<float> target;  // [batch][out]
  buffer<float> dout;         // [batch][padded(out)]
  double loss = 0;
  std::size_t rows = 0;
};

// Copies windows idx[0..n) of d into ws.x, time-major, and their targets into `target`.
void gather(const dataset& d, const std::size_t* idx, std::size_t n, shard& s) {
  const std::size_t t_n = d.steps, f_n = d.features;
  float* x = s.ws.x.data();
  for (std::size_t t = 0; t < t_n; ++t)
    for (std::size_t b = 0; b < n; ++b) {
      const float* src = d.x.data() + (idx[b] * t_n + t) * f_n;
      float* dst = x + (t * n + b) * f_n;
      for (std::size_t f = 0; f < f_n; ++f)
        dst[f] = src[f];
    }
  s.target.resize(n * d.outputs);
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t j = 0; j < d.outputs; ++j)
      s.target[b * d.outputs + j] = d.y[idx[b] * d.outputs + j];
  s.rows = n;
}

// Runs every window of d through the network, `shards` at a time; calls
// out(first window, count, predictions [count][padded(out)]) per shard, in order.
void run_all(const network<float>& net, const dataset& d, std::vector<shard>& sh, pool& p,
             const std::function<void(std::size_t, std::size_t, const float*)>& out,
             bool parallel = true) {
  const std::size_t n = d.size(), per_round = sh.size() * eval_rows;
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  for (std::size_t start = 0; start < n; start += per_round) {
    const std::size_t count = std::min(per_round, n - start);
    const std::size_t per = (count + sh.size() - 1) / sh.size();
    p.run(
        sh.size(),
        [&](std::size_t k) {
          const std::size_t a = std::min(count, k * per), b = std::min(count, a + per);
          sh[k].rows = b - a;
          if (a == b) return;
          gather(d, idx.data() + start + a, b - a, sh[k]);
          net.forward(sh[k].ws, d.steps, b - a);
        },
        parallel);
    for (std::size_t k = 0; k < sh.size(); ++k) {
      if (sh[k].rows == 0) continue;
      out(start + std::min(count, k * per), sh[k].rows, net.output(sh[k].ws));
    }
  }
}

std::vector<shard> make_shards(const network<float>& net, const dataset& d, std::size_t batch) {
  std::vector<shard> sh(shards_per_batch);
  const std::size_t cap = std::max((batch + shards_per_batch - 1) / shards_per_batch, eval_rows);
  for (auto& s : sh) {
    net.reserve(s.ws, d.steps, cap);
    s.dout.resize(cap * padded(net.out()));
  }
  return sh;
}

void check_data(const network<float>& net, const dataset& d, const char* what) {
  if (d.size() == 0) return;
  if (d.features != net.in() || d.outputs != net.out() || d.steps == 0 ||
      d.x.size() != d.size() * d.steps * d.features)
    throw std::invalid_argument(std::string(what) +
                                " data do not match the network's inputs and outputs");
}

}  // namespace

double mean_loss(loss_kind kind, const std::vector<float>& pred, const dataset& d) {
  if (d.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  const double sum = loss_and_gradient<float>(kind, pred.data(), d.outputs, d.y.data(), d.size(),
                                              d.outputs, 1, nullptr);
  return sum / static_cast<double>(d.size());
}

std::vector<float> predict(const network<float>& net, const dataset& d, std::size_t threads) {
  check_data(net, d, "prediction");
  std::vector<float> pred(d.size() * net.out());
  if (d.size() == 0) return pred;
  pool p(thread_count(threads));
  std::vector<shard> sh = make_shards(net, d, 1);
  const std::size_t out = net.out(), stride = padded(out);
  run_all(net, d, sh, p, [&](std::size_t first, std::size_t count, const float* y) {
    for (std::size_t b = 0; b < count; ++b)
      for (std::size_t j = 0; j < out; ++j)
        pred[(first + b) * out + j] = y[b * stride + j];
  });
  return pred;
}

fit_result fit(network<float>& net, const dataset& train, const dataset& val, const fit_options& o,
               const std::function<void(const epoch_report&)>& on_epoch) {
  check_data(net, train, "training");
  check_data(net, val, "validation");
  if (train.size() == 0) throw std::invalid_argument("no training windows");
  if (val.size() && val.steps != train.steps)
    throw std::invalid_argument("validation windows differ in length from training windows");
  if (o.batch == 0) throw std::invalid_argument("the batch size must be at least 1");

  fit_result res;
  pool p(thread_count(o.threads));
  res.threads = p.size();
  mode_chooser mode(p.size() > 1);
  std::vector<shard> sh = make_shards(net, train, o.batch);
  adam opt(net.params_size(), o.adam);
  const std::size_t n = train.size(), out = net.out(), stride = padded(out);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  rng shuffle(o.seed ^ 0x5D0F5D0F5D0F5D0Full);
  std::vector<float> best(net.params(), net.params() + net.params_size());
  double best_val = std::numeric_limits<double>::infinity();
  std::vector<float> val_pred(val.size() * out);

  const auto t_start = clock_type::now();
  for (std::size_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t_epoch = clock_type::now();
    shuffle.shuffle(order);
    double loss_sum = 0;
    for (std::size_t start = 0; start < n; start += o.batch) {
      const std::size_t bsize = std::min(o.batch, n - start);
      const std::size_t per = (bsize + sh.size() - 1) / sh.size();
      const bool parallel = mode.parallel_next();
      const auto t_batch = clock_type::now();
      p.run(
          sh.size(),
          [&](std::size_t k) {
            shard& s = sh[k];
            const std::size_t a = std::min(bsize, k * per), b = std::min(bsize, a + per);
            s.loss = 0;
            s.rows = b - a;
            if (a == b) return;
            gather(train, order.data() + start + a, b - a, s);
            s.ws.grad.zero();
            net.forward(s.ws, train.steps, b - a);
            s.loss = loss_and_gradient(o.loss, net.output(s.ws), stride, s.target.data(), b - a,
                                       out, bsize, s.dout.data());
            net.backward(s.ws, s.dout.data(), o.bptt);
          },
          parallel);
      float* g = sh[0].ws.grad.data();
      loss_sum += sh[0].loss;
      for (std::size_t k = 1; k < sh.size(); ++k) {
        if (sh[k].rows == 0) continue;
        const float* gk = sh[k].ws.grad.data();
        for (std::size_t i = 0; i < net.params_size(); ++i)
          g[i] += gk[i];
        loss_sum += sh[k].loss;
      }
      opt.step(net.params(), g);
      net.refresh();
      mode.record(parallel, seconds_since(t_batch));
    }

    double val_loss = std::numeric_limits<double>::quiet_NaN();
    if (val.size()) {
      run_all(
          net, val, sh, p,
          [&](std::size_t first, std::size_t count, const float* y) {
            for (std::size_t b = 0; b < count; ++b)
              for (std::size_t j = 0; j < out; ++j)
                val_pred[(first + b) * out + j] = y[b * stride + j];
          },
          mode.parallel_next());
      val_loss = mean_loss(o.loss, val_pred, val);
    }
    res.loss.push_back(loss_sum / static_cast<double>(n));
    res.val_loss.push_back(val_loss);
    res.epochs = epoch;

    if (val_loss < best_val) {
      best_val = val_loss;
      res.best_epoch = epoch;
      if (o.patience) std::copy(net.params(), net.params() + net.params_size(), best.begin());
    }
    const bool stop = o.patience && res.best_epoch && epoch - res.best_epoch >= o.patience;

    if (on_epoch) {
      epoch_report r;
      r.epoch = epoch;
      r.epochs = o.epochs;
      r.loss = res.loss.back();
      r.val_loss = val_loss;
      r.seconds = seconds_since(t_epoch);
      r.elapsed = seconds_since(t_start);
      r.eta =
          stop ? 0 : r.elapsed / static_cast<double>(epoch) * static_cast<double>(o.epochs - epoch);
      on_epoch(r);
    }
    if (stop) {
      res.stopped_early = epoch < o.epochs;
      break;
    }
  }
  if (o.patience && res.best_epoch) {
    std::copy(best.begin(), best.end(), net.params());
    net.refresh();
  }
  res.seconds = seconds_since(t_start);
  res.parallel_share = mode.parallel_share();
  return res;
}

}  // namespace edgernn::train
