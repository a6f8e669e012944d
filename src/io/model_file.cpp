#include "model_file.hpp"

#include <cmath>
#include <cstring>

#include "files.hpp"

namespace edgernn::io {

namespace {

struct writer {
  std::vector<unsigned char> b;
  void u8(unsigned v) { b.push_back(static_cast<unsigned char>(v)); }
  void u16(unsigned v) {
    u8(v & 0xFF);
    u8((v >> 8) & 0xFF);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      u8((v >> (8 * i)) & 0xFF);
  }
  void u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v));
    u32(static_cast<std::uint32_t>(v >> 32));
  }
  void f32(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    u32(u);
  }
  void floats(const std::vector<float>& v) {
    for (float f : v)
      f32(f);
  }
  void halves(const std::vector<float>& v) {
    for (float f : v)
      u16(simd::float_to_half(f));
  }
  void pad() {
    while (b.size() % format::alignment != 0)
      u8(0);
  }
  void put_u64_at(std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
      b[at + i] = static_cast<unsigned char>((v >> (8 * i)) & 0xFF);
  }
};

std::uint64_t align16(std::uint64_t v) {
  return (v + 15) / 16 * 16;
}

const char* status_words(status s) {
  return to_string(s);
}

}  // namespace

std::vector<unsigned char> encode_model(const model_desc& m, const encode_options& options) {
  m.validate("model");
  const bool half = options.half_weights;
  if (half) {
    // Past ±65504 a value would round to infinity, which no reader accepts.
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
      const layer_desc& l = m.layers[i];
      for (const std::vector<float>* a : {&l.kernel, &l.recurrent, &l.bias}) {
        for (float f : *a) {
          if (!(std::fabs(f) <= 65504.0f)) {
            throw error("model: layer " + std::to_string(i) + ": weight " + std::to_string(f) +
                        " does not fit IEEE binary16 (largest 65504)");
          }
        }
      }
    }
  }
  const std::uint64_t vb = half ? 2 : 4;  // bytes per stored weight
  const std::size_t count = m.layers.size();
  if (count > format::max_layers) {
    throw error("model: " + std::to_string(count) + " layers; a model file holds at most " +
                std::to_string(format::max_layers));
  }
  for (const auto& l : m.layers) {
    if (l.in > format::max_units || l.units > format::max_units) {
      throw error("model: layer sizes above " + std::to_string(format::max_units) +
                  " do not fit a model file");
    }
  }
  const std::uint32_t flags = (m.norm.has_input() ? format::flag_input_scaling : 0u) |
                              (m.norm.has_output() ? format::flag_output_scaling : 0u) |
                              (half ? format::flag_half_weights : 0u);
  writer w;
  for (unsigned char c : format::magic)
    w.u8(c);
  w.u16(format::version_major);
  w.u16(half ? format::version_minor : 0u);  // 1.1 only for what 1.0 readers must refuse
  w.u32(format::header_bytes_v1);
  w.u32(flags);
  w.u32(static_cast<std::uint32_t>(count));
  w.u32(static_cast<std::uint32_t>(m.in));
  w.u32(static_cast<std::uint32_t>(m.out()));
  const std::size_t file_bytes_at = w.b.size();
  w.u64(0);  // file_bytes, filled in below
  w.u32(format::record_bytes_v1);
  while (w.b.size() < format::header_bytes_v1)
    w.u8(0);

  // Where everything goes: table, scaling, then each layer's floats, 16-byte aligned.
  std::uint64_t cursor = align16(format::header_bytes_v1 + count * format::record_bytes_v1);
  std::uint64_t scaling = 0;
  if (m.norm.has_input()) scaling += 2 * m.in;
  if (m.norm.has_output()) scaling += 2 * m.out();
  cursor = align16(cursor + 4 * scaling);
  std::vector<std::uint64_t> offsets;
  for (const auto& l : m.layers) {
    offsets.push_back(cursor);
    cursor = align16(cursor + vb * l.param_count());
  }
  for (std::size_t i = 0; i < count; ++i) {
    const layer_desc& l = m.layers[i];
    w.u8(static_cast<unsigned>(l.kind));
    w.u8(static_cast<unsigned>(
        l.kind == layer_kind::lstm || l.kind == layer_kind::gru ? activation::tanh : l.act));
    w.u8(l.kind == layer_kind::gru && l.reset_after ? format::layer_flag_reset_after : 0u);
    w.u8(0);
    w.u32(static_cast<std::uint32_t>(l.in));
    w.u32(static_cast<std::uint32_t>(l.units));
    w.u32(0);
    w.u64(offsets[i]);
    w.u64(l.param_count());
  }
  w.pad();
  if (m.norm.has_input()) {
    w.floats(m.norm.in_scale);
    w.floats(m.norm.in_offset);
  }
  if (m.norm.has_output()) {
    w.floats(m.norm.out_scale);
    w.floats(m.norm.out_offset);
  }
  w.pad();
  for (const auto& l : m.layers) {
    for (const std::vector<float>* a : {&l.kernel, &l.recurrent, &l.bias}) {
      if (half) {
        w.halves(*a);
      } else {
        w.floats(*a);
      }
    }
    w.pad();
  }
  w.put_u64_at(file_bytes_at, w.b.size() + 4);
  w.u32(format::crc32(w.b.data(), w.b.size()));
  return w.b;
}

