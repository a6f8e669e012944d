// edgernn: recurrent networks for edge devices. Include this one header.
#pragma once

#include "edgernn/dynamic_model.hpp"
#include "edgernn/layers/dense.hpp"
#include "edgernn/layers/gru.hpp"
#include "edgernn/layers/lstm.hpp"
#include "edgernn/layers/simple_rnn.hpp"
#include "edgernn/model.hpp"
#include "edgernn/simd/activations.hpp"
#include "edgernn/simd/arch.hpp"
#include "edgernn/status.hpp"
#include "edgernn/version.hpp"
