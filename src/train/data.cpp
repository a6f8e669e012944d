#include "data.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

#include "random.hpp"

namespace edgernn::train {

problem sine_problem(std::uint64_t seed) {
  constexpr std::size_t count = 1000, steps = 50, train = 800;
  rng r(seed ^ 0x51AE51AE51AE51AEull);  // its own stream: the data do not depend on the model
  problem p;
  p.name = "sine";
  p.target = "sin";
  p.inputs = {"sin"};
  for (dataset* d : {&p.train, &p.val}) {
    d->steps = steps;
    d->features = 1;
    d->outputs = 1;
  }
  for (std::size_t w = 0; w < count; ++w) {
    const double start = r.uniform(0.0, 6.283185307179586);
    dataset& d = w < train ? p.train : p.val;
    for (std::size_t i = 0; i < steps; ++i)
      d.x.push_back(static_cast<float>(std::sin(start + 0.1 * static_cast<double>(i))));
    d.y.push_back(static_cast<float>(std::sin(start + 0.1 * static_cast<double>(steps))));
    d.last.push_back(d.x.back());
  }
  return p;
}

namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
    ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
    --b;
  std::string t = s.substr(a, b - a);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    f.push_back(
        trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return f;
}

bool blank(const std::string& line) {
  return trim(line).empty();
}

}  // namespace

