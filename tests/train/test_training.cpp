// Training behaviour: Keras initialisers, Adam, clipping, determinism across runs and thread
// counts, learning, early stopping.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common.hpp"
#include "io/keras_json.hpp"
#include "train/adam.hpp"
#include "train/trainer.hpp"

using namespace edgernn;

namespace {

// A small slice of the sine task, so each training run takes milliseconds.
train::problem small_sine(std::size_t n_train, std::size_t n_val) {
  train::problem p = train::sine_problem(7);
  const auto cut = [](train::dataset& d, std::size_t n) {
    d.x.resize(n * d.steps);
    d.y.resize(n);
    d.last.resize(n);
  };
  cut(p.train, n_train);
  cut(p.val, n_val);
  return p;
}

train::network<float> small_net(layer_kind kind, std::size_t units, std::uint64_t seed) {
  train::network<float> net(1, {{kind, activation::tanh, true, 1, units},
                                {layer_kind::dense, activation::linear, true, units, 1}});
  net.init(seed);
  return net;
}

}  // namespace

TEST_CASE("Keras initialisers: glorot-uniform kernels, orthogonal recurrent, biases") {
  for (layer_kind kind : {layer_kind::simple_rnn, layer_kind::lstm, layer_kind::gru}) {
    const std::size_t h = 20, in = 3;
    train::network<float> net(in, {{kind, activation::tanh, true, in, h},
                                   {layer_kind::dense, activation::linear, true, h, 2}});
    net.init(5);
    const io::model_desc m = net.describe();
    const io::layer_desc& l = m.layers[0];
    const std::size_t g = l.gates();
    INFO(to_string(kind));
    // Glorot uniform: |w| <= sqrt(6 / (fan_in + fan_out)), and spread over that range.
    const double limit = std::sqrt(6.0 / double(in + g * h));
    double lo = 0, hi = 0;
    for (float w : l.kernel) {
      lo = std::min(lo, double(w));
      hi = std::max(hi, double(w));
    }
    CHECK(hi <= limit);
    CHECK(lo >= -limit);
    CHECK(hi >= 0.9 * limit);
    CHECK(lo <= -0.9 * limit);
    // Orthogonal: the H rows of the H × G·H recurrent kernel are orthonormal.
    double worst = 0;
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t j = 0; j < h; ++j) {
        double dot = 0;
        for (std::size_t c = 0; c < g * h; ++c)
          dot += double(l.recurrent[i * g * h + c]) * double(l.recurrent[j * g * h + c]);
        worst = std::max(worst, std::fabs(dot - (i == j ? 1.0 : 0.0)));
      }
    CHECK(worst <= 1e-5);  // float32 storage of an orthonormal double matrix
    // Biases zero, except the LSTM forget gate (block 1) at 1.
    for (std::size_t c = 0; c < l.bias.size(); ++c) {
      const bool forget = kind == layer_kind::lstm && c >= h && c < 2 * h;
      CHECK(l.bias[c] == (forget ? 1.0f : 0.0f));
    }
    // Dense head: glorot over (h, 2), zero bias.
    const double dl = std::sqrt(6.0 / double(h + 2));
    for (float w : m.layers[1].kernel)
      CHECK(std::fabs(w) <= dl);
    for (float b : m.layers[1].bias)
      CHECK(b == 0.0f);
  }
}

TEST_CASE("Adam follows the Keras update and clips the global norm") {
  train::adam_options o;  // Keras defaults
  CHECK(o.lr == 1e-3);
  CHECK(o.beta1 == 0.9);
  CHECK(o.beta2 == 0.999);
  CHECK(o.epsilon == 1e-7);
  train::adam opt(3, o);
  float p[3] = {0.5f, -1.0f, 2.0f};
  double m[3] = {0, 0, 0}, v[3] = {0, 0, 0}, pe[3] = {0.5, -1.0, 2.0};
  const float grads[3][3] = {{0.1f, -0.2f, 0.0f}, {0.3f, 0.1f, -0.05f}, {-0.2f, 0.4f, 1e-4f}};
  for (int t = 1; t <= 3; ++t) {
    float g[3] = {grads[t - 1][0], grads[t - 1][1], grads[t - 1][2]};
    opt.step(p, g);
    const double lr_t = 1e-3 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (int i = 0; i < 3; ++i) {
      m[i] = 0.9 * m[i] + 0.1 * grads[t - 1][i];
      v[i] = 0.999 * v[i] + 0.001 * double(grads[t - 1][i]) * grads[t - 1][i];
      pe[i] -= lr_t * m[i] / (std::sqrt(v[i]) + 1e-7);
    }
  }
  for (int i = 0; i < 3; ++i)
    CHECK(p[i] == doctest::Approx(pe[i]).epsilon(1e-6));

  o.clip_norm = 1.0;
  train::adam clipped(2, o);
  float q[2] = {0, 0}, g[2] = {6.0f, 8.0f};
  CHECK(clipped.step(q, g) == doctest::Approx(10.0));
  CHECK(g[0] == doctest::Approx(0.6));
  CHECK(g[1] == doctest::Approx(0.8));
  float g2[2] = {0.3f, 0.4f};  // below the limit: untouched
  clipped.step(q, g2);
  CHECK(g2[0] == 0.3f);
}

