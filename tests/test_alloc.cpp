// Zero-allocation proof: counts every operator new/new[]/delete/delete[] and every
// malloc/calloc/realloc/free/posix_memalign/aligned_alloc/memalign call while step(), run() and
// reset() execute, for every layer type and a stacked model, and fails on any.
//
// Plain builds replace the allocation functions (forwarding to glibc's __libc_* entry points);
// under AddressSanitizer, which owns malloc, its allocator hooks count instead.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "support/harness.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> calls{0};
inline void note() {
  if (counting.load(std::memory_order_relaxed)) calls.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define EDGERNN_ALLOC_VIA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EDGERNN_ALLOC_VIA_ASAN 1
#endif
#endif

#if defined(EDGERNN_ALLOC_VIA_ASAN)
// Declared here: GCC ships the runtime but not this header.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void on_malloc(const volatile void*, std::size_t) {
  note();
}
void on_free(const volatile void*) {
  note();
}
const int hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t s) {
  note();
  return __libc_calloc(n, s);
}
void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}
void free(void* p) {
  note();
  __libc_free(p);
}
void* memalign(std::size_t a, std::size_t n) {
  note();
  return __libc_memalign(a, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
  note();
  return __libc_memalign(a, n);
}
int posix_memalign(void** p, std::size_t a, std::size_t n) {
  note();
  *p = __libc_memalign(a, n);
  return *p ? 0 : 12;  // ENOMEM
}
}
#endif

// operator new/delete are counted in every build (they may bypass malloc in some runtimes).
void* operator new(std::size_t n) {
  note();
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  note();
  void* p = nullptr;
  if (posix_memalign(&p, static_cast<std::size_t>(a), n ? n : 1) != 0) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return operator new(n, a);
}
void operator delete(void* p) noexcept {
  note();
  std::free(p);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}

namespace {

using namespace edgernn;
using act = activation;

TEST_CASE("the counter sees allocations (the test itself can fail)") {
  counting = true;
  calls = 0;
  auto* v = new std::vector<float>(100);
  delete v;
  void* p = std::malloc(16);
  std::free(p);
  counting = false;
  CHECK(calls.load() >= 4);
}

TEST_CASE_TEMPLATE("step, run and reset never allocate", M, Model<Dense<5, 3, act::tanh>>,
                   Model<Dense<40, 1>>, Model<SimpleRnn<2, 19, act::tanh>>,
                   Model<SimpleRnn<1, 50, act::relu>>, Model<Lstm<3, 37>>, Model<Gru<4, 21, true>>,
                   Model<Gru<4, 21, false>>,
                   Model<Lstm<1, 16>, Gru<16, 8>, SimpleRnn<8, 6>, Dense<6, 2, act::sigmoid>>) {
  auto model = std::make_unique<M>();  // construction may allocate; running may not
  REQUIRE(test::set_model(*model, test::random_model_for<M>(1)) == status::ok);
  const std::size_t steps = 64;
  std::vector<float> in(steps * M::in_size, 0.25f), out(steps * M::out_size);

  calls = 0;
  counting = true;
  for (std::size_t t = 0; t < steps; ++t) {
    model->step(in.data() + t * M::in_size, out.data() + t * M::out_size);
  }
  model->reset();
  model->run(in.data(), out.data(), steps);
  model->reset();
  counting = false;
  CHECK(calls.load() == 0);
}

}  // namespace

TEST_CASE("DynamicModel allocates once at init and never while running") {
  using act = edgernn::activation;
  const edgernn::layer_spec specs[] = {{edgernn::layer_kind::lstm, act::tanh, true, 2, 24},
                                       {edgernn::layer_kind::gru, act::tanh, false, 24, 12},
                                       {edgernn::layer_kind::simple_rnn, act::tanh, true, 12, 7},
                                       {edgernn::layer_kind::dense, act::linear, true, 7, 1}};
  std::vector<float> in(64 * 2, 0.5f), out(64);
  edgernn::DynamicModel m;
  calls = 0;
  counting = true;
  const edgernn::status s = m.init(specs, 4);
  counting = false;
  REQUIRE(s == edgernn::status::ok);
  CHECK(calls.load() == 1);
  calls = 0;
  counting = true;
  for (int t = 0; t < 64; ++t)
    m.step(in.data() + 2 * t, out.data() + t);
  m.reset();
  m.run(in.data(), out.data(), 64);
  m.reset();
  counting = false;
  CHECK(calls.load() == 0);
}
