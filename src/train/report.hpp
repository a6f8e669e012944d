// edgernn trainer: the JSON report of a training run.
#pragma once

#include <string>

#include "data.hpp"
#include "network.hpp"
#include "trainer.hpp"

namespace edgernn::train {

/// Everything a report states. MSEs are in raw units (NaN: that part is empty).
struct run_info {
  std::string model_path;
  std::string scaling;      ///< "none", "minmax" or "zscore"
  std::size_t horizon = 0;  ///< CSV: rows between a window's end and its target (0: sine)
  double train_mse = 0, val_mse = 0, test_mse = 0;
  double baseline_val_mse = 0, baseline_test_mse = 0;
};

/// The report: train_mse, val_mse, test_mse (null without a test part), baseline_mse
/// (persistence on the test part, or on validation without one), epochs, seconds, params,
/// plus RMSEs, the loss history, the model and data description and the options.
std::string report_json(const run_info& info, const problem& p, const network<float>& net,
                        const fit_options& o, const fit_result& r);

}  // namespace edgernn::train
