// edgernn dispatch: the kernels for AVX2, FMA and F16C, compiled with only those flags (see
// src/dispatch/CMakeLists.txt).
#include "dispatch_isa.hpp"

static_assert(XSIMD_WITH_FMA3_AVX2, "isa_avx2.cpp must be compiled with its ISA's flags");

extern template class edgernn::BasicDynamicModel<xsimd::fma3<xsimd::avx2>>;
template class edgernn::BasicDynamicModel<xsimd::fma3<xsimd::avx2>>;

namespace edgernn::dispatch {
template <>
const table& table_for<isa::avx2>() noexcept {
  return model_functions<xsimd::fma3<xsimd::avx2>>::value;
}
}  // namespace edgernn::dispatch
