// The sine task and CSV windows: sizes, splits, scaling fitted on the training part only, the
// persistence baseline, and one clear error per malformed input.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "train/data.hpp"

using namespace edgernn;
namespace fs = std::filesystem;

namespace {

// A CSV file in a fresh temporary directory, removed with the object.
struct temp_csv {
  fs::path dir, path;
  explicit temp_csv(const std::string& content, const std::string& name = "series.csv") {
    static int serial = 0;
    dir = fs::temp_directory_path() /
          ("edgernn_train_data_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
    fs::create_directories(dir);
    path = dir / name;
    std::ofstream(path) << content;
  }
  ~temp_csv() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Rows 1..n of: day (text), a = i, b = 2i + 1.
std::string ramp(std::size_t n) {
  std::string s = "day,a,b\n";
  for (std::size_t i = 1; i <= n; ++i)
    s += "d" + std::to_string(i) + "," + std::to_string(i) + "," + std::to_string(2 * i + 1) + "\n";
  return s;
}

std::string error_of(const train::csv_options& o) {
  try {
    train::csv_problem(o);
  } catch (const train::data_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the sine task: 800 + 200 windows of sin(start + 0.1 i), target the 51st value") {
  const train::problem p = train::sine_problem(1);
  REQUIRE(p.train.size() == 800);
  REQUIRE(p.val.size() == 200);
  CHECK(p.test.size() == 0);
  CHECK(p.train.steps == 50);
  CHECK(p.train.features == 1);
  CHECK(!p.norm.has_input());
  double lo = 1, hi = -1, mean = 0;
  for (const train::dataset* d : {&p.train, &p.val}) {
    for (std::size_t w = 0; w < d->size(); ++w) {
      const float* x = d->x.data() + w * 50;
      // Recover the phase from the first two values and predict every value from it; float32
      // storage (6e-8) amplified by 1/sin(0.1) ≈ 10 stays far below 1e-5.
      const double s0 = x[0], c0 = (x[1] - s0 * std::cos(0.1)) / std::sin(0.1);
      for (std::size_t i = 2; i < 50; i += 7)
        CHECK(std::fabs(x[i] - (s0 * std::cos(0.1 * i) + c0 * std::sin(0.1 * i))) < 1e-5);
      CHECK(std::fabs(d->y[w] - (s0 * std::cos(5.0) + c0 * std::sin(5.0))) < 1e-5);
      CHECK(d->last[w] == x[49]);
      lo = std::min(lo, double(x[0]));
      hi = std::max(hi, double(x[0]));
      mean += x[0];
    }
  }
  // Starts uniform over the whole period: first values cover [-1, 1], mean near 0
  // (standard error 0.7/sqrt(1000) ≈ 0.02).
  CHECK(lo < -0.99);
  CHECK(hi > 0.99);
  CHECK(std::fabs(mean / 1000) < 0.1);
  // Same seed, same data; another seed, other data.
  CHECK(train::sine_problem(1).train.x == p.train.x);
  CHECK(train::sine_problem(2).train.x != p.train.x);
}

TEST_CASE("CSV windows: chronological 70/15/15 split, scaling fitted on training rows only") {
  temp_csv f(ramp(100));
  train::csv_options o;
  o.path = f.path.string();
  o.columns = {"b", "a"};
  o.target = "a";
  o.window = 5;
  o.horizon = 1;
  o.scale = train::scaling::minmax;
  const train::problem p = train::csv_problem(o);
  // 100 rows, 6 rows per sample: 95 samples = 66 train + 14 validation + 15 test.
  CHECK(p.train.size() == 66);
  CHECK(p.val.size() == 14);
  CHECK(p.test.size() == 15);
  CHECK(p.train.features == 2);
  CHECK(p.chronological);
  // Training windows touch rows 1..71 (66 + 6 − 1): a in [1, 71], b in [3, 143].
  REQUIRE(p.norm.in_scale.size() == 2);
  CHECK(p.norm.in_scale[0] == doctest::Approx(1.0 / 140));
  CHECK(p.norm.in_offset[0] == doctest::Approx(-3.0 / 140));
  CHECK(p.norm.in_scale[1] == doctest::Approx(1.0 / 70));
  CHECK(p.norm.out_scale[0] == doctest::Approx(70.0));
  CHECK(p.norm.out_offset[0] == doctest::Approx(1.0));
  // First test sample: inputs rows 81..85 (a = 81..85), target row 86.
  const float* x = p.test.x.data();
  CHECK(x[1] == doctest::Approx((81.0 - 1) / 70));
  CHECK(x[0] == doctest::Approx((163.0 - 3) / 140));
  CHECK(train::to_raw(p.norm, 0, p.test.y[0]) == doctest::Approx(86.0));
  CHECK(p.test.last[0] == 85.0f);
  // Persistence misses a ramp by exactly 1 every step.
  CHECK(train::persistence_mse(p.test, p.norm) == doctest::Approx(1.0));
  // A perfect prediction in network units has zero raw error.
  CHECK(train::raw_mse(p.test, p.test.y, p.norm) == 0.0);

  o.scale = train::scaling::zscore;
  o.horizon = 3;
  const train::problem z = train::csv_problem(o);
  CHECK(z.train.size() + z.val.size() + z.test.size() == 93);
  // Fit rows: 1 .. (train + 8 − 1); z-scored training inputs have mean ~0 over those rows.
  const std::size_t fit_rows = z.train.size() + 7;
  const double mean = (fit_rows + 1) / 2.0, sd = std::sqrt((double(fit_rows) * fit_rows - 1) / 12);
  CHECK(z.norm.in_scale[1] == doctest::Approx(1 / sd));
  CHECK(z.norm.in_offset[1] == doctest::Approx(-mean / sd));
  CHECK(train::to_raw(z.norm, 0, z.train.y[0]) == doctest::Approx(8.0));  // row 5 + 3

  o.scale = train::scaling::none;
  const train::problem n = train::csv_problem(o);
  CHECK(!n.norm.has_input());
  CHECK(n.train.x[1] == 1.0f);
}

TEST_CASE("CSV errors name the file, the line and the column") {
  train::csv_options o;
  o.columns = {"a", "b"};
  o.target = "a";
  o.window = 3;
  {
    temp_csv f(ramp(50));
    o.path = f.path.string();
    o.columns = {"a", "xyz"};
    const std::string e = error_of(o);
    CHECK(e.find(o.path) == 0);
    CHECK(e.find("no column named 'xyz'") != std::string::npos);
    CHECK(e.find("day, a, b") != std::string::npos);
    o.columns = {"a", "b"};
    o.target = "nope";
    CHECK(error_of(o).find("--target: no column named 'nope'") != std::string::npos);
    o.target = "a";
  }
  {
    std::string s = ramp(40);
    s.replace(s.find("d3,3,7"), 6, "d3,3,x7");
    temp_csv f(s);
    o.path = f.path.string();
    CHECK(error_of(o) == o.path + ":4: column 'b': expected a finite number, found 'x7'");
  }
  {
    std::string s = ramp(40);
    s.replace(s.find("d5,5,11"), 7, "d5,5");
    temp_csv f(s);
    o.path = f.path.string();
    CHECK(error_of(o) == o.path + ":6: expected 3 fields (as in the header), found 2");
  }
  {
    std::string s = ramp(40);
    s.replace(s.find("d7,7,15"), 7, "d7,,15");
    temp_csv f(s);
    o.path = f.path.string();
    CHECK(error_of(o) == o.path + ":8: column 'a': expected a finite number, found ''");
  }
  {
    temp_csv f(ramp(8));
    o.path = f.path.string();
    CHECK(error_of(o).find("8 data rows give 5 windows") != std::string::npos);
  }
  {
    temp_csv f("");
    o.path = f.path.string();
    CHECK(error_of(o) == o.path + ": empty file, expected a header row");
  }
  {
    std::string s = "a,b\n";
    for (int i = 0; i < 50; ++i)
      s += "1," + std::to_string(i) + "\n";
    temp_csv f(s);
    o.path = f.path.string();
    o.scale = train::scaling::zscore;
    CHECK(error_of(o).find("column 'a' is constant in the training part") != std::string::npos);
  }
  o.path = "/nonexistent/edgernn.csv";
  CHECK(error_of(o).find("/nonexistent/edgernn.csv: cannot open") == 0);
  o.path = "x.csv";
  o.window = 0;
  CHECK(error_of(o) == "x.csv: --window: expected at least 1 step, found 0");
}
