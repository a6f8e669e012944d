// bench/bench_step.cpp's cases for one cell (see step_cases.hpp).
#include "step_cases.hpp"

namespace edgernn_bench {
void register_gru() {
  register_cell<cell::gru>();
}
}  // namespace edgernn_bench