problem csv_problem(const csv_options& o) {
  const std::string& file = o.path;
  if (o.columns.empty()) throw data_error(file + ": --columns: expected at least one column");
  if (o.target.empty()) throw data_error(file + ": --target: expected a column name");
  if (o.window == 0) throw data_error(file + ": --window: expected at least 1 step, found 0");
  if (o.horizon == 0) throw data_error(file + ": --horizon: expected at least 1 row, found 0");
  if (!(o.train_fraction > 0 && o.val_fraction > 0 && o.train_fraction + o.val_fraction < 1))
    throw data_error(file +
                     ": the train and validation fractions must be positive and leave a test part");

  std::ifstream in(file);
  if (!in) throw data_error(file + ": cannot open: " + std::strerror(errno));
  std::string line;
  std::size_t line_no = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++line_no;
    if (!blank(line)) {
      header = split(line);
      break;
    }
  }
  if (header.empty()) throw data_error(file + ": empty file, expected a header row");

  const auto find = [&](const std::string& name, const char* option) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    std::string known;
    for (const auto& h : header)
      known += (known.empty() ? "" : ", ") + h;
    throw data_error(file + ": " + option + ": no column named '" + name +
                     "' (the header has: " + known + ")");
  };
  std::vector<std::size_t> cols;
  for (const auto& c : o.columns)
    cols.push_back(find(c, "--columns"));
  const std::size_t target_col = find(o.target, "--target");

  // Only the columns we use must be numbers (a date column may hold anything).
  const std::size_t nf = cols.size();
  std::vector<std::vector<double>> values(nf);  // per input column
  std::vector<double> target;
  while (std::getline(in, line)) {
    ++line_no;
    if (blank(line)) continue;
    const std::vector<std::string> f = split(line);
    if (f.size() != header.size()) {
      throw data_error(file + ":" + std::to_string(line_no) + ": expected " +
                       std::to_string(header.size()) + " fields (as in the header), found " +
                       std::to_string(f.size()));
    }
    const auto number = [&](std::size_t col) {
      const std::string& s = f[col];
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) {
        throw data_error(file + ":" + std::to_string(line_no) + ": column '" + header[col] +
                         "': expected a finite number, found '" + s + "'");
      }
      return v;
    };
    for (std::size_t k = 0; k < nf; ++k)
      values[k].push_back(number(cols[k]));
    target.push_back(number(target_col));
  }

  const std::size_t rows = target.size();
  const std::size_t span = o.window + o.horizon;  // rows one sample touches
  const std::size_t samples = rows >= span ? rows - span + 1 : 0;
  const auto n_train =
      static_cast<std::size_t>(std::floor(o.train_fraction * static_cast<double>(samples)));
  const auto n_val =
      static_cast<std::size_t>(std::floor(o.val_fraction * static_cast<double>(samples)));
  if (n_train == 0 || n_val == 0 || samples <= n_train + n_val) {
    throw data_error(file + ": " + std::to_string(rows) + " data rows give " +
                     std::to_string(samples) + " windows of " + std::to_string(o.window) +
                     " steps (+ horizon " + std::to_string(o.horizon) +
                     "): too few for a train / validation / test split");
  }

  // Scaling fitted on the rows the training windows and targets touch.
  const std::size_t fit_rows = n_train + span - 1;
  const auto fit = [&](const std::vector<double>& v, const std::string& name, double& scale,
                       double& offset) {
    scale = 1;
    offset = 0;
    if (o.scale == scaling::none) return;
    if (o.scale == scaling::minmax) {
      double lo = v[0], hi = v[0];
      for (std::size_t r = 0; r < fit_rows; ++r) {
        lo = std::min(lo, v[r]);
        hi = std::max(hi, v[r]);
      }
      if (!(hi > lo))
        throw data_error(file + ": column '" + name +
                         "' is constant in the training part: cannot scale it");
      scale = 1.0 / (hi - lo);
      offset = -lo * scale;
    } else {
      double mean = 0, var = 0;
      for (std::size_t r = 0; r < fit_rows; ++r)
        mean += v[r];
      mean /= static_cast<double>(fit_rows);
      for (std::size_t r = 0; r < fit_rows; ++r)
        var += (v[r] - mean) * (v[r] - mean);
      const double sd = std::sqrt(var / static_cast<double>(fit_rows));
      if (!(sd > 0))
        throw data_error(file + ": column '" + name +
                         "' is constant in the training part: cannot scale it");
      scale = 1.0 / sd;
      offset = -mean * scale;
    }
  };

  problem p;
  p.name = file;
  p.target = o.target;
  p.inputs = o.columns;
  p.chronological = true;
  std::vector<double> in_scale(nf), in_offset(nf);
  for (std::size_t k = 0; k < nf; ++k)
    fit(values[k], o.columns[k], in_scale[k], in_offset[k]);
  double t_scale, t_offset;
  fit(target, o.target, t_scale, t_offset);
  if (o.scale != scaling::none) {
    for (std::size_t k = 0; k < nf; ++k) {
      p.norm.in_scale.push_back(static_cast<float>(in_scale[k]));
      p.norm.in_offset.push_back(static_cast<float>(in_offset[k]));
    }
    // raw = net·out_scale + out_offset inverts net = raw·t_scale + t_offset.
    p.norm.out_scale.push_back(static_cast<float>(1.0 / t_scale));
    p.norm.out_offset.push_back(static_cast<float>(-t_offset / t_scale));
  }

  for (dataset* d : {&p.train, &p.val, &p.test}) {
    d->steps = o.window;
    d->features = nf;
    d->outputs = 1;
  }
  // Inputs are scaled in float with the float factors the model stores, as the deployed model
  // will scale them.
  std::vector<float> sf(nf), of(nf);
  for (std::size_t k = 0; k < nf; ++k) {
    sf[k] = static_cast<float>(in_scale[k]);
    of[k] = static_cast<float>(in_offset[k]);
  }
  for (std::size_t s = 0; s < samples; ++s) {
    dataset& d = s < n_train ? p.train : s < n_train + n_val ? p.val : p.test;
    for (std::size_t t = 0; t < o.window; ++t)
      for (std::size_t k = 0; k < nf; ++k)
        d.x.push_back(static_cast<float>(values[k][s + t]) * sf[k] + of[k]);
    d.y.push_back(static_cast<float>(target[s + o.window - 1 + o.horizon] * t_scale + t_offset));
    d.last.push_back(static_cast<float>(target[s + o.window - 1]));
  }
  return p;
}

double raw_mse(const dataset& d, const std::vector<float>& pred, const io::normalization& norm) {
  if (d.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  double se = 0;
  for (std::size_t i = 0; i < d.size(); ++i)
    for (std::size_t j = 0; j < d.outputs; ++j) {
      const std::size_t k = i * d.outputs + j;
      const double e = to_raw(norm, j, pred[k]) - to_raw(norm, j, d.y[k]);
      se += e * e;
    }
  return se / static_cast<double>(d.y.size());
}

double persistence_mse(const dataset& d, const io::normalization& norm) {
  if (d.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  double se = 0;
  for (std::size_t k = 0; k < d.y.size(); ++k) {
    const double e = static_cast<double>(d.last[k]) - to_raw(norm, k % d.outputs, d.y[k]);
    se += e * e;
  }
  return se / static_cast<double>(d.y.size());
}

}  // namespace edgernn::train
