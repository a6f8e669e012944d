#include "keras_json.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace edgernn::io {

namespace {

using json = nlohmann::json;

std::string kind_of(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array of " + std::to_string(j.size());
    case json::value_t::string:
      return "the string \"" + j.get<std::string>() + "\"";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "something else";
  }
}

struct ctx {
  std::string where;
  [[noreturn]] void fail(const std::string& expected, const json& found) const {
    throw error(where + ": expected " + expected + ", found " + kind_of(found));
  }
  [[noreturn]] void fail_text(const std::string& msg) const { throw error(where + ": " + msg); }
  ctx operator/(const std::string& field) const { return {where + "." + field}; }
  ctx operator[](std::size_t i) const { return {where + "[" + std::to_string(i) + "]"}; }
};

const json& field(const json& obj, const char* key, const ctx& c) {
  if (!obj.is_object()) c.fail("an object", obj);
  auto it = obj.find(key);
  if (it == obj.end()) c.fail_text(std::string("missing key \"") + key + "\"");
  return *it;
}

float number(const json& j, const ctx& c) {
  if (!j.is_number()) c.fail("a number", j);
  const double d = j.get<double>();
  if (!std::isfinite(d)) c.fail_text("expected a finite number");
  return static_cast<float>(d);
}

/// A rows × cols matrix (array of arrays) appended row-major to `out`.
void matrix(const json& j, std::size_t rows, std::size_t cols, std::vector<float>& out,
            const ctx& c) {
  if (!j.is_array() || j.size() != rows) {
    c.fail("an array of " + count(rows, "row"), j);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const json& row = j[r];
    const ctx rc = c[r];
    if (!row.is_array() || row.size() != cols) {
      rc.fail("an array of " + count(cols, "number"), row);
    }
    for (std::size_t k = 0; k < cols; ++k)
      out.push_back(number(row[k], rc[k]));
  }
}

void vector_of(const json& j, std::size_t n, std::vector<float>& out, const ctx& c) {
  if (!j.is_array() || j.size() != n) c.fail("an array of " + count(n, "number"), j);
  for (std::size_t k = 0; k < n; ++k)
    out.push_back(number(j[k], c[k]));
}

std::size_t last_dim(const json& shape, const ctx& c) {
  if (!shape.is_array() || shape.empty()) c.fail("a shape array like [null, null, N]", shape);
  const json& n = shape.back();
  if (!n.is_number_unsigned() || n.get<std::size_t>() == 0) {
    (c[shape.size() - 1]).fail("a positive integer", n);
  }
  const auto v = n.get<std::size_t>();
  if (v > (1u << 20))
    (c[shape.size() - 1]).fail_text("size " + std::to_string(v) + " is too large");
  return v;
}

activation parse_activation(const std::string& s, const ctx& c) {
  if (s.empty() || s == "linear") return activation::linear;
  if (s == "relu") return activation::relu;
  if (s == "tanh") return activation::tanh;
  if (s == "sigmoid") return activation::sigmoid;
  c.fail_text("unknown activation \"" + s + "\" (expected \"\", linear, relu, tanh or sigmoid)");
}

}  // namespace

