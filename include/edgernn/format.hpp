// edgernn: the model file (.ern), field by field, and a validating zero-copy reader.
//
// All integers are little-endian; weights are IEEE binary32 (or, with flag bit 2, binary16),
// little-endian. Offsets count from the first byte of the file. Sections start on 16-byte
// boundaries; the bytes between sections are zero.
//
// Header (64 bytes in versions 1.0 and 1.1)
//   off size field
//     0    8 magic             89 45 52 4E 0D 0A 1A 0A  ("\x89ERN\r\n\x1a\n": the high byte
//                              catches 7-bit channels, CR LF and ^Z catch text-mode mangling)
//     8    2 version_major     1. A reader refuses any other major version.
//    10    2 version_minor     1 (1.1 added flag bit 2); 0 for files without binary16 weights.
//                              Later minors only add what a 1.0 reader may skip (see below).
//    12    4 header_bytes      64. The layer table starts here; later minors may grow the header.
//    16    4 flags             bit 0: input scaling present; bit 1: output scaling present;
//                              bit 2 (1.1): every layer's weights (kernel, recurrent, bias) are
//                              IEEE binary16, 2 bytes each, finite (the scaling stays binary32).
//                              Bits 0–15 are required: a reader refuses a file with a required
//                              bit it does not know (a 1.0 reader refuses a bit-2 file rather
//                              than misread it). Bits 16–31 are optional: it may ignore them.
//    20    4 layer_count       1 … 32
//    24    4 input_size        floats per input step (= layer 0's inputs)
//    28    4 output_size       floats per output step (= the last layer's units)
//    32    8 file_bytes        size of the whole file, CRC included
//    40    4 record_bytes      32: size of one layer record; later minors may grow it
//    44   20 reserved          zero
//
// Layer table: layer_count records of record_bytes each, at header_bytes
//     0    1 kind              1 dense, 2 simple_rnn, 3 lstm, 4 gru
//     1    1 activation        0 linear, 1 relu, 2 tanh, 3 sigmoid (lstm and gru: 2)
//     2    1 layer_flags       bit 0: GRU reset_after (must be 0 for other kinds)
//     3    1 reserved          zero
//     4    4 inputs            1 … 65536; equals the previous layer's units
//     8    4 units             1 … 65536
//    12    4 reserved          zero
//    16    8 weights_offset    where this layer's floats start: 16-byte aligned, after the
//                              table, the scaling and the previous layer's floats
//    24    8 weights_count     values: kernel + recurrent + bias (checked against the sizes);
//                              4 bytes each, or 2 with flag bit 2
//
// Scaling (after the table, 16-byte aligned), present per flags, float32:
//   input:  in_scale[input_size], in_offset[input_size]    network input = raw·scale + offset
//   output: out_scale[output_size], out_offset[output_size] raw output = network·scale + offset
//
// Weights of each layer, at its weights_offset, Keras layout, row-major (binary32, or binary16
// with flag bit 2):
//   kernel     inputs × G·units     (G = 1 dense / simple_rnn, 4 lstm: i f c o, 3 gru: z r h)
//   recurrent  units × G·units      (absent for dense)
//   bias       G·units; a reset_after GRU has 2 × 3·units (input row, then recurrent row)
//
// Trailer: CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, initial value and final xor
// 0xFFFFFFFF) of bytes [0, file_bytes − 4), in the last 4 bytes.
//
// Rules for later versions. A new minor version may: set optional flag bits, grow header_bytes
// or record_bytes (new fields go at the end; a 1.0 reader skips them), add a required flag bit
// for a new way of storing weights (a 1.0 reader then refuses the file rather than misread it),
// add layer kinds or activations (a reader refuses codes it does not know). Anything else — a
// field moved or reinterpreted — takes a new major version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgernn/layers/kind.hpp"
#include "edgernn/simd/half.hpp"
#include "edgernn/status.hpp"

