// edgernn dispatch: ISA detection and the Model forwarding to its ISA's table. Compiled for the
// x86-64 baseline (SSE2): nothing here may need more.
#include "dispatch.hpp"

#include <cpuid.h>

#include <cstdlib>
#include <cstring>

#include "dispatch_impl.hpp"

namespace edgernn::dispatch {

namespace {

struct cpu {
  bool sse2 = false, sse4_2 = false, avx2 = false, avx512 = false;
};

// XCR0: which register states the OS saves (bit 1 XMM, 2 YMM, 5 opmask, 6 ZMM_Hi256,
// 7 Hi16_ZMM). The mnemonic needs no -mxsave.
unsigned long long xcr0() noexcept {
  unsigned eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

cpu detect() noexcept {
  cpu c;
  unsigned a = 0, b = 0, cx = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &cx, &d)) return c;
  c.sse2 = (d >> 26) & 1;
  const bool sse3 = cx & 1, ssse3 = (cx >> 9) & 1, sse41 = (cx >> 19) & 1, sse42 = (cx >> 20) & 1;
  c.sse4_2 = c.sse2 && sse3 && ssse3 && sse41 && sse42;
  const bool fma = (cx >> 12) & 1, osxsave = (cx >> 27) & 1, avx = (cx >> 28) & 1,
             f16c = (cx >> 29) & 1;
  if (!osxsave || !avx) return c;
  const unsigned long long xcr = xcr0();
  const bool ymm_state = (xcr & 0x6) == 0x6;
  const bool zmm_state = (xcr & 0xE6) == 0xE6;
  unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
  if (!__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7)) return c;
  const bool avx2 = (b7 >> 5) & 1;
  c.avx2 = c.sse4_2 && ymm_state && avx2 && fma && f16c;
  const bool f = (b7 >> 16) & 1, dq = (b7 >> 17) & 1, cd = (b7 >> 28) & 1, bw = (b7 >> 30) & 1;
  c.avx512 = c.avx2 && zmm_state && f && dq && cd && bw;
  return c;
}

const cpu& this_cpu() noexcept {
  static const cpu c = detect();
  return c;
}

const table& table_of(isa i) noexcept {
  switch (i) {
    case isa::avx512:
      return table_for<isa::avx512>();
    case isa::avx2:
      return table_for<isa::avx2>();
    case isa::sse4_2:
      return table_for<isa::sse4_2>();
    case isa::sse2:
      break;
  }
  return table_for<isa::sse2>();
}

}  // namespace

const char* to_string(isa i) noexcept {
  switch (i) {
    case isa::sse2:
      return "sse2";
    case isa::sse4_2:
      return "sse4.2";
    case isa::avx2:
      return "avx2";
    case isa::avx512:
      return "avx512";
  }
  return "unknown";
}

bool parse_isa(const char* name, isa& out) noexcept {
  if (name == nullptr) return false;
  for (isa i : all_isas) {
    if (std::strcmp(name, to_string(i)) == 0) {
      out = i;
      return true;
    }
  }
  return false;
}

bool cpu_supports(isa i) noexcept {
  const cpu& c = this_cpu();
  switch (i) {
    case isa::sse2:
      return c.sse2;
    case isa::sse4_2:
      return c.sse4_2;
    case isa::avx2:
      return c.avx2;
    case isa::avx512:
      return c.avx512;
  }
  return false;
}

isa best_isa() noexcept {
  isa best = isa::sse2;
  for (isa i : all_isas)
    if (cpu_supports(i)) best = i;
  return best;
}

isa default_isa() noexcept {
  static const isa chosen = [] {
    isa forced;
    if (parse_isa(std::getenv("EDGERNN_ARCH"), forced) && cpu_supports(forced)) return forced;
    return best_isa();
  }();
  return chosen;
}

bool parse_widths(const char* name, simd::width_rule& out) noexcept {
  if (name == nullptr) return false;
  for (auto r : {simd::width_rule::zen4, simd::width_rule::intel, simd::width_rule::narrow,
                 simd::width_rule::wide}) {
    if (std::strcmp(name, simd::to_string(r)) == 0) {
      out = r;
      return true;
    }
  }
  return false;
}

simd::width_rule default_widths() noexcept {
  static const simd::width_rule chosen = [] {
    simd::width_rule forced;
    if (parse_widths(std::getenv("EDGERNN_WIDTHS"), forced)) return forced;
    return simd::host_width_rule();
  }();
  return chosen;
}

Model::Model() noexcept {
  select(default_isa(), default_widths());
}
Model::Model(isa requested, simd::width_rule widths) noexcept {
  select(cpu_supports(requested) ? requested : best_isa(), widths);
}
Model::~Model() {
  t_->destroy(storage_);
}

void Model::select(isa i, simd::width_rule widths) noexcept {
  isa_ = i;
  widths_ = widths;
  t_ = &table_of(i);
  t_->construct(storage_);
}

status Model::load(const void* file, std::size_t n, format::load_error* err) noexcept {
  return load(file, n, load_options{}, err);
}
status Model::load(const void* file, std::size_t n, const load_options& opt,
                   format::load_error* err) noexcept {
  load_options o = opt;
  o.widths = widths_;
  return t_->load(storage_, file, n, o, err);
}
status Model::init(const layer_spec* specs, std::size_t n) noexcept {
  return t_->init(storage_, specs, n, widths_);
}
status Model::set_weights(std::size_t i, weights kernel, weights recurrent, weights bias) noexcept {
  return t_->set_weights(storage_, i, kernel, recurrent, bias);
}
void Model::step(const float* in, float* out) noexcept {
  t_->step(storage_, in, out);
}
void Model::run(const float* in, float* out, std::size_t steps) noexcept {
  t_->run(storage_, in, out, steps);
}
void Model::reset() noexcept {
  t_->reset(storage_);
}
std::size_t Model::in_size() const noexcept {
  return t_->in_size(storage_);
}
std::size_t Model::out_size() const noexcept {
  return t_->out_size(storage_);
}
std::size_t Model::layer_count() const noexcept {
  return t_->layer_count(storage_);
}
simd::fit Model::layer_fit(std::size_t i) const noexcept {
  return t_->layer_fit(storage_, i);
}
const char* Model::layer_kernels(std::size_t i) const noexcept {
  return t_->layer_kernels(storage_, i);
}

}  // namespace edgernn::dispatch