TEST_CASE("training is deterministic: same seed, same bytes, whatever the thread count") {
  const train::problem p = small_sine(96, 40);
  for (layer_kind kind : {layer_kind::simple_rnn, layer_kind::lstm, layer_kind::gru}) {
    INFO(to_string(kind));
    train::fit_options o;
    o.epochs = 3;
    o.batch = 10;  // with a last partial batch of 6
    std::vector<std::string> json;
    for (std::size_t threads : {1u, 2u, 2u}) {
      train::network<float> net = small_net(kind, 9, 3);
      o.threads = threads;
      train::fit(net, p.train, p.val, o);
      json.push_back(io::to_keras_json(net.describe()));
    }
    CHECK(json[0] == json[1]);
    CHECK(json[1] == json[2]);
    train::network<float> other = small_net(kind, 9, 4);  // another seed: other weights
    train::fit(other, p.train, p.val, o);
    CHECK(io::to_keras_json(other.describe()) != json[0]);
  }
}

TEST_CASE("training reduces the loss on the sine task") {
  const train::problem p = small_sine(256, 64);
  for (layer_kind kind : {layer_kind::simple_rnn, layer_kind::lstm, layer_kind::gru}) {
    INFO(to_string(kind));
    train::network<float> net = small_net(kind, 12, 1);
    const double before =
        train::mean_loss(train::loss_kind::mse, train::predict(net, p.val), p.val);
    train::fit_options o;
    o.epochs = 15;
    o.batch = 16;
    o.adam.lr = 1e-2;
    const train::fit_result r = train::fit(net, p.train, p.val, o);
    CHECK(r.epochs == 15);
    CHECK(r.loss.size() == 15);
    // The last val_loss is the loss of the final weights on the validation set.
    const double after = train::mean_loss(train::loss_kind::mse, train::predict(net, p.val), p.val);
    CHECK(after == doctest::Approx(r.val_loss.back()).epsilon(1e-6));
    // A sine continuation is easy: 15 epochs cut the error by far more than 10x (measured:
    // 100x to 1000x), and beat the persistence forecast (MSE ~5e-3).
    CHECK(after < before / 10);
    CHECK(after < train::persistence_mse(p.val, p.norm));
  }
}

TEST_CASE("early stopping stops after `patience` epochs and keeps the best weights") {
  const train::problem p = small_sine(64, 32);
  SUBCASE("no improvement at all (learning rate 0)") {
    train::network<float> net = small_net(layer_kind::simple_rnn, 6, 1);
    train::fit_options o;
    o.epochs = 50;
    o.patience = 2;
    o.adam.lr = 0;
    const train::fit_result r = train::fit(net, p.train, p.val, o);
    CHECK(r.epochs == 3);
    CHECK(r.best_epoch == 1);
    CHECK(r.stopped_early);
  }
  SUBCASE("diverging training ends on the best epoch's weights") {
    train::network<float> net = small_net(layer_kind::simple_rnn, 6, 1);
    train::fit_options o;
    o.epochs = 30;
    o.patience = 3;
    o.adam.lr = 0.3;  // far too large: the validation loss soon gets worse
    const train::fit_result r = train::fit(net, p.train, p.val, o);
    REQUIRE(r.best_epoch >= 1);
    const double best = r.val_loss[r.best_epoch - 1];
    for (double v : r.val_loss)
      CHECK(v >= best);
    const double now = train::mean_loss(train::loss_kind::mse, train::predict(net, p.val), p.val);
    CHECK(now == doctest::Approx(best).epsilon(1e-6));
    CHECK(r.epochs == std::min<std::size_t>(30, r.best_epoch + 3));
  }
}

TEST_CASE("MAE loss trains and reports mean absolute error") {
  const train::problem p = small_sine(128, 32);
  train::network<float> net = small_net(layer_kind::gru, 8, 2);
  train::fit_options o;
  o.epochs = 10;
  o.batch = 16;
  o.adam.lr = 1e-2;
  o.loss = train::loss_kind::mae;
  const train::fit_result r = train::fit(net, p.train, p.val, o);
  const std::vector<float> pred = train::predict(net, p.val);
  double mae = 0;
  for (std::size_t i = 0; i < p.val.size(); ++i)
    mae += std::fabs(pred[i] - p.val.y[i]);
  mae /= double(p.val.size());
  CHECK(r.val_loss.back() == doctest::Approx(mae).epsilon(1e-5));
  CHECK(r.val_loss.back() < r.val_loss.front());
}
