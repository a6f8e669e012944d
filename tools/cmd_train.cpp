// `edgernn train`: trains a recurrent model (BPTT + Adam) on the sine task or a CSV time series
// and writes the model, an optional JSON report and optional SVG plots.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "io/files.hpp"
#include "train/data.hpp"
#include "train/network.hpp"
#include "train/output.hpp"
#include "train/plot.hpp"
#include "train/report.hpp"
#include "train/trainer.hpp"

namespace edgernn::cli {

namespace {

namespace tr = edgernn::train;
namespace fs = std::filesystem;

struct train_args {
  std::string data, csv, target, scale = "zscore";
  std::vector<std::string> columns;
  std::size_t window = 0, horizon = 1;
  std::vector<std::string> cells{"simple_rnn"}, activations{"tanh"};
  std::vector<std::size_t> units{50}, dense;
  std::string dense_activation = "relu";
  bool reset_after = true;
  std::size_t epochs = 100, batch = 32, patience = 0, bptt = 0, threads = 0;
  double lr = 1e-3, clip_norm = 0;
  std::uint64_t seed = 1;
  std::string loss = "mse";
  std::string out, report, plots;
  bool quiet = false;
  std::string weights = "f32";
  bool activation_given = false;
};

[[noreturn]] void fail(const std::string& msg) {
  throw std::runtime_error("train: " + msg);
}

layer_kind cell_kind(const std::string& c) {
  if (c == "simple_rnn") return layer_kind::simple_rnn;
  if (c == "lstm") return layer_kind::lstm;
  if (c == "gru") return layer_kind::gru;
  fail("--cell: unknown cell '" + c + "' (expected simple_rnn, lstm or gru)");
}

activation activation_named(const std::string& a, const char* option) {
  if (a == "tanh") return activation::tanh;
  if (a == "relu") return activation::relu;
  if (a == "sigmoid") return activation::sigmoid;
  if (a == "linear") return activation::linear;
  fail(std::string(option) + ": unknown activation '" + a + "'");
}

// The layers the options describe: the recurrent stack, optional hidden dense layers, and a
// linear Dense head with one output per target.
std::vector<tr::layer_shape> layers_of(const train_args& a, std::size_t in, std::size_t out) {
  const std::size_t n = std::max({a.cells.size(), a.units.size(), a.activations.size()});
  const auto count_ok = [n](std::size_t k) { return k == 1 || k == n; };
  if (!count_ok(a.cells.size()) || !count_ok(a.units.size()) || !count_ok(a.activations.size())) {
    fail("--cell, --units and --activation must each give one value or one per layer (found " +
         std::to_string(a.cells.size()) + ", " + std::to_string(a.units.size()) + " and " +
         std::to_string(a.activations.size()) + ")");
  }
  std::vector<tr::layer_shape> layers;
  for (std::size_t i = 0; i < n; ++i) {
    tr::layer_shape s;
    s.kind = cell_kind(a.cells[a.cells.size() == 1 ? 0 : i]);
    s.units = a.units[a.units.size() == 1 ? 0 : i];
    const std::string& act = a.activations[a.activations.size() == 1 ? 0 : i];
    s.act = activation_named(act, "--activation");
    if (s.kind == layer_kind::simple_rnn) {
      if (s.act != activation::tanh && s.act != activation::relu)
        fail("--activation: simple_rnn takes relu or tanh, not " + act);
    } else {
      if (a.activation_given && s.act != activation::tanh)
        fail("--activation " + act + ": " + to_string(s.kind) + " layers use tanh (Keras default)");
      s.act = activation::tanh;
    }
    if (s.units == 0) fail("--units: expected a positive number of units, found 0");
    s.reset_after = a.reset_after;
    s.in = layers.empty() ? in : layers.back().units;
    layers.push_back(s);
  }
  for (std::size_t u : a.dense) {
    if (u == 0) fail("--dense: expected a positive number of units, found 0");
    layers.push_back({layer_kind::dense, activation_named(a.dense_activation, "--dense-activation"),
                      true, layers.back().units, u});
  }
  layers.push_back({layer_kind::dense, activation::linear, true, layers.back().units, out});
  return layers;
}

std::string describe(const tr::network<float>& net) {
  std::string s;
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    const tr::layer_shape& l = net.shape(i);
    s += (i ? " > " : "") + std::string(to_string(l.kind)) + "(" + std::to_string(l.units);
    if (l.kind == layer_kind::simple_rnn ||
        (l.kind == layer_kind::dense && l.act != activation::linear))
      s += std::string(", ") + to_string(l.act);
    if (l.kind == layer_kind::gru && !l.reset_after) s += ", reset_after=false";
    s += ")";
  }
  return s;
}

std::string duration(double s) {
  char b[32];
  if (s < 60)
    std::snprintf(b, sizeof b, "%.1fs", s);
  else
    std::snprintf(b, sizeof b, "%dm%02ds", static_cast<int>(s / 60),
                  static_cast<int>(std::fmod(s, 60)));
  return b;
}

void run(const train_args& a) {
  // Options first: nothing is read or trained before every option makes sense.
  const bool sine = !a.data.empty();
  if (sine == !a.csv.empty()) fail("give exactly one of --data sine and --csv FILE");
  if (sine && a.data != "sine") fail("--data: unknown data set '" + a.data + "' (expected sine)");
  if (!sine) {
    if (a.columns.empty()) fail("--csv needs --columns A,B,...");
    if (a.target.empty()) fail("--csv needs --target COLUMN");
    if (a.window == 0) fail("--csv needs --window N (N >= 1)");
  }
  if (a.epochs == 0) fail("--epochs: expected at least 1, found 0");
  if (a.batch == 0) fail("--batch: expected at least 1, found 0");
  if (!(a.lr > 0) || !std::isfinite(a.lr)) fail("--lr: expected a positive learning rate");
  if (a.clip_norm < 0 || !std::isfinite(a.clip_norm)) fail("--clip-norm: expected a number >= 0");
  tr::scaling scale = tr::scaling::zscore;
  if (a.scale == "minmax")
    scale = tr::scaling::minmax;
  else if (a.scale == "none")
    scale = tr::scaling::none;
  else if (a.scale != "zscore")
    fail("--scale: unknown scaling '" + a.scale + "' (expected zscore, minmax or none)");
  tr::check_writable(a.out, "-o");
  if (a.weights == "f16" &&
      (fs::path(a.out).extension() == ".json" || fs::path(a.out).extension() == ".JSON"))
    fail("--weights f16: applies to model files (.ern), not to JSON output " + a.out);
  if (!a.report.empty()) tr::check_writable(a.report, "--report");
  if (!a.plots.empty()) {
    std::error_code ec;
    if (fs::exists(a.plots, ec) && !fs::is_directory(a.plots, ec))
      fail("--plots " + a.plots + ": exists and is not a directory");
    if (!fs::exists(a.plots, ec)) tr::check_writable(a.plots, "--plots");
  }
  (void)layers_of(a, 1, 1);  // the layer options alone

  tr::problem p;
  if (sine) {
    p = tr::sine_problem(a.seed);
  } else {
    tr::csv_options c;
    c.path = a.csv;
    c.columns = a.columns;
    c.target = a.target;
    c.window = a.window;
    c.horizon = a.horizon;
    c.scale = scale;
    p = tr::csv_problem(c);
  }

  tr::network<float> net(p.train.features, layers_of(a, p.train.features, p.train.outputs));
  net.init(a.seed);
  tr::fit_options o;
  o.epochs = a.epochs;
  o.batch = a.batch;
  o.adam.lr = a.lr;
  o.adam.clip_norm = a.clip_norm;
  o.loss = a.loss == "mae" ? tr::loss_kind::mae : tr::loss_kind::mse;
  o.patience = a.patience;
  o.bptt = a.bptt;
  o.threads = a.threads;
  o.seed = a.seed;
  const char* loss_name = o.loss == tr::loss_kind::mse ? "mse" : "mae";

  if (!a.quiet) {
    std::printf(
        "data: %s, %zu train / %zu validation / %zu test windows of %zu steps x %zu inputs\n",
        p.name.c_str(), p.train.size(), p.val.size(), p.test.size(), p.train.steps,
        p.train.features);
    std::printf("model: %s, %zu parameters\n", describe(net).c_str(), net.param_count());
    std::fflush(stdout);
  }
  const std::size_t width = std::to_string(a.epochs).size();
  const tr::fit_result r = tr::fit(net, p.train, p.val, o, [&](const tr::epoch_report& e) {
    if (a.quiet) return;
    std::printf("Epoch %*zu/%zu - loss: %.4e - val_loss: %.4e - %.2fs - ETA %s\n",
                static_cast<int>(width), e.epoch, e.epochs, e.loss, e.val_loss, e.seconds,
                duration(e.eta).c_str());
    std::fflush(stdout);
  });

  // Metrics in raw units, on the weights being saved.
  tr::run_info info;
  info.model_path = a.out;
  info.scaling = sine ? "none" : a.scale;
  info.horizon = sine ? 0 : a.horizon;
  const std::vector<float> train_pred = tr::predict(net, p.train, a.threads);
  const std::vector<float> val_pred = tr::predict(net, p.val, a.threads);
  const std::vector<float> test_pred = tr::predict(net, p.test, a.threads);
  info.train_mse = tr::raw_mse(p.train, train_pred, p.norm);
  info.val_mse = tr::raw_mse(p.val, val_pred, p.norm);
  info.test_mse = tr::raw_mse(p.test, test_pred, p.norm);
  info.baseline_val_mse = tr::persistence_mse(p.val, p.norm);
  info.baseline_test_mse = tr::persistence_mse(p.test, p.norm);

  // Everything rendered in memory, then written file by file (each atomically).
  io::model_desc m = net.describe();
  m.norm = p.norm;
  std::vector<std::pair<std::string, std::string>> files;
  if (!a.report.empty()) files.emplace_back(a.report, tr::report_json(info, p, net, o, r));
  if (!a.plots.empty()) {
    const fs::path dir(a.plots);
    files.emplace_back((dir / "loss.svg").string(), tr::render_svg(tr::loss_chart(r, loss_name)));
    files.emplace_back(
        (dir / "predictions.svg").string(),
        tr::render_svg(tr::prediction_chart(
            p.val, val_pred, p.norm, "True vs predicted, validation", p.target, p.chronological)));
    if (p.test.size())
      files.emplace_back(
          (dir / "test_predictions.svg").string(),
          tr::render_svg(tr::prediction_chart(p.test, test_pred, p.norm, "True vs predicted, test",
                                              p.target, p.chronological)));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) fail("--plots " + a.plots + ": cannot create the directory: " + ec.message());
  }
  tr::write_model(m, a.out, a.weights == "f16");
  for (const auto& f : files)
    io::write_file_atomic(f.first, f.second);

