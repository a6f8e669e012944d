#include "layer_sweep.hpp"

namespace {
using edgernn::activation;
template <std::size_t In, std::size_t H>
using srnn_tanh = edgernn::SimpleRnn<In, H, activation::tanh>;
template <std::size_t In, std::size_t H>
using srnn_relu = edgernn::SimpleRnn<In, H, activation::relu>;
template <std::size_t In, std::size_t H>
using dense_linear = edgernn::Dense<In, H, activation::linear>;
template <std::size_t In, std::size_t H>
using dense_relu = edgernn::Dense<In, H, activation::relu>;
template <std::size_t In, std::size_t H>
using dense_tanh = edgernn::Dense<In, H, activation::tanh>;
template <std::size_t In, std::size_t H>
using dense_sigmoid = edgernn::Dense<In, H, activation::sigmoid>;
}  // namespace

EDGERNN_SWEEP_CASE("SimpleRNN (tanh) matches the reference for every tail", srnn_tanh)
EDGERNN_SWEEP_CASE("SimpleRNN (relu) matches the reference for every tail", srnn_relu)
EDGERNN_SWEEP_CASE("Dense (linear) matches the reference for every tail", dense_linear)
EDGERNN_SWEEP_CASE("Dense (relu) matches the reference for every tail", dense_relu)
EDGERNN_SWEEP_CASE("Dense (tanh) matches the reference for every tail", dense_tanh)
EDGERNN_SWEEP_CASE("Dense (sigmoid) matches the reference for every tail", dense_sigmoid)