model_desc parse_keras_json(const std::string& text, const std::string& name) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw error(name + ": not valid JSON (" + e.what() + ")");
  }
  const ctx top{name};
  model_desc m;
  m.in = last_dim(field(root, "in_shape", top), top / "in_shape");
  const json& layers = field(root, "layers", top);
  if (!layers.is_array() || layers.empty()) (top / "layers").fail("a non-empty array", layers);

  std::size_t prev = m.in;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const json& lj = layers[i];
    const ctx c = (top / "layers")[i];
    const json& tj = field(lj, "type", c);
    if (!tj.is_string()) (c / "type").fail("a string", tj);
    const std::string type = tj.get<std::string>();
    const json& aj = field(lj, "activation", c);
    if (!aj.is_string()) (c / "activation").fail("a string", aj);
    const std::string act = aj.get<std::string>();
    const json& wj = field(lj, "weights", c);
    if (!wj.is_array()) (c / "weights").fail("an array", wj);
    const ctx wc = c / "weights";

    if (type == "activation") {
      // A separate activation layer folds into a linear dense layer right before it.
      const activation a = parse_activation(act, c / "activation");
      if (m.layers.empty() || m.layers.back().kind != layer_kind::dense ||
          m.layers.back().act != activation::linear) {
        c.fail_text("an activation layer is supported only right after a linear dense layer");
      }
      m.layers.back().act = a;
      continue;
    }

    layer_desc l;
    l.in = prev;
    l.units = last_dim(field(lj, "shape", c), c / "shape");
    if (type == "dense" || type == "time-distributed-dense") {
      l.kind = layer_kind::dense;
      l.act = parse_activation(act, c / "activation");
      if (wj.size() != 1 && wj.size() != 2) wc.fail("[kernel, bias] or [kernel]", wj);
      matrix(wj[0], l.in, l.units, l.kernel, wc[0]);
      if (wj.size() == 2) {
        vector_of(wj[1], l.units, l.bias, wc[1]);
      } else {
        l.bias.assign(l.units, 0.0f);
      }
    } else if (type == "simple_rnn" || type == "lstm" || type == "gru") {
      l.kind = type == "simple_rnn" ? layer_kind::simple_rnn
               : type == "lstm"     ? layer_kind::lstm
                                    : layer_kind::gru;
      if (l.kind == layer_kind::simple_rnn) {
        l.act = parse_activation(act, c / "activation");
        if (l.act != activation::tanh && l.act != activation::relu) {
          (c / "activation").fail_text("simple_rnn supports tanh or relu, found \"" + act + "\"");
        }
      } else {
        if (!act.empty() && act != "tanh") {
          (c / "activation")
              .fail_text(type + " supports only the Keras default tanh, found \"" + act + "\"");
        }
        l.act = activation::tanh;
      }
      if (wj.size() != 3) wc.fail("[kernel, recurrent kernel, bias]", wj);
      const std::size_t cols = l.gates() * l.units;
      matrix(wj[0], l.in, cols, l.kernel, wc[0]);
      matrix(wj[1], l.units, cols, l.recurrent, wc[1]);
      const json& bj = wj[2];
      if (l.kind == layer_kind::gru && bj.is_array() && !bj.empty() && bj[0].is_array()) {
        // 2 × 3H: reset_after = true; a single row of 3H: reset_after = false.
        if (bj.size() == 2) {
          l.reset_after = true;
          matrix(bj, 2, cols, l.bias, wc[2]);
        } else if (bj.size() == 1) {
          l.reset_after = false;
          matrix(bj, 1, cols, l.bias, wc[2]);
        } else {
          wc[2].fail("2 rows (reset_after = true) or 1 row (reset_after = false)", bj);
        }
      } else {
        l.reset_after = false;
        vector_of(bj, cols, l.bias, wc[2]);
      }
    } else {
      (c / "type")
          .fail_text("unknown layer type \"" + type +
                     "\" (expected dense, time-distributed-dense, simple_rnn, lstm, gru "
                     "or activation)");
    }
    prev = l.units;
    m.layers.push_back(std::move(l));
  }
  m.validate(name);
  return m;
}

model_desc read_keras_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw error(path + ": cannot open for reading");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse_keras_json(ss.str(), path);
}

namespace {
void put_float(std::string& s, float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  s += buf;
  // "-0" reads back as the integer 0: keep the sign of a negative zero.
  if (v == 0.0f && std::signbit(v)) s += ".0";
}
void put_row(std::string& s, const float* p, std::size_t n) {
  s += '[';
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    put_float(s, p[i]);
  }
  s += ']';
}
void put_matrix(std::string& s, const std::vector<float>& v, std::size_t rows, std::size_t cols,
                const char* indent) {
  s += "[\n";
  for (std::size_t r = 0; r < rows; ++r) {
    s += indent;
    s += "  ";
    put_row(s, v.data() + r * cols, cols);
    s += r + 1 < rows ? ",\n" : "\n";
  }
  s += indent;
  s += ']';
}
}  // namespace

std::string to_keras_json(const model_desc& m) {
  std::string s =
      "{\n  \"in_shape\": [null, null, " + std::to_string(m.in) + "],\n  \"layers\": [\n";
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const layer_desc& l = m.layers[i];
    const bool linear = l.act == activation::linear;
    const bool recurrent_tanh = l.kind == layer_kind::lstm || l.kind == layer_kind::gru;
    s += "    {\n      \"type\": \"";
    s += to_string(l.kind);
    s += "\",\n      \"activation\": \"";
    s += (linear || recurrent_tanh) ? "" : to_string(l.act);
    s += "\",\n      \"shape\": [null, null, " + std::to_string(l.units) + "],\n";
    s += "      \"weights\": [\n        ";
    const std::size_t cols = l.gates() * l.units;
    put_matrix(s, l.kernel, l.in, cols, "        ");
    if (l.kind != layer_kind::dense) {
      s += ",\n        ";
      put_matrix(s, l.recurrent, l.units, cols, "        ");
    }
    s += ",\n        ";
    if (l.kind == layer_kind::gru) {
      put_matrix(s, l.bias, l.reset_after ? 2 : 1, cols, "        ");
    } else {
      put_row(s, l.bias.data(), l.bias.size());
    }
    s += "\n      ]\n    }";
    s += i + 1 < m.layers.size() ? ",\n" : "\n";
  }
  s += "  ]\n}\n";
  return s;
}

}  // namespace edgernn::io