std::string describe(status s, const format::load_error& e, const std::string& name) {
  std::string msg = name + ": " + status_words(s);
  if (e.has_layer) msg += ": layer " + std::to_string(e.layer);
  if (e.field != nullptr && e.field[0] != '\0') {
    msg += std::string(e.has_layer ? " " : ": ") + e.field;
    switch (s) {
      case status::bad_magic:
        msg += " (expected the bytes 89 45 52 4E 0D 0A 1A 0A)";
        break;
      case status::checksum_mismatch: {
        char buf[64];
        std::snprintf(buf, sizeof buf, ": computed %08llX, stored %08llX",
                      static_cast<unsigned long long>(e.expected),
                      static_cast<unsigned long long>(e.found));
        msg += buf;
        break;
      }
      case status::non_finite_weight:
        msg += " #" + std::to_string(e.expected) + " is NaN or infinite";
        break;
      default:
        msg += ": expected " + std::to_string(e.expected) + ", found " + std::to_string(e.found);
    }
  }
  return msg;
}

model_desc decode_model(const unsigned char* bytes, std::size_t n, const std::string& name,
                        encode_options* stored) {
  format::model_view v;
  format::load_error e;
  const status s = v.parse(bytes, n, &e);
  if (s != status::ok) throw error(describe(s, e, name));
  if (stored != nullptr) stored->half_weights = v.has_half_weights();
  model_desc m;
  m.in = v.input_size();
  for (std::size_t i = 0; i < v.layer_count(); ++i) {
    const format::layer_view& lv = v.layer(i);
    layer_desc l;
    l.kind = lv.spec.kind;
    l.act = lv.spec.act;
    l.reset_after = lv.spec.kind == layer_kind::gru ? lv.spec.reset_after : true;
    l.in = lv.spec.in;
    l.units = lv.spec.units;
    const auto read = [](format::le_values r, std::size_t count) {
      std::vector<float> out(count);
      for (std::size_t k = 0; k < count; ++k)
        out[k] = r[k];
      return out;
    };
    l.kernel = read(lv.kernel_values(), kernel_floats(lv.spec));
    l.recurrent = read(lv.recurrent_values(), recurrent_floats(lv.spec));
    l.bias = read(lv.bias_values(), bias_floats(lv.spec));
    m.layers.push_back(std::move(l));
  }
  const auto take = [](format::le_floats r, std::size_t count) {
    std::vector<float> out(count);
    for (std::size_t k = 0; k < count; ++k)
      out[k] = r[k];
    return out;
  };
  if (v.has_input_scaling()) {
    m.norm.in_scale = take(v.input_scale(), m.in);
    m.norm.in_offset = take(v.input_offset(), m.in);
  }
  if (v.has_output_scaling()) {
    m.norm.out_scale = take(v.output_scale(), m.out());
    m.norm.out_offset = take(v.output_offset(), m.out());
  }
  return m;
}

void write_model_file(const model_desc& m, const std::string& path, const encode_options& options) {
  const std::vector<unsigned char> bytes = encode_model(m, options);
  write_file_atomic(path, bytes.data(), bytes.size());
}

model_desc read_model_file(const std::string& path) {
  const std::vector<unsigned char> bytes = read_file(path);
  return decode_model(bytes.data(), bytes.size(), path);
}

std::uint32_t stored_checksum(const std::vector<unsigned char>& file) {
  if (file.size() < 4) return 0;
  const unsigned char* p = file.data() + file.size() - 4;
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace edgernn::io
