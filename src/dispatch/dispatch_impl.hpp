// edgernn dispatch, internal: the function table each ISA's translation unit fills.
#pragma once

#include "dispatch.hpp"

namespace edgernn::dispatch {

struct table {
  void (*construct)(void* storage) noexcept;
  void (*destroy)(void* storage) noexcept;
  status (*load)(void* m, const void* file, std::size_t n, const load_options& opt,
                 format::load_error* err) noexcept;
  simd::fit (*layer_fit)(const void* m, std::size_t i) noexcept;
  status (*init)(void* m, const layer_spec* specs, std::size_t n, simd::width_rule widths) noexcept;
  const char* (*layer_kernels)(const void* m, std::size_t i) noexcept;
  status (*set_weights)(void* m, std::size_t i, weights k, weights u, weights b) noexcept;
  void (*step)(void* m, const float* in, float* out) noexcept;
  void (*run)(void* m, const float* in, float* out, std::size_t steps) noexcept;
  void (*reset)(void* m) noexcept;
  std::size_t (*in_size)(const void* m) noexcept;
  std::size_t (*out_size)(const void* m) noexcept;
  std::size_t (*layer_count)(const void* m) noexcept;
};

/// The table of ISA `I` (defined in isa_<I>.cpp).
template <isa I>
const table& table_for() noexcept;
template <>
const table& table_for<isa::sse2>() noexcept;
template <>
const table& table_for<isa::sse4_2>() noexcept;
template <>
const table& table_for<isa::avx2>() noexcept;
template <>
const table& table_for<isa::avx512>() noexcept;

}  // namespace edgernn::dispatch
