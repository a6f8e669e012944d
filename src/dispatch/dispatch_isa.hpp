// edgernn dispatch, internal: the template that fills an ISA's table. Included by
// src/dispatch/isa_*.cpp only, each compiled with its ISA's flags and holding the program's only
// instantiation of BasicDynamicModel<Arch> for its Arch (explicit, declared `extern template`
// there first).
#pragma once

#include <new>

#include "dispatch_impl.hpp"
#include "edgernn/dynamic_model.hpp"

namespace edgernn::dispatch {

/// A table over BasicDynamicModel<Arch>.
template <class Arch>
struct model_functions {
  using M = BasicDynamicModel<Arch>;
  static_assert(sizeof(M) <= Model::storage_bytes && alignof(M) <= 64,
                "dispatch::Model::storage_bytes is too small for a DynamicModel");
  static M& m(void* p) noexcept { return *static_cast<M*>(p); }
  static const M& m(const void* p) noexcept { return *static_cast<const M*>(p); }

  static constexpr table value = {
      [](void* s) noexcept { ::new (s) M(); },
      [](void* s) noexcept { m(s).~M(); },
      [](void* s, const void* f, std::size_t n, const load_options& o,
         format::load_error* e) noexcept { return m(s).load(f, n, o, e); },
      [](const void* s, std::size_t i) noexcept { return m(s).layer_fit(i); },
      [](void* s, const layer_spec* specs, std::size_t n, simd::width_rule w) noexcept {
        return m(s).init(specs, n, w);
      },
      [](const void* s, std::size_t i) noexcept { return m(s).layer_kernels(i); },
      [](void* s, std::size_t i, weights k, weights u, weights b) noexcept {
        return m(s).set_weights(i, k, u, b);
      },
      [](void* s, const float* in, float* out) noexcept { m(s).step(in, out); },
      [](void* s, const float* in, float* out, std::size_t n) noexcept { m(s).run(in, out, n); },
      [](void* s) noexcept { m(s).reset(); },
      [](const void* s) noexcept { return m(s).in_size(); },
      [](const void* s) noexcept { return m(s).out_size(); },
      [](const void* s) noexcept { return m(s).layer_count(); },
  };
};

}  // namespace edgernn::dispatch
