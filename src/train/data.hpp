// edgernn trainer: windows of time series for training: the sine task and CSV files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/model_desc.hpp"

namespace edgernn::train {

/// A bad data file or data option; the message names the file and the field.
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Windows in network units (normalized).
struct dataset {
  std::size_t steps = 0;     ///< time steps per window
  std::size_t features = 0;  ///< inputs per step
  std::size_t outputs = 0;   ///< targets per window
  std::vector<float> x;      ///< [size][steps][features]
  std::vector<float> y;      ///< [size][outputs]
  std::vector<float> last;   ///< [size][outputs]: the target series' value at the window's
                             ///< last step, raw units (the persistence forecast)
  std::size_t size() const noexcept { return outputs ? y.size() / outputs : 0; }
};

/// A task: chronological train / validation / test parts and how the network's units map to
/// raw ones (stored in the model so the deployed model takes and returns raw units).
struct problem {
  std::string name;    ///< "sine" or the CSV file name
  std::string target;  ///< the target's name
  std::vector<std::string> inputs;
  dataset train, val, test;    ///< test may be empty
  io::normalization norm;      ///< empty: raw units
  bool chronological = false;  ///< consecutive windows follow each other in time
};

/// The sine task: 1000 windows of 50 steps of sin(start + 0.1·i), start uniform in [0, 2π)
/// (from `seed`), target the 51st value; the first 800 train, the last 200 validate.
problem sine_problem(std::uint64_t seed);

/// How CSV columns are scaled, fitted on the training part only.
enum class scaling { none, minmax, zscore };

/// Options of a CSV task.
struct csv_options {
  std::string path;
  std::vector<std::string> columns;  ///< input columns, in order
  std::string target;                ///< the predicted column
  std::size_t window = 0;            ///< steps per window
  std::size_t horizon = 1;           ///< target = the value this many rows after the window
  scaling scale = scaling::zscore;
  double train_fraction = 0.70;
  double val_fraction = 0.15;  ///< the rest is the test part
};

/// Reads a CSV file (header row, comma-separated) into windows split chronologically.
/// Throws data_error naming the file, line and column for anything malformed.
problem csv_problem(const csv_options& o);

/// Raw value of network output `v` of output j under `norm`.
inline double to_raw(const io::normalization& norm, std::size_t j, double v) {
  return norm.has_output() ? v * norm.out_scale[j] + norm.out_offset[j] : v;
}

/// Mean squared error, raw units, of predictions `pred` ([size][outputs], network units) on
/// `d`; NaN when `d` is empty.
double raw_mse(const dataset& d, const std::vector<float>& pred, const io::normalization& norm);

/// Mean squared error, raw units, of the persistence forecast (next = d.last) on `d`.
double persistence_mse(const dataset& d, const io::normalization& norm);

}  // namespace edgernn::train
