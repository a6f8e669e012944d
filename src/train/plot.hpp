// edgernn trainer: line and marker charts as standalone SVG (no dependencies): the loss curves
// and the true-versus-predicted figure of a training run.
#pragma once

#include <string>
#include <vector>

#include "data.hpp"
#include "trainer.hpp"

namespace edgernn::train {

/// One data series of a chart.
struct series {
  std::string name;
  std::vector<double> x, y;  ///< same length; non-finite points (or <= 0 on a log axis) skipped
  std::string color = "#1f77b4";
  bool line = true;      ///< joined by a polyline
  bool markers = false;  ///< a mark at every point (circle, or cross if `cross`)
  bool cross = false;
};

/// A chart: axes with ticks and labels, a title, a legend.
struct chart {
  std::string title, subtitle, x_label, y_label;
  bool log_y = false;
  std::vector<series> data;
};

/// The chart as an SVG document (820 × 480 px).
std::string render_svg(const chart& c);

/// Training and validation loss per epoch, log scale.
chart loss_chart(const fit_result& r, const std::string& loss_name);

/// True versus predicted values of `d` in raw units (pred in network units, [size][out],
/// first output). Consecutive windows are joined by lines when `chronological`, otherwise
/// drawn as marks.
chart prediction_chart(const dataset& d, const std::vector<float>& pred,
                       const io::normalization& norm, const std::string& title,
                       const std::string& target, bool chronological);

}  // namespace edgernn::train
