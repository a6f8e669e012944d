#include "layer_sweep.hpp"

namespace {
template <std::size_t In, std::size_t H>
using gru_after = edgernn::Gru<In, H, true>;
template <std::size_t In, std::size_t H>
using gru_before = edgernn::Gru<In, H, false>;
}  // namespace

EDGERNN_SWEEP_CASE("GRU (reset_after = true) matches the reference for every tail", gru_after)
EDGERNN_SWEEP_CASE("GRU (reset_after = false) matches the reference for every tail", gru_before)
