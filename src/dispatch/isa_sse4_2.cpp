// edgernn dispatch: the kernels for SSE4.2, compiled with only those flags (see
// src/dispatch/CMakeLists.txt).
#include "dispatch_isa.hpp"

static_assert(XSIMD_WITH_SSE4_2, "isa_sse4_2.cpp must be compiled with its ISA's flags");

extern template class edgernn::BasicDynamicModel<xsimd::sse4_2>;
template class edgernn::BasicDynamicModel<xsimd::sse4_2>;

namespace edgernn::dispatch {
template <>
const table& table_for<isa::sse4_2>() noexcept {
  return model_functions<xsimd::sse4_2>::value;
}
}  // namespace edgernn::dispatch
