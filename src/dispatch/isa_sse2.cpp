// edgernn dispatch: the kernels for SSE2, compiled with only those flags (see
// src/dispatch/CMakeLists.txt).
#include "dispatch_isa.hpp"

static_assert(XSIMD_WITH_SSE2, "isa_sse2.cpp must be compiled with its ISA's flags");

extern template class edgernn::BasicDynamicModel<xsimd::sse2>;
template class edgernn::BasicDynamicModel<xsimd::sse2>;

namespace edgernn::dispatch {
template <>
const table& table_for<isa::sse2>() noexcept {
  return model_functions<xsimd::sse2>::value;
}
}  // namespace edgernn::dispatch
