// bench/bench_step.cpp's cases for one cell (see step_cases.hpp).
#include "step_cases.hpp"

namespace edgernn_bench {
void register_lstm() {
  register_cell<cell::lstm>();
}
}  // namespace edgernn_bench