namespace edgernn::format {

inline constexpr unsigned char magic[8] = {0x89, 'E', 'R', 'N', '\r', '\n', 0x1A, '\n'};
inline constexpr std::uint16_t version_major = 1;
inline constexpr std::uint16_t version_minor = 1;  ///< written for binary16 files; 0 otherwise
inline constexpr std::uint32_t header_bytes_v1 = 64;
inline constexpr std::uint32_t record_bytes_v1 = 32;
inline constexpr std::uint32_t max_layers = 32;
inline constexpr std::uint32_t max_units = 65536;
inline constexpr std::uint32_t flag_input_scaling = 1u << 0;
inline constexpr std::uint32_t flag_output_scaling = 1u << 1;
inline constexpr std::uint32_t flag_half_weights = 1u << 2;  ///< weights are IEEE binary16 (1.1)
inline constexpr std::uint32_t known_required_flags =
    flag_input_scaling | flag_output_scaling | flag_half_weights;
inline constexpr std::uint8_t layer_flag_reset_after = 1u << 0;
inline constexpr std::size_t alignment = 16;

/// CRC-32 (IEEE) of `n` bytes, continuing from `crc` (0 to start).
constexpr std::uint32_t crc32(const unsigned char* p, std::size_t n,
                              std::uint32_t crc = 0) noexcept {
  struct table_t {
    std::uint32_t v[256] = {};
    constexpr table_t() noexcept {
      for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
          c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        v[i] = c;
      }
    }
  };
  constexpr table_t table{};
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i)
    crc = table.v[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

/// Where a load failed: the layer (when it is about one), the field, and expected vs found.
struct load_error {
  std::size_t layer = 0;
  bool has_layer = false;
  const char* field = "";
  std::uint64_t expected = 0;
  std::uint64_t found = 0;
};

namespace detail {
inline std::uint16_t u16(const unsigned char* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t u32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline std::uint64_t u64(const unsigned char* p) noexcept {
  return static_cast<std::uint64_t>(u32(p)) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
}
inline float f32(const unsigned char* p) noexcept {
  const std::uint32_t u = u32(p);
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
inline bool finite(float f) noexcept {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x7F800000u) != 0x7F800000u;
}
constexpr std::uint64_t align_up(std::uint64_t v) noexcept {
  return (v + alignment - 1) / alignment * alignment;
}
}  // namespace detail

/// Reads float i of a little-endian binary32 array anywhere in memory (flash, unaligned).
struct le_floats {
  const unsigned char* bytes;
  float operator[](std::size_t i) const noexcept { return detail::f32(bytes + 4 * i); }
};

/// Reads value i of a file's weight array, binary32 or binary16 (flag bit 2): as float
/// (exact), or as binary16 bits (rounded to nearest even from a binary32 file).
struct le_values {
  const unsigned char* bytes;
  bool half;
  float operator[](std::size_t i) const noexcept {
    return half ? simd::half_to_float(detail::u16(bytes + 2 * i)) : detail::f32(bytes + 4 * i);
  }
  std::uint16_t half_at(std::size_t i) const noexcept {
    return half ? detail::u16(bytes + 2 * i) : simd::float_to_half(detail::f32(bytes + 4 * i));
  }
};

/// One layer of a parsed file: its spec and where its Keras arrays sit in the file's bytes.
struct layer_view {
  layer_spec spec;                        ///< spec.half: the arrays are binary16
  const unsigned char* kernel = nullptr;  ///< kernel_floats(spec) values, little-endian
  const unsigned char* recurrent = nullptr;
  const unsigned char* bias = nullptr;
  std::uint64_t offset = 0;  ///< of the kernel, from the file start

  le_values kernel_values() const noexcept { return {kernel, spec.half}; }
  le_values recurrent_values() const noexcept { return {recurrent, spec.half}; }
  le_values bias_values() const noexcept { return {bias, spec.half}; }
};

/// A validated view of a model file's bytes. parse() checks every field, the CRC and that
/// every weight is finite; afterwards the accessors only read. Nothing is copied or allocated.
class model_view {
 public:
  /// Validates `bytes[0..n)`; on failure returns the status and (if `err`) the details.
  [[nodiscard]] status parse(const void* bytes, std::size_t n, load_error* err = nullptr) noexcept {
    load_error scratch;
    load_error& e = err ? *err : scratch;
    e = load_error{};
    n_layers_ = 0;
    const auto* p = static_cast<const unsigned char*>(bytes);
    auto fail = [&e](status s, const char* field, std::uint64_t expected, std::uint64_t found) {
      e.field = field;
      e.expected = expected;
      e.found = found;
      return s;
    };
    if (p == nullptr || n < 8) return fail(status::truncated, "file size", header_bytes_v1 + 4, n);
    if (std::memcmp(p, magic, 8) != 0) return fail(status::bad_magic, "magic", 0, 0);
    if (n < header_bytes_v1 + 4)
      return fail(status::truncated, "file size", header_bytes_v1 + 4, n);
    const std::uint16_t major = detail::u16(p + 8);
    if (major != version_major)
      return fail(status::unsupported_version, "version", version_major, major);
    const std::uint64_t file_bytes = detail::u64(p + 32);
    if (file_bytes > n) return fail(status::truncated, "file size", file_bytes, n);
    if (file_bytes < n) return fail(status::bad_header, "file size", file_bytes, n);
    const std::uint32_t crc_stored = detail::u32(p + n - 4);
    const std::uint32_t crc = crc32(p, n - 4);
    if (crc != crc_stored) return fail(status::checksum_mismatch, "checksum", crc, crc_stored);

    const std::uint32_t header = detail::u32(p + 12);
    const std::uint32_t flags = detail::u32(p + 16);
    const std::uint32_t count = detail::u32(p + 20);
    const std::uint32_t in = detail::u32(p + 24);
    const std::uint32_t out = detail::u32(p + 28);
    const std::uint32_t record = detail::u32(p + 40);
    if (header < header_bytes_v1 || header % 4 != 0 || header > n - 4) {
      return fail(status::bad_header, "header size", header_bytes_v1, header);
    }
    if ((flags & 0xFFFFu & ~known_required_flags) != 0) {
      return fail(status::unsupported_version, "required flags", known_required_flags, flags);
    }
    if (count == 0 || count > max_layers) {
      return fail(status::bad_header, "layer count", max_layers, count);
    }
    if (record < record_bytes_v1 || record % 4 != 0 || record > 4096) {
      return fail(status::bad_header, "layer record size", record_bytes_v1, record);
    }
    const std::uint64_t table_end = std::uint64_t{header} + std::uint64_t{count} * record;
    if (table_end > n - 4) return fail(status::truncated, "layer table", table_end, n - 4);

    // Layer records: kinds, activations, sizes chaining, offsets in order and in bounds.
    std::uint64_t cursor = detail::align_up(table_end);
    std::uint64_t scaling_floats = 0;
    if (flags & flag_input_scaling) scaling_floats += 2ull * in;
    if (flags & flag_output_scaling) scaling_floats += 2ull * out;
    scaling_ = p + cursor;
    cursor = detail::align_up(cursor + 4 * scaling_floats);
    std::uint64_t prev_units = in;
    const bool half = (flags & flag_half_weights) != 0;
    const std::uint64_t vb = half ? 2 : 4;  // bytes per weight value
    for (std::uint32_t i = 0; i < count; ++i) {
      const unsigned char* r = p + header + std::uint64_t{i} * record;
      e.layer = i;
      e.has_layer = true;
      layer_view& v = layers_[i];
      layer_spec& s = v.spec;
      const std::uint8_t kind = r[0], act = r[1], lflags = r[2];
      if (kind < 1 || kind > 4) return fail(status::unsupported_layer, "layer type", 4, kind);
      s.kind = static_cast<layer_kind>(kind);
      if (act > 3) return fail(status::unsupported_layer, "activation", 3, act);
      s.act = static_cast<activation>(act);
      const bool act_ok =
          s.kind == layer_kind::dense ||
          (s.kind == layer_kind::simple_rnn &&
           (s.act == activation::tanh || s.act == activation::relu)) ||
          ((s.kind == layer_kind::lstm || s.kind == layer_kind::gru) && s.act == activation::tanh);
      if (!act_ok) return fail(status::unsupported_layer, "activation", 2, act);
      if ((lflags & ~layer_flag_reset_after) != 0 ||
          ((lflags & layer_flag_reset_after) && s.kind != layer_kind::gru)) {
        return fail(status::bad_header, "layer flags", 0, lflags);
      }
      s.reset_after = (lflags & layer_flag_reset_after) != 0;
      s.half = half;
      const std::uint32_t li = detail::u32(r + 4), lu = detail::u32(r + 8);
      if (li == 0 || li > max_units) return fail(status::size_overflow, "inputs", max_units, li);
      if (li != prev_units) return fail(status::layer_size_mismatch, "inputs", prev_units, li);
      if (lu == 0 || lu > max_units) return fail(status::size_overflow, "units", max_units, lu);
      s.in = li;
      s.units = lu;
      const std::uint64_t offset = detail::u64(r + 16), floats = detail::u64(r + 24);
      // In 64 bits: with 65536 inputs and units a layer has 2^35 floats, past a 32-bit size_t.
      const std::uint64_t g = gate_count(s.kind);
      const std::uint64_t expected =
          std::uint64_t{li} * g * lu +
          (s.kind == layer_kind::dense ? 0 : std::uint64_t{lu} * g * lu) +
          (s.kind == layer_kind::gru && s.reset_after ? 2 : 1) * g * lu;
      if (floats != expected) return fail(status::bad_header, "weight count", expected, floats);
      if (offset != cursor) return fail(status::bad_header, "weights offset", cursor, offset);
      if (offset + vb * floats > n - 4) {
        return fail(status::truncated, "weights", offset + vb * floats, n - 4);
      }
      v.offset = offset;
      v.kernel = p + offset;
      v.recurrent = v.kernel + vb * kernel_floats(s);
      v.bias = v.recurrent + vb * recurrent_floats(s);
      cursor = detail::align_up(offset + vb * floats);
      prev_units = lu;
    }
    e.has_layer = false;
    if (prev_units != out) return fail(status::bad_header, "output size", prev_units, out);
    if (cursor != n - 4) return fail(status::bad_header, "file size", cursor + 4, n);

    // Every stored value must be finite: NaN or infinite weights would run silently wrong.
    for (std::uint64_t k = 0; k < scaling_floats; ++k) {
      if (!detail::finite(detail::f32(scaling_ + 4 * k))) {
        return fail(status::non_finite_weight, "scaling", k, 0);
      }
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      const layer_spec& s = layers_[i].spec;
      const std::size_t floats = kernel_floats(s) + recurrent_floats(s) + bias_floats(s);
      for (std::uint64_t k = 0; k < floats; ++k) {
        const bool ok = half ? (detail::u16(layers_[i].kernel + 2 * k) & 0x7C00u) != 0x7C00u
                             : detail::finite(detail::f32(layers_[i].kernel + 4 * k));
        if (!ok) {
          e.layer = i;
          e.has_layer = true;
          return fail(status::non_finite_weight, "weight", k, 0);
        }
      }
    }
    n_layers_ = count;
    in_ = in;
    out_ = out;
    flags_ = flags;
    crc_ = crc;
    minor_ = detail::u16(p + 10);
    return status::ok;
  }

  std::size_t layer_count() const noexcept { return n_layers_; }
  const layer_view& layer(std::size_t i) const noexcept { return layers_[i]; }
  std::size_t input_size() const noexcept { return in_; }
  std::size_t output_size() const noexcept { return out_; }
  std::uint32_t checksum() const noexcept { return crc_; }
  std::uint16_t minor_version() const noexcept { return minor_; }
  bool has_input_scaling() const noexcept { return (flags_ & flag_input_scaling) != 0; }
  bool has_output_scaling() const noexcept { return (flags_ & flag_output_scaling) != 0; }
  /// Weights stored as IEEE binary16 (flag bit 2).
  bool has_half_weights() const noexcept { return (flags_ & flag_half_weights) != 0; }
  /// Input scale and offset (input_size() floats each); only with has_input_scaling().
  le_floats input_scale() const noexcept { return {scaling_}; }
  le_floats input_offset() const noexcept { return {scaling_ + 4 * in_}; }
  /// Output scale and offset (output_size() floats each); only with has_output_scaling().
  le_floats output_scale() const noexcept { return {scaling_ + out_base()}; }
  le_floats output_offset() const noexcept { return {scaling_ + out_base() + 4 * out_}; }

 private:
  std::size_t out_base() const noexcept { return has_input_scaling() ? 8 * in_ : 0; }

  layer_view layers_[max_layers] = {};
  std::size_t n_layers_ = 0, in_ = 0, out_ = 0;
  std::uint32_t flags_ = 0, crc_ = 0;
  std::uint16_t minor_ = 0;
  const unsigned char* scaling_ = nullptr;
};

}  // namespace edgernn::format
