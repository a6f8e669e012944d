// Shared by the fuzz targets: an assertion that survives -DNDEBUG and names what failed, and
// the comparison of two model descriptions bit for bit.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "io/model_desc.hpp"

// A broken invariant is a finding: abort, so libFuzzer keeps the input and the replay driver
// fails its test.
#define EDGERNN_FUZZ_CHECK(cond)                                                        \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace edgernn::fuzz {

/// Same bits (so -0.0 differs from 0.0 and a NaN payload must match).
inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

/// Two descriptions of the same model: kinds, sizes, activations and every weight bit.
/// reset_after is compared for GRU layers only: it means nothing for the other kinds (the JSON
/// reader leaves it false there, the model-file reader true).
inline bool same_model(const io::model_desc& a, const io::model_desc& b) {
  if (a.in != b.in || a.layers.size() != b.layers.size()) return false;
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const io::layer_desc& x = a.layers[i];
    const io::layer_desc& y = b.layers[i];
    if (x.kind != y.kind || x.act != y.act || x.in != y.in || x.units != y.units) return false;
    if (x.kind == layer_kind::gru && x.reset_after != y.reset_after) return false;
    if (!same_bits(x.kernel, y.kernel) || !same_bits(x.recurrent, y.recurrent) ||
        !same_bits(x.bias, y.bias)) {
      return false;
    }
  }
  return same_bits(a.norm.in_scale, b.norm.in_scale) &&
         same_bits(a.norm.in_offset, b.norm.in_offset) &&
         same_bits(a.norm.out_scale, b.norm.out_scale) &&
         same_bits(a.norm.out_offset, b.norm.out_offset);
}

}  // namespace edgernn::fuzz
