// edgernn dispatch: the kernels for AVX-512 (F, CD, DQ, BW) with FMA and F16C, compiled with only
// those flags (see src/dispatch/CMakeLists.txt).
#include "dispatch_isa.hpp"

static_assert(XSIMD_WITH_AVX512BW, "isa_avx512.cpp must be compiled with its ISA's flags");

extern template class edgernn::BasicDynamicModel<xsimd::avx512bw>;
template class edgernn::BasicDynamicModel<xsimd::avx512bw>;

namespace edgernn::dispatch {
template <>
const table& table_for<isa::avx512>() noexcept {
  return model_functions<xsimd::avx512bw>::value;
}
}  // namespace edgernn::dispatch
