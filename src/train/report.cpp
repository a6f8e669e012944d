#include "report.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace edgernn::train {

namespace {
nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}
nlohmann::json root(double mse) {
  return std::isfinite(mse) ? nlohmann::json(std::sqrt(mse)) : nlohmann::json();
}
}  // namespace

std::string report_json(const run_info& info, const problem& p, const network<float>& net,
                        const fit_options& o, const fit_result& r) {
  using nlohmann::json;
  const bool has_test = p.test.size() > 0;
  const double baseline = has_test ? info.baseline_test_mse : info.baseline_val_mse;
  json j;
  j["train_mse"] = number(info.train_mse);
  j["val_mse"] = number(info.val_mse);
  j["test_mse"] = has_test ? number(info.test_mse) : json();
  j["baseline_mse"] = number(baseline);
  j["baseline"] = has_test ? "persistence (next = last value), test part"
                           : "persistence (next = last value), validation part";
  j["train_rmse"] = root(info.train_mse);
  j["val_rmse"] = root(info.val_mse);
  j["test_rmse"] = has_test ? root(info.test_mse) : json();
  j["baseline_rmse"] = root(baseline);
  j["baseline_val_mse"] = number(info.baseline_val_mse);
  j["baseline_test_mse"] = has_test ? number(info.baseline_test_mse) : json();
  j["units"] = p.norm.has_output() ? "raw (de-normalized)" : "raw";
  j["epochs"] = r.epochs;
  j["best_epoch"] = r.best_epoch;
  j["stopped_early"] = r.stopped_early;
  j["seconds"] = r.seconds;
  j["threads"] = r.threads;
  j["parallel_batches"] = r.parallel_share;
  j["params"] = net.param_count();

  json layers = json::array();
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    const layer_shape& s = net.shape(i);
    json l{{"type", to_string(s.kind)}, {"units", s.units}, {"activation", to_string(s.act)}};
    if (s.kind == layer_kind::gru) l["reset_after"] = s.reset_after;
    layers.push_back(l);
  }
  j["model"] = {{"path", info.model_path}, {"inputs", net.in()}, {"layers", layers}};
  j["data"] = {{"source", p.name},
               {"inputs", p.inputs},
               {"target", p.target},
               {"window", p.train.steps},
               {"train_windows", p.train.size()},
               {"val_windows", p.val.size()},
               {"test_windows", p.test.size()},
               {"scaling", info.scaling}};
  if (info.horizon) j["data"]["horizon"] = info.horizon;
  j["options"] = {{"epochs", o.epochs},
                  {"batch", o.batch},
                  {"lr", o.adam.lr},
                  {"beta1", o.adam.beta1},
                  {"beta2", o.adam.beta2},
                  {"epsilon", o.adam.epsilon},
                  {"clip_norm", o.adam.clip_norm},
                  {"loss", o.loss == loss_kind::mse ? "mse" : "mae"},
                  {"patience", o.patience},
                  {"bptt", o.bptt},
                  {"seed", o.seed}};
  j["history"] = {{"loss", json::array()}, {"val_loss", json::array()}};
  for (std::size_t i = 0; i < r.loss.size(); ++i) {
    j["history"]["loss"].push_back(number(r.loss[i]));
    j["history"]["val_loss"].push_back(number(r.val_loss[i]));
  }
  return j.dump(2) + "\n";
}

}  // namespace edgernn::train
