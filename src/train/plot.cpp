#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace edgernn::train {

namespace {

constexpr double width = 820, height = 480;
constexpr double left = 90, right = 30, top = 64, bottom = 62;
constexpr double plot_w = width - left - right, plot_h = height - top - bottom;

std::string num(double v, int digits = 2) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

std::string escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += ch;
    }
  }
  return o;
}

// A tick label for a linear axis with tick spacing `step`: as many decimals as the step needs.
std::string tick_label(double v, double step) {
  if (std::fabs(v) < step * 1e-9) v = 0;
  const double a = std::max(std::fabs(v), step);
  if (a >= 1e6 || a < 1e-4) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
  }
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  return num(v, decimals);
}

// "Nice" linear ticks (1, 2, 5 × 10^k) covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double& lo, double& hi, int target = 6) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> t;
  for (double v = lo; v <= hi + step * 1e-6; v += step)
    t.push_back(v);
  return t;
}

struct axis {
  double lo, hi;
  bool log;
  double map(double v, double a, double b) const {  // value → pixel between a and b
    const double f = log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
    return a + f * (b - a);
  }
};

bool usable(double v, bool log) {
  return std::isfinite(v) && (!log || v > 0);
}

}  // namespace

std::string render_svg(const chart& c) {
  // Data ranges.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : c.data)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !usable(s.y[i], c.log_y)) continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
    }
  if (!std::isfinite(x0)) {  // nothing to draw: an empty frame
    x0 = 0;
    x1 = 1;
    y0 = c.log_y ? 0.1 : 0;
    y1 = 1;
  }
  std::vector<double> xt = nice_ticks(x0, x1);
  axis ax{x0, x1, false};
  axis ay{0, 1, c.log_y};
  std::vector<double> yt;       // tick values (log: exponents)
  std::vector<double> y_minor;  // log axis: 2..9 × 10^k
  if (c.log_y) {
    double e0 = std::floor(std::log10(y0)), e1 = std::ceil(std::log10(y1));
    if (e1 <= e0) e1 = e0 + 1;
    const double decades = e1 - e0;
    const double every = decades > 8 ? std::ceil(decades / 8) : 1;
    for (double e = e0; e <= e1 + 1e-9; e += every)
      yt.push_back(e);
    if (decades <= 6)
      for (double e = e0; e < e1; ++e)
        for (int m = 2; m <= 9; ++m)
          y_minor.push_back(e + std::log10(m));
    ay.lo = e0;
    ay.hi = e1;
  } else {
    const double pad = (y1 - y0) * 0.05;
    y0 -= pad;
    y1 += pad;
    yt = nice_ticks(y0, y1);
    ay.lo = y0;
    ay.hi = y1;
  }
  const auto px = [&](double x) { return ax.map(x, left, left + plot_w); };
  const auto py = [&](double y) { return ay.map(y, top + plot_h, top); };
  const auto py_exp = [&](double e) {
    return top + plot_h - (e - ay.lo) / (ay.hi - ay.lo) * plot_h;
  };

  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width, 0) + "\" height=\"" +
       num(height, 0) + "\" viewBox=\"0 0 " + num(width, 0) + " " + num(height, 0) +
       "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o += "<text x=\"" + num(left + plot_w / 2) +
       "\" y=\"26\" text-anchor=\"middle\" font-size=\"17\" "
       "font-weight=\"bold\">" +
       escape(c.title) + "</text>\n";
  if (!c.subtitle.empty())
    o += "<text x=\"" + num(left + plot_w / 2) +
         "\" y=\"46\" text-anchor=\"middle\" fill=\"#555\">" + escape(c.subtitle) + "</text>\n";

  // Grid and ticks.
  o += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n";
  for (double e : y_minor)
    o += "<line x1=\"" + num(left) + "\" x2=\"" + num(left + plot_w) + "\" y1=\"" + num(py_exp(e)) +
         "\" y2=\"" + num(py_exp(e)) + "\" stroke=\"#f1f1f1\"/>\n";
  for (double v : yt) {
    const double y = c.log_y ? py_exp(v) : py(v);
    o += "<line x1=\"" + num(left) + "\" x2=\"" + num(left + plot_w) + "\" y1=\"" + num(y) +
         "\" y2=\"" + num(y) + "\"/>\n";
  }
  for (double v : xt)
    o += "<line x1=\"" + num(px(v)) + "\" x2=\"" + num(px(v)) + "\" y1=\"" + num(top) + "\" y2=\"" +
         num(top + plot_h) + "\"/>\n";
  o += "</g>\n";
  o += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(plot_w) +
       "\" height=\"" + num(plot_h) + "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\"/>\n";
  o += "<g fill=\"#333\">\n";
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1;
  for (double v : xt)
    o += "<line x1=\"" + num(px(v)) + "\" x2=\"" + num(px(v)) + "\" y1=\"" + num(top + plot_h) +
         "\" y2=\"" + num(top + plot_h + 5) + "\" stroke=\"#333\"/><text x=\"" + num(px(v)) +
         "\" y=\"" + num(top + plot_h + 20) + "\" text-anchor=\"middle\">" + tick_label(v, xstep) +
         "</text>\n";
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double v : yt) {
    const double y = c.log_y ? py_exp(v) : py(v);
    o += "<line x1=\"" + num(left - 5) + "\" x2=\"" + num(left) + "\" y1=\"" + num(y) + "\" y2=\"" +
         num(y) + "\" stroke=\"#333\"/>";
    if (c.log_y) {
      o += "<text x=\"" + num(left - 9) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">10" +
           "<tspan dy=\"-6\" font-size=\"10\">" + num(v, 0) + "</tspan></text>\n";
    } else {
      o += "<text x=\"" + num(left - 9) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" +
           tick_label(v, ystep) + "</text>\n";
    }
  }
  o += "</g>\n";
  o += "<text x=\"" + num(left + plot_w / 2) + "\" y=\"" + num(height - 16) +
       "\" text-anchor=\"middle\" font-size=\"14\">" + escape(c.x_label) + "</text>\n";
  o += "<text transform=\"translate(22 " + num(top + plot_h / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"14\">" + escape(c.y_label) + "</text>\n";

  // Data, clipped to the plot area.
  o += "<defs><clipPath id=\"plot\"><rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" +
       num(plot_w) + "\" height=\"" + num(plot_h) + "\"/></clipPath></defs>\n";
  o += "<g clip-path=\"url(#plot)\">\n";
  for (const auto& s : c.data) {
    std::string pts;
    std::string marks;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !usable(s.y[i], c.log_y)) {
        if (s.line && !pts.empty()) {
          o += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.8\" points=\"" +
               pts + "\"/>\n";
          pts.clear();
        }
        continue;
      }
      const double x = px(s.x[i]), y = py(s.y[i]);
      if (s.line) pts += num(x) + "," + num(y) + " ";
      if (s.markers) {
        if (s.cross)
          marks += "M" + num(x - 3) + " " + num(y - 3) + "L" + num(x + 3) + " " + num(y + 3) + "M" +
                   num(x - 3) + " " + num(y + 3) + "L" + num(x + 3) + " " + num(y - 3);
        else
          marks += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.2\"/>";
      }
    }
    if (s.line && !pts.empty())
      o += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.8\" points=\"" +
           pts + "\"/>\n";
    if (s.markers && !marks.empty()) {
      if (s.cross)
        o += "<path fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.6\" d=\"" + marks +
             "\"/>\n";
      else
        o += "<g fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.3\">" + marks + "</g>\n";
    }
  }
  o += "</g>\n";

  // Legend, top right inside the plot.
  if (!c.data.empty()) {
    std::size_t longest = 0;
    for (const auto& s : c.data)
      longest = std::max(longest, s.name.size());
    const double lw = 48 + 7.5 * static_cast<double>(longest),
                 lh = 8 + 20.0 * static_cast<double>(c.data.size());
    // The corner that hides the fewest data points (top right, top left, bottom right, bottom
    // left on ties).
    const double xs[4] = {left + plot_w - lw - 10, left + 10, left + plot_w - lw - 10, left + 10};
    const double ys[4] = {top + 10, top + 10, top + plot_h - lh - 10, top + plot_h - lh - 10};
    std::size_t best = 0, best_hidden = ~std::size_t{0};
    for (std::size_t k = 0; k < 4; ++k) {
      std::size_t hidden = 0;
      for (const auto& s : c.data)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
          if (!std::isfinite(s.x[i]) || !usable(s.y[i], c.log_y)) continue;
          const double x = px(s.x[i]), y = py(s.y[i]);
          hidden += x >= xs[k] - 6 && x <= xs[k] + lw + 6 && y >= ys[k] - 6 && y <= ys[k] + lh + 6;
        }
      if (hidden < best_hidden) {
        best = k;
        best_hidden = hidden;
      }
    }
    const double lx = xs[best], ly = ys[best];
    o += "<g><rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"" + num(lw) +
         "\" height=\"" + num(lh) + "\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#999\"/>\n";
    for (std::size_t i = 0; i < c.data.size(); ++i) {
      const series& s = c.data[i];
      const double y = ly + 16 + 20.0 * static_cast<double>(i);
      if (s.line)
        o += "<line x1=\"" + num(lx + 8) + "\" x2=\"" + num(lx + 34) + "\" y1=\"" + num(y) +
             "\" y2=\"" + num(y) + "\" stroke=\"" + s.color + "\" stroke-width=\"2\"/>";
      if (s.markers) {
        if (s.cross)
          o += "<path fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.6\" d=\"M" +
               num(lx + 18) + " " + num(y - 3) + "L" + num(lx + 24) + " " + num(y + 3) + "M" +
               num(lx + 18) + " " + num(y + 3) + "L" + num(lx + 24) + " " + num(y - 3) + "\"/>";
        else
          o += "<circle cx=\"" + num(lx + 21) + "\" cy=\"" + num(y) +
               "\" r=\"3.2\" fill=\"none\" "
               "stroke=\"" +
               s.color + "\" stroke-width=\"1.3\"/>";
      }
      o += "<text x=\"" + num(lx + 42) + "\" y=\"" + num(y + 4) + "\">" + escape(s.name) +
           "</text>\n";
    }
    o += "</g>\n";
  }
  o += "</svg>\n";
  return o;
}

