// bench/bench_step.cpp's cases for one cell (see step_cases.hpp).
#include "step_cases.hpp"

namespace edgernn_bench {
void register_simple_rnn() {
  register_cell<cell::simple_rnn>();
}
}  // namespace edgernn_bench
