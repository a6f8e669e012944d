// edgernn: status codes returned by every fallible call in the core.
#pragma once

namespace edgernn {

/// Result of a call that can fail. The core never throws; it returns one of these.
enum class [[nodiscard]] status : unsigned char{
    ok = 0,
    size_mismatch,         ///< an array handed to set_weights has the wrong number of floats
    bad_magic,             ///< the bytes do not start with the model-file magic
    unsupported_version,   ///< the file's major version is newer than this library reads
    truncated,             ///< the file ends before a field it announces
    checksum_mismatch,     ///< the CRC-32 over the file does not match the stored one
    bad_header,            ///< a header field holds an impossible value (flags, sizes, offsets)
    layer_count_mismatch,  ///< the file has a different number of layers than the model
    layer_type_mismatch,   ///< a layer's kind (dense, lstm, ...) differs from the model's
    layer_size_mismatch,   ///< a layer's input or output size differs from the model's
    activation_mismatch,   ///< a layer's activation or GRU variant differs from the model's
    unsupported_layer,     ///< the file names a layer type or activation this library lacks
    non_finite_weight,     ///< a weight, bias or normalization value is NaN or infinite
    size_overflow,         ///< sizes in the file would overflow when multiplied out
    buffer_too_small,      ///< a caller-provided buffer is smaller than required_bytes()
    not_loaded,            ///< the model has no weights yet
};

/// A short English description of `s`, never null.
constexpr const char* to_string(status s) noexcept {
  switch (s) {
    case status::ok:
      return "ok";
    case status::size_mismatch:
      return "weight array has the wrong number of values";
    case status::bad_magic:
      return "not an edgernn model file (bad magic)";
    case status::unsupported_version:
      return "model file version is newer than this library";
    case status::truncated:
      return "model file is truncated";
    case status::checksum_mismatch:
      return "model file checksum mismatch (corrupted)";
    case status::bad_header:
      return "model file header holds an invalid value";
    case status::layer_count_mismatch:
      return "layer count differs from the model";
    case status::layer_type_mismatch:
      return "layer type differs from the model";
    case status::layer_size_mismatch:
      return "layer size differs from the model";
    case status::activation_mismatch:
      return "layer activation or variant differs from the model";
    case status::unsupported_layer:
      return "unsupported layer type or activation";
    case status::non_finite_weight:
      return "weight is NaN or infinite";
    case status::size_overflow:
      return "sizes in the model file overflow";
    case status::buffer_too_small:
      return "buffer is smaller than required";
    case status::not_loaded:
      return "model has no weights";
  }
  return "unknown status";
}

}  // namespace edgernn