chart loss_chart(const fit_result& r, const std::string& loss_name) {
  chart c;
  c.title = "Loss per epoch";
  char sub[200];
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::snprintf(sub, sizeof sub,
                "%zu epochs in %.2f s; last: training %s %.3g, validation %.3g; best validation "
                "%.3g at epoch %zu",
                r.epochs, r.seconds, loss_name.c_str(), r.loss.empty() ? nan : r.loss.back(),
                r.val_loss.empty() ? nan : r.val_loss.back(),
                r.best_epoch ? r.val_loss[r.best_epoch - 1] : nan, r.best_epoch);
  c.subtitle = sub;
  c.x_label = "epoch";
  c.y_label = loss_name + " (log scale)";
  c.log_y = true;
  series train{"training", {}, r.loss, "#1f77b4"};
  series val{"validation", {}, r.val_loss, "#ff7f0e"};
  for (std::size_t i = 0; i < r.loss.size(); ++i) {
    train.x.push_back(static_cast<double>(i + 1));
    val.x.push_back(static_cast<double>(i + 1));
  }
  c.data = {train, val};
  return c;
}

chart prediction_chart(const dataset& d, const std::vector<float>& pred,
                       const io::normalization& norm, const std::string& title,
                       const std::string& target, bool chronological) {
  chart c;
  c.title = title;
  c.x_label = chronological ? "window (in time order)" : "window";
  c.y_label = target;
  series truth{"true", {}, {}, "#1f77b4", chronological, !chronological, false};
  series predicted{"predicted", {}, {}, "#d62728", chronological, !chronological, true};
  double se = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double t = to_raw(norm, 0, d.y[i * d.outputs]);
    const double p = to_raw(norm, 0, pred[i * d.outputs]);
    truth.x.push_back(static_cast<double>(i));
    truth.y.push_back(t);
    predicted.x.push_back(static_cast<double>(i));
    predicted.y.push_back(p);
    se += (p - t) * (p - t);
  }
  char sub[120];
  std::snprintf(sub, sizeof sub, "%zu windows, MSE %.3g, RMSE %.3g", d.size(),
                d.size() ? se / static_cast<double>(d.size()) : 0.0,
                d.size() ? std::sqrt(se / static_cast<double>(d.size())) : 0.0);
  c.subtitle = sub;
  c.data = {truth, predicted};
  return c;
}

}  // namespace edgernn::train
