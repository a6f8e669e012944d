#include "layer_sweep.hpp"

namespace {
template <std::size_t In, std::size_t H>
using lstm = edgernn::Lstm<In, H>;
}  // namespace

EDGERNN_SWEEP_CASE("LSTM matches the reference for every tail", lstm)
