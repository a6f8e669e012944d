// edgernn trainer: the training loop (mini-batch Adam, early stopping) and batched prediction.
//
// Parallelism without losing determinism: every batch is cut into two shards (halves) whose
// gradients are computed independently and summed in a fixed order, so the result is the same
// bit for bit whether one thread runs both shards or two threads run one each. Which of the two
// is used is decided batch by batch from measured times (on a busy machine one thread can be
// faster), which therefore never changes the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "adam.hpp"
#include "data.hpp"
#include "loss.hpp"
#include "network.hpp"

namespace edgernn::train {

/// Shards per batch (see the file comment); more threads than this are not used.
inline constexpr std::size_t shards_per_batch = 2;

/// How to train.
struct fit_options {
  std::size_t epochs = 100;
  std::size_t batch = 32;
  adam_options adam;
  loss_kind loss = loss_kind::mse;
  std::size_t patience = 0;  ///< > 0: stop after this many epochs without a better val_loss
                             ///< and keep the best weights
  std::size_t bptt = 0;      ///< > 0: truncate backpropagation through time to this many steps
  std::size_t threads = 0;   ///< 0: as many as the hardware has (at most shards_per_batch)
  std::uint64_t seed = 1;    ///< shuffling
};

/// Reported after every epoch.
struct epoch_report {
  std::size_t epoch = 0;   ///< 1-based
  std::size_t epochs = 0;  ///< requested
  double loss = 0;         ///< mean training loss over the epoch's batches (network units)
  double val_loss = 0;     ///< loss on the validation set after the epoch (NaN if none)
  double seconds = 0;      ///< this epoch
  double elapsed = 0;      ///< since the start
  double eta = 0;          ///< estimated seconds left
};

/// What fit did.
struct fit_result {
  std::vector<double> loss, val_loss;  ///< per epoch
  std::size_t epochs = 0;              ///< epochs run
  std::size_t best_epoch = 0;          ///< 1-based epoch of the lowest val_loss
  bool stopped_early = false;
  double seconds = 0;         ///< the whole loop, validation included
  std::size_t threads = 1;    ///< threads available (see fit_options::threads)
  double parallel_share = 0;  ///< share of the batches run on more than one thread
};

/// Trains `net` (initialised by the caller) on `train`, validating on `val` after every epoch;
/// calls `on_epoch` after each.
fit_result fit(network<float>& net, const dataset& train, const dataset& val, const fit_options& o,
               const std::function<void(const epoch_report&)>& on_epoch = {});

/// The network's predictions for every window of `d`: [size][out], network units.
std::vector<float> predict(const network<float>& net, const dataset& d, std::size_t threads = 0);

/// Mean loss of predictions [size][outputs] against d.y.
double mean_loss(loss_kind kind, const std::vector<float>& pred, const dataset& d);

}  // namespace edgernn::train