  if (a.quiet) return;
  std::printf("trained %zu epochs in %.2f s (%zu thread%s", r.epochs, r.seconds, r.threads,
              r.threads == 1 ? "" : "s");
  if (r.threads > 1) std::printf(", %.0f%% of batches in parallel", 100 * r.parallel_share);
  std::printf(")%s; best val_loss %.4e at epoch %zu\n", r.stopped_early ? ", stopped early" : "",
              r.val_loss[r.best_epoch ? r.best_epoch - 1 : 0], r.best_epoch);
  std::printf("train MSE %.4g, validation MSE %.4g (persistence %.4g)\n", info.train_mse,
              info.val_mse, info.baseline_val_mse);
  if (p.test.size())
    std::printf("test RMSE %.4g (persistence %.4g), test MSE %.4g (persistence %.4g)\n",
                std::sqrt(info.test_mse), std::sqrt(info.baseline_test_mse), info.test_mse,
                info.baseline_test_mse);
  std::printf("wrote %s", a.out.c_str());
  for (const auto& f : files)
    std::printf(", %s", f.first.c_str());
  std::printf("\n");
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_args>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a recurrent model (BPTT + Adam) on the sine task or a CSV time series");
  cmd->footer(
      "Examples:\n"
      "  edgernn train --data sine --cell simple_rnn --activation relu --units 50 -o sine.ern "
      "--plots plots\n"
      "  edgernn train --csv prices.csv --columns DAX,SMI --target DAX --window 30 --cell lstm "
      "--units 32 -o dax.ern --report dax.json");
  cmd->add_option("--data", args->data, "Built-in data set: sine")->group("Data");
  cmd->add_option("--csv", args->csv, "CSV file with a header row")->group("Data");
  cmd->add_option("--columns", args->columns, "Input columns of the CSV, comma-separated")
      ->delimiter(',')
      ->group("Data");
  cmd->add_option("--target", args->target, "The CSV column to predict")->group("Data");
  cmd->add_option("--window", args->window, "Time steps per input window (CSV)")->group("Data");
  cmd->add_option("--horizon", args->horizon, "Predict this many rows after the window")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--scale", args->scale,
                  "CSV scaling fitted on the training part: zscore, minmax or none")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--cell", args->cells, "simple_rnn, lstm or gru (comma list: one per layer)")
      ->capture_default_str()
      ->delimiter(',')
      ->group("Model");
  auto* act = cmd->add_option("--activation", args->activations,
                              "simple_rnn activation: relu or tanh (comma list)")
                  ->capture_default_str()
                  ->delimiter(',')
                  ->group("Model");
  cmd->add_option("--units", args->units, "Units per recurrent layer (comma list for a stack)")
      ->capture_default_str()
      ->delimiter(',')
      ->group("Model");
  cmd->add_option("--reset-after", args->reset_after,
                  "GRU variant: true (Keras 2, PyTorch) or false")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--dense", args->dense, "Hidden dense layers before the output (comma list)")
      ->delimiter(',')
      ->group("Model");
  cmd->add_option("--dense-activation", args->dense_activation,
                  "Activation of the hidden dense layers")
      ->capture_default_str()
      ->group("Model");
  cmd->add_option("--epochs", args->epochs, "Epochs")->capture_default_str()->group("Training");
  cmd->add_option("--batch", args->batch, "Batch size")->capture_default_str()->group("Training");
  cmd->add_option("--lr", args->lr, "Adam learning rate")->capture_default_str()->group("Training");
  cmd->add_option("--seed", args->seed, "Seed of initialisation, shuffling and sine data")
      ->capture_default_str()
      ->group("Training");
  cmd->add_option("--patience", args->patience,
                  "Stop after N epochs without a better val_loss and keep the best weights "
                  "(0: off)")
      ->capture_default_str()
      ->group("Training");
  cmd->add_option("--loss", args->loss, "mse or mae")
      ->capture_default_str()
      ->check(CLI::IsMember({"mse", "mae"}))
      ->group("Training");
  cmd->add_option("--clip-norm", args->clip_norm, "Clip the gradient's global L2 norm (0: off)")
      ->capture_default_str()
      ->group("Training");
  cmd->add_option("--bptt", args->bptt, "Truncate backpropagation to N steps (0: full)")
      ->capture_default_str()
      ->group("Training");
  cmd->add_option("--threads", args->threads, "Threads (0: all cores; at most 2 are used)")
      ->capture_default_str()
      ->group("Training");
  cmd->add_option("-o,--output", args->out, "Model file to write")->required()->group("Output");
  cmd->add_option("--weights", args->weights,
                  "How the model file stores the weights: f32, or f16 (IEEE binary16: half the "
                  "bytes, each weight rounded to ~3 significant digits; the report's metrics are "
                  "those of the float32 weights)")
      ->capture_default_str()
      ->check(CLI::IsMember({"f32", "f16"}))
      ->group("Output");
  cmd->add_option("--report", args->report, "Write a JSON report here")->group("Output");
  cmd->add_option("--plots", args->plots, "Write SVG plots into this directory")->group("Output");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress or summary on stdout")->group("Output");
  cmd->callback([args, act] {
    args->activation_given = act->count() > 0;
    run(*args);
  });
}

}  // namespace edgernn::cli
