// edgernn: which instruction set the kernels use, and a thin, version-proof layer over xsimd.
//
// Kernels are written once against `ops<Arch>`. For an xsimd architecture tag `ops<Arch>` wraps
// `xsimd::batch<float, Arch>`; for `edgernn::simd::scalar` it wraps a plain float, so the scalar
// path compiles where xsimd has no SIMD at all (armv6, Cortex-M: there `xsimd::batch<float>` does
// not exist and xsimd is never included).
//
// The architecture comes from the compile flags: define EDGERNN_FORCE_SCALAR to take the scalar
// path on a SIMD host (the `scalar` preset does, so tests cover it everywhere).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "edgernn/simd/half.hpp"

// GCC (12 at least) warns from its own avx512fintrin.h that some AVX-512 intrinsics read an
// uninitialized `__Y` (the "undefined" vector they start from), at every place they are
// inlined: in any AVX-512 build that includes this library with -Wall, a user's -Werror build
// failed on it. Each header of the core switches those two warnings off for its own code
// (EDGERNN_DIAGNOSTICS_BEGIN at its top, EDGERNN_DIAGNOSTICS_END at its end), which covers
// the inlined intrinsics; builds without AVX-512 (SSE, NEON, scalar) keep them for the core.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#define EDGERNN_DIAGNOSTICS_BEGIN                                                      \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
      _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define EDGERNN_DIAGNOSTICS_END _Pragma("GCC diagnostic pop")
#else
#define EDGERNN_DIAGNOSTICS_BEGIN
#define EDGERNN_DIAGNOSTICS_END
#endif

EDGERNN_DIAGNOSTICS_BEGIN

#if !defined(EDGERNN_FORCE_SCALAR) &&                                \
    (defined(__SSE2__) || defined(_M_X64) || defined(__aarch64__) || \
     (defined(__ARM_NEON) && defined(__ARM_ARCH) && __ARM_ARCH >= 7))
#define EDGERNN_HAS_XSIMD 1
#include <xsimd/xsimd.hpp>
#else
#define EDGERNN_HAS_XSIMD 0
#endif

// EDGERNN_ASAN_BUILD: 1 when AddressSanitizer instruments this translation unit (GCC says so
// with __SANITIZE_ADDRESS__, clang through __has_feature).
// EDGERNN_HAS_CPUID: <cpuid.h> (GCC, Clang) on x86, for host_width_rule().
#if (defined(__x86_64__) || defined(__i386__)) && defined(__has_include)
#if __has_include(<cpuid.h>)
#include <cpuid.h>
#define EDGERNN_HAS_CPUID 1
#endif
#endif
#ifndef EDGERNN_HAS_CPUID
#define EDGERNN_HAS_CPUID 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define EDGERNN_ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EDGERNN_ASAN_BUILD 1
#endif
#endif
#ifndef EDGERNN_ASAN_BUILD
#define EDGERNN_ASAN_BUILD 0
#endif

#if defined(__GNUC__)
#define EDGERNN_INLINE inline __attribute__((always_inline))
/// On a lambda (after its parameters): the block bodies of a step must inline, or their
/// accumulators go through memory and static sizes stop folding.
#define EDGERNN_LAMBDA_INLINE __attribute__((always_inline))
#define EDGERNN_RESTRICT __restrict__
/// Before a loop over the registers of a block (a compile-time count): unrolled early, so that
/// the compiler keeps arrays of registers (accumulators, chains) in registers. Without it, GCC
/// 12 stores every accumulator to the stack on every row where the number of rows is known only
/// at run time (DynamicModel): 90 vector stores in one LSTM step of 8 units. Measured with it
/// (bench/bench_step.cpp, `dynamic` rows, alternating runs, Zen 4): DynamicModel LSTM and GRU
/// steps of 8 units 1.5–1.6× faster, SimpleRNN of 16 and 32 units 1.13–1.18×; static models
/// (sizes known at compile time, loops fully unrolled) unchanged.
///
/// Also before the loops that only load a block's accumulators (bias or projected input), in
/// static models too: without it GCC 12's loop distribution turns such a loop into a memcpy of
/// the block into a stack temporary (64-byte moves) and reloads the registers from there at
/// offsets the wide store does not forward to, a store-forwarding stall every step. Measured
/// (`-march=cooperlake -mtune=generic`, Xeon, bench/bench_step.cpp `static` rows): LSTM of 8
/// units 64.6 → 42.9–44.5 ns, GRU of 8 57.7 → 38.5, SimpleRNN of 20 on 256-bit 47.3 → 33.4.
/// Not on the loops that compute: unrolled there, GCC 12 on aarch64 evaluated Model::run and
/// Model::step differently (no longer bit-identical), which the sequence tests catch.
///
/// Only in optimized builds without AddressSanitizer: the pragma unrolls even at -Og, where it
/// buys nothing, and under ASan it multiplied the build time of the kernels' translation units
/// by 2.1-2.6 (dynamic_model.cpp 33 → 71 s, test_layers_simple.cpp 29 → 77 s, GCC 12, the
/// `asan` preset). At -O2/-O3 it costs no build time (those loops are unrolled anyway). Where
/// it stands it reorders no arithmetic, so a sanitized build checks the same results.
#if defined(__OPTIMIZE__) && !EDGERNN_ASAN_BUILD
#define EDGERNN_UNROLL _Pragma("GCC unroll 32")
/// On a layer's step(): forced inline into Model::step (see layers/holder.hpp) where it pays,
/// in optimized builds without AddressSanitizer. Under ASan at -Og it made test_sequence.cpp
/// 25 % slower to compile (28 → 35 s) and buys nothing.
#define EDGERNN_STEP_INLINE EDGERNN_INLINE
#else
#define EDGERNN_UNROLL
#define EDGERNN_STEP_INLINE inline
#endif
#else
#define EDGERNN_INLINE inline
#define EDGERNN_LAMBDA_INLINE
#define EDGERNN_RESTRICT
#define EDGERNN_UNROLL
#define EDGERNN_STEP_INLINE inline
#endif

namespace edgernn::simd {

/// Tag for the portable path: one float per "vector", no SIMD instructions.
struct scalar {
  static constexpr const char* name() noexcept { return "scalar"; }
};

#if EDGERNN_HAS_XSIMD
/// The widest instruction set the compile flags allow (AVX-512, AVX2+FMA, SSE, NEON).
using default_arch = xsimd::default_arch;
#else
using default_arch = scalar;
#endif

#if EDGERNN_HAS_XSIMD && XSIMD_WITH_AVX512F && XSIMD_WITH_FMA3_AVX2
/// The 256-bit kernels on an AVX-512 build: small layers run faster with them (half the lanes
/// of a 512-bit register would be padding, and AVX-512 has no shorter dependency chains).
using narrow_arch = xsimd::fma3<xsimd::avx2>;
/// Defined where narrow_arch and default_arch differ (AVX-512 builds).
#define EDGERNN_HAS_NARROW_ARCH 1
#else
using narrow_arch = default_arch;
#endif

/// The kernels a layer of a model built for `Arch` uses at small sizes: narrow_arch when
/// `Arch` is this build's widest (AVX-512 with 256-bit kernels beside it), else `Arch` itself.
template <class Arch>
using narrow_for =
    typename std::conditional<std::is_same<Arch, default_arch>::value, narrow_arch, Arch>::type;

/// Which layers of an AVX-512 build run the 256-bit kernels (narrow_arch) instead of the 512-bit
/// ones: a rule measured per CPU family, since the faster width for a layer's size differs
/// between them (narrow_by_default for float32 weights, half_narrow_by_default for binary16;
/// builds without AVX-512 have one width and ignore the rule).
enum class width_rule : unsigned char {
  zen4 = 0,    ///< measured on AMD Zen 4 (512-bit operations split in two halves)
  intel = 1,   ///< measured on an Intel Xeon of the Sapphire Rapids class (512-bit units)
  narrow = 2,  ///< every layer the 256-bit kernels
  wide = 3,    ///< every layer the 512-bit kernels
};

/// "zen4", "intel", "narrow", "wide".
constexpr const char* to_string(width_rule r) noexcept {
  switch (r) {
    case width_rule::zen4:
      return "zen4";
    case width_rule::intel:
      return "intel";
    case width_rule::narrow:
      return "narrow";
    case width_rule::wide:
      return "wide";
  }
  return "unknown";
}

/// The rule of the static layers (simd::arch_for) and, unless told otherwise, of DynamicModel:
/// EDGERNN_WIDTH_RULE if defined (0 zen4, 1 intel, 2 narrow, 3 wide); else width_rule::intel
/// when the compiler targets or tunes for an Intel CPU with AVX-512 (its -march or -mtune name:
/// GCC and Clang define __<cpu>__ and __tune_<cpu>__), else width_rule::zen4. Both names count:
/// on an Intel CPU newer than the compiler, -march=native picks the newest Intel -march it knows
/// (GCC 12 on an Emerald Rapids: cooperlake) and tunes for generic.
#if defined(EDGERNN_WIDTH_RULE)
constexpr width_rule default_width_rule = static_cast<width_rule>(EDGERNN_WIDTH_RULE);
#elif defined(__tune_skylake_avx512__) || defined(__tune_cascadelake__) ||                  \
    defined(__tune_cooperlake__) || defined(__tune_cannonlake__) ||                         \
    defined(__tune_icelake_client__) || defined(__tune_icelake_server__) ||                 \
    defined(__tune_tigerlake__) || defined(__tune_rocketlake__) ||                          \
    defined(__tune_sapphirerapids__) || defined(__tune_emeraldrapids__) ||                  \
    defined(__tune_graniterapids__) || defined(__tune_graniterapids_d__) ||                 \
    defined(__tune_knl__) || defined(__tune_knm__) || defined(__skylake_avx512__) ||        \
    defined(__cascadelake__) || defined(__cooperlake__) || defined(__cannonlake__) ||       \
    defined(__icelake_client__) || defined(__icelake_server__) || defined(__tigerlake__) || \
    defined(__rocketlake__) || defined(__sapphirerapids__) || defined(__emeraldrapids__) || \
    defined(__graniterapids__) || defined(__graniterapids_d__) || defined(__knl__) ||       \
    defined(__knm__)
constexpr width_rule default_width_rule = width_rule::intel;
#else
constexpr width_rule default_width_rule = width_rule::zen4;
#endif

namespace detail {
/// Whether 8-lane registers pad `units` to fewer lanes than 16-lane ones: units mod 16 in 1 … 8
/// (20 units take 24 lanes, not 32). A padded lane costs as much as a used one.
constexpr bool pads_less_in_8_lanes(std::size_t units) noexcept {
  return units % 16 != 0 && units % 16 <= 8;
}

/// width_rule::intel (see narrow_by_default): a recurrent layer runs the 256-bit kernels while
/// each gate needs at most a few 8-lane registers, fewer the more inputs each step reads
/// (SimpleRNN 5 up to 4 inputs, 4 up to 16, then 3; LSTM 2 up to 7 inputs, then 1; GRU 3 up to
/// 2 inputs, 2 up to 16, then 1), and the 512-bit ones above; two exceptions run the 256-bit
/// ones where 8-lane registers pad less: LSTM of 49 … 53 units with up to 4 inputs (7 registers
/// of 8 lanes against 4 of 16) and LSTM and GRU of 33 … 40 units with gates · inputs ≥ 128 (5
/// against 3). A Dense layer (by its inputs) runs the 256-bit kernels wherever a layer before it
/// may: up to 40 inputs, and as the Zen 4 rule (a last 16-lane register at most half full). A
/// 512-bit Dense reading a 256-bit layer's output waits for it: its 64-byte loads span two
/// 32-byte stores, which the CPU does not forward (SimpleRNN of 32 units and one input, then
/// Dense(1): 34.6 ns with both 256-bit, 64.6 with the Dense 512-bit, 48.9 with both 512-bit);
/// the other way round, 256-bit loads from a 64-byte store, costs nothing measurable.
///
/// Measured on an Intel Xeon of the Sapphire Rapids class (AVX-512 FP16 and AMX, 48 KiB L1d and
/// 2 MiB L2 per core), with the Zen 4 rule's harness and grid: a DynamicModel of each size
/// followed by Dense(1), every layer with the 256-bit kernels against every layer with the
/// 512-bit ones (fastest of 5 × 2000 steps, median of 9 alternating rounds), 1 … 130 units × 1,
/// 2, 4, 8, 16, 32, 64 inputs × SimpleRNN, LSTM, GRU reset after and before: 3640 points. Over
/// them this rule's choice takes 1.0018× the faster width's time on average (the Zen 4 rule
/// 1.0495×, always 512-bit 1.0425×). GRU with the reset before prefers the 256-bit kernels up to
/// 24 units with 4 to 32 inputs (up to 1.22× faster), which a rule over gates and inputs alone
/// does not see. LSTM with 5 to 7 inputs (between the grid's 4 and 8) runs the 256-bit kernels
/// up to 16 units: static models of 12 and 16 units take 0.70–0.84× the 512-bit ones' time there
/// (the same harness over static models), a DynamicModel 1.01–1.03×.
constexpr bool narrow_on_intel(std::size_t units, std::size_t gates, std::size_t in) noexcept {
  if (gates == 0) return units <= 40 || pads_less_in_8_lanes(units);
  const std::size_t per_gate = (units + 7) / 8;  // 8-lane registers per gate
  std::size_t most = 1;
  if (gates == 1) {
    most = in <= 4 ? 5 : in <= 16 ? 4 : 3;
  } else if (gates == 4) {
    most = in < 8 ? 2 : 1;
  } else {
    most = in <= 2 ? 3 : in <= 16 ? 2 : 1;
  }
  if (per_gate <= most) return true;
  if (gates == 4 && in <= 4 && units > 48 && units <= 53) return true;
  return gates >= 3 && gates * in >= 128 && units > 32 && units <= 40;
}

/// width_rule::intel for binary16 layers (see half_narrow_by_default): the 256-bit kernels up to
/// a size that shrinks with the inputs (SimpleRNN 56 units up to 4 inputs, 40 up to 16, then 24;
/// LSTM and GRU 24 units up to 16 inputs, then 8) and, above it, wherever 8-lane registers pad
/// the units to fewer lanes than 16-lane ones (units mod 16 in 1 … 8) up to 104 units
/// (SimpleRNN) or 56 (LSTM, GRU); the 512-bit kernels elsewhere. A Dense layer (by its inputs)
/// runs the 256-bit kernels wherever a binary16 layer before it may: up to 56 inputs, and
/// padding less up to 104.
///
/// Measured as the float32 rule (see narrow_on_intel), over 1 … 130 units × 1, 4, 16 and 64
/// inputs × SimpleRNN, LSTM, GRU reset after and before with binary16 weights (2080 points):
/// this rule's choice takes on average 1.0018× the faster width's time (always 256-bit, the
/// Zen 4 rule, 1.0509×; always 512-bit 1.0717×); at most 1.10× (GRU with the reset before, 25
/// to 32 units and 4 inputs).
constexpr bool half_narrow_on_intel(std::size_t units, std::size_t gates, std::size_t in) noexcept {
  const bool pads_less = pads_less_in_8_lanes(units);
  if (gates == 0) return units <= 56 || (pads_less && units <= 104);
  if (gates == 1) {
    const std::size_t most = in <= 4 ? 56 : in <= 16 ? 40 : 24;
    return units <= most || (pads_less && units <= 104);
  }
  return units <= (in <= 16 ? 24 : 8) || (pads_less && units <= 56);
}
}  // namespace detail

/// Layers with at most this many units use narrow_arch by default, but for LSTM and GRU with
/// several inputs (see narrow_by_default; measured in bench/bench_step.cpp: see the README).
inline constexpr std::size_t narrow_max_units = 16;

/// Whether a layer of `units` outputs runs narrow_arch by default. A Dense layer chooses by its
/// inputs (`units` = its inputs, `gates` = 0); a recurrent layer passes its gate blocks (1
/// SimpleRNN, 3 GRU, 4 LSTM) and its inputs `in`.
///
/// The rule: narrow up to narrow_max_units, and wherever 8-lane registers pad `units` to fewer
/// lanes than 16-lane ones (units mod 16 in 1 … 8: 20 units take 24 lanes, not 32), since padded
/// lanes cost as much as the others; 512-bit elsewhere. Two exceptions run the 512-bit kernels,
/// measured faster there despite their padding:
/// - LSTM and GRU of 9 … 16 units with gates · in ≥ 16 (LSTM from 4 inputs, GRU from 6): one
///   512-bit register per gate holds all the units, so each input row is half the FMAs and the
///   accumulators split into more chains;
/// - SimpleRNN of 33 … 40 units: five 8-lane registers run as two passes over the inputs (a
///   block of four registers and one of one), three 16-lane registers as one.
/// Measured on Zen 4, a harness stepping a DynamicModel of each size followed by Dense(1) with
/// either kernels (fastest of 5 × 2000 steps, median of 9 alternating rounds). One pass over
/// 3640 points (1 … 130 units × 1, 2, 4, 8, 16, 32, 64 inputs × SimpleRNN, LSTM, GRU reset
/// after and before), then the median of 5 passes over the exceptions and over the 55 points
/// where the first pass found this rule's choice more than 3 % slower: the 512-bit kernels take
/// 0.90–0.98× the 256-bit ones' time for LSTM of 9 … 16 units with 4 to 64 inputs, 0.87–1.01×
/// for GRU with 6 to 64 (reset before: 0.94–1.02×), 0.85–0.97× for SimpleRNN of 33 … 40 units
/// (two points of 56 at 1.02× and 1.04×). Of the 55, four stayed: GRU with 32 or 64 inputs at 27,
/// 59 and 63 units, where the 256-bit kernels are 4–6 % faster.
/// Without AVX-512 the two are the same kernels.
///
/// That is the rule for width_rule::zen4; `rule` chooses another (see width_rule).
constexpr bool narrow_by_default(std::size_t units, std::size_t gates = 0, std::size_t in = 0,
                                 width_rule rule = default_width_rule) noexcept {
  switch (rule) {
    case width_rule::narrow:
      return true;
    case width_rule::wide:
      return false;
    case width_rule::intel:
      return detail::narrow_on_intel(units, gates, in);
    case width_rule::zen4:
      break;
  }
  if (gates == 1 && units > 32 && units <= 40) return false;
  if (gates >= 3 && units > 8 && units <= narrow_max_units && gates * in >= 16) return false;
  return units <= narrow_max_units || detail::pads_less_in_8_lanes(units);
}

/// Whether a layer with binary16 weights runs narrow_arch under `rule` (arguments as
/// narrow_by_default). Zen 4 converts binary16 in 256-bit registers twice as fast as in 512-bit
/// ones, so its rule keeps them 256-bit at every size; see detail::half_narrow_on_intel.
constexpr bool half_narrow_by_default(std::size_t units, std::size_t gates = 0, std::size_t in = 0,
                                      width_rule rule = default_width_rule) noexcept {
  switch (rule) {
    case width_rule::narrow:
    case width_rule::zen4:
      return true;
    case width_rule::wide:
      return false;
    case width_rule::intel:
      return detail::half_narrow_on_intel(units, gates, in);
  }
  return true;
}

/// The width rule for the CPU this runs on: width_rule::intel on an Intel CPU (CPUID vendor
/// "GenuineIntel"), width_rule::zen4 on any other x86 CPU; default_width_rule on other
/// architectures (where the rule changes nothing). Reads CPUID on every call (in a virtual
/// machine that traps: microseconds), so call it once, at construction.
inline width_rule host_width_rule() noexcept {
#if EDGERNN_HAS_CPUID
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) return default_width_rule;
  // The vendor string is EBX, EDX, ECX: "Genu" "ineI" "ntel".
  return (b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu) ? width_rule::intel
                                                                    : width_rule::zen4;
#else
  return default_width_rule;
#endif
}

/// Whether `Arch`'s arithmetic flushes subnormal inputs and results to zero. ARMv7's Advanced
/// SIMD unit always does (it has no subnormal support), so on 32-bit ARM with NEON an input
/// |x| < 2^-126 reads as ±0: tanh of a subnormal is ±0 there (absolute error < 1.2e-38).
template <class Arch>
inline constexpr bool flushes_subnormals = false;
#if EDGERNN_HAS_XSIMD && defined(__arm__) && !defined(__aarch64__)
template <>
inline constexpr bool flushes_subnormals<xsimd::neon> = true;
#endif

/// The default kernels for a layer of `Units` outputs (`Gates` and `In` as narrow_by_default:
/// 0 and 0 for a Dense layer, which passes its inputs as `Units`): narrow_arch where
/// narrow_by_default, default_arch elsewhere.
template <std::size_t Units, std::size_t Gates = 0, std::size_t In = 0>
using arch_for = typename std::conditional<narrow_by_default(Units, Gates, In, default_width_rule),
                                           narrow_arch, default_arch>::type;

/// Vector operations for `Arch`; see the specializations below.
template <class Arch>
struct ops;

template <>
struct ops<scalar> {
  using reg = float;
  static constexpr std::size_t width = 1;
  static constexpr std::size_t alignment = 16;
  static constexpr std::size_t registers = 16;  ///< vector registers (a bound for unrolling)
  static constexpr const char* name() noexcept { return "scalar"; }
  static EDGERNN_INLINE reg in_register(reg v) noexcept { return v; }

  static EDGERNN_INLINE reg load(const float* p) noexcept { return *p; }
  /// One binary16 weight, widened (the FPv4/VFP half conversion where the compiler has it).
  static EDGERNN_INLINE reg load(const std::uint16_t* p) noexcept {
#if defined(__ARM_FP16_FORMAT_IEEE) && defined(__ARM_FP) && (__ARM_FP & 2)
    __fp16 h;
    std::memcpy(&h, p, sizeof h);
    return static_cast<float>(h);
#else
    return half_to_float_fast(*p);
#endif
  }
  static EDGERNN_INLINE void store(float* p, reg v) noexcept {
    *p = v;
  }
  static constexpr bool has_quads = false;  ///< see the SIMD ops
  static EDGERNN_INLINE reg broadcast(float v) noexcept {
    return v;
  }
  /// a·b + c, fused where the target has a fused multiply-add (then always, so that no code
  /// path rounds differently from another), else a multiply and an add.
  static EDGERNN_INLINE reg fma(reg a, reg b, reg c) noexcept {
#if defined(__FP_FAST_FMAF)
    return __builtin_fmaf(a, b, c);
#else
    return a * b + c;
#endif
  }
  static EDGERNN_INLINE reg min(reg a, reg b) noexcept {
    return b < a ? b : a;
  }
  static EDGERNN_INLINE reg max(reg a, reg b) noexcept {
    return a < b ? b : a;
  }
  /// `x` limited to [lo, hi]; NaN stays NaN.
  static EDGERNN_INLINE reg clamp(reg x, reg lo, reg hi) noexcept {
    return x < lo ? lo : (hi < x ? hi : x);
  }
  /// min(x, hi) and max(x, lo); NaN stays NaN.
  static EDGERNN_INLINE reg at_most(reg x, reg hi) noexcept {
    return hi < x ? hi : x;
  }
  static EDGERNN_INLINE reg at_least(reg x, reg lo) noexcept {
    return x < lo ? lo : x;
  }
  /// `v` where `v` is NaN, `r` elsewhere.
  static EDGERNN_INLINE reg keep_nan(reg v, reg r) noexcept {
    return v != v ? v : r;
  }
  static EDGERNN_INLINE float sum(reg v) noexcept {
    return v;
  }
  static EDGERNN_INLINE reg mask_tail(reg v, std::size_t n) noexcept {
    return n > 0 ? v : 0.0f;
  }
};

#if EDGERNN_HAS_XSIMD
template <class Arch>
struct ops {
  using reg = xsimd::batch<float, Arch>;
  static constexpr std::size_t width = reg::size;
  static constexpr std::size_t alignment = width * sizeof(float) < 16 ? 16 : width * sizeof(float);
  /// Vector registers: 32 with AVX-512 (EVEX also reaches ymm16–31 under AVX512VL) and on
  /// aarch64, 16 otherwise.
#if defined(__AVX512VL__) || defined(__aarch64__)
  static constexpr std::size_t registers = 32;
#else
  static constexpr std::size_t registers = width == 16 ? 32 : 16;
#endif
  static constexpr const char* name() noexcept {
    return Arch::name();
  }

  // Aligned loads and stores only: every buffer a kernel touches is ours and padded.
  static EDGERNN_INLINE reg load(const float* p) noexcept {
    return reg::load_aligned(p);
  }
  /// v, kept in a register: where a loaded value feeds several FMAs, GCC may fold its load into
  /// each of them instead (one load per use, which then bounds the loop).
  static EDGERNN_INLINE reg in_register(reg v) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    typename reg::register_type r = v;
    __asm__("" : "+v"(r));
    return r;
#elif defined(__GNUC__) && (defined(__aarch64__) || defined(__ARM_NEON))
    typename reg::register_type r = v;
    __asm__("" : "+w"(r));
    return r;
#else
    return v;
#endif
  }
  /// `width` binary16 weights (2·width-byte aligned), widened to float: AVX-512 / F16C /
  /// NEON conversions, else a vectorizable bit-level conversion.
  static EDGERNN_INLINE reg load(const std::uint16_t* p) noexcept {
#if defined(__AVX512F__)
    if constexpr (width == 16) {
      return _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(p)));
    }
#endif
#if defined(__F16C__)
    if constexpr (width == 8) {
      return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(p)));
    }
    if constexpr (width == 4) {
      return _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    }
#endif
#if defined(__aarch64__) || (defined(__ARM_NEON) && defined(__ARM_FP16_FORMAT_IEEE) && \
                             defined(__ARM_NEON_FP) && (__ARM_NEON_FP & 2))
    if constexpr (width == 4) {
      return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
    }
#endif
#if defined(__SSE2__) || defined(_M_X64)
    if constexpr (width == 4) {
      // (h & 0x7FFF) << 13 is h's exponent and mantissa in float position; times 2^112 rebiases
      // the exponent (subnormals included, exactly); exponent 31 becomes 255; then the sign.
      const __m128i h = _mm_unpacklo_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                                           _mm_setzero_si128());
      const __m128i body = _mm_slli_epi32(_mm_and_si128(h, _mm_set1_epi32(0x7FFF)), 13);
      const __m128 v = _mm_mul_ps(_mm_castsi128_ps(body), _mm_set1_ps(5.192296858534828e33f));
      const __m128i special =
          _mm_cmpeq_epi32(_mm_and_si128(h, _mm_set1_epi32(0x7C00)), _mm_set1_epi32(0x7C00));
      const __m128i inf_nan = _mm_or_si128(body, _mm_set1_epi32(0x7F800000));
      __m128i u = _mm_or_si128(_mm_and_si128(special, inf_nan),
                               _mm_andnot_si128(special, _mm_castps_si128(v)));
      u = _mm_or_si128(u, _mm_slli_epi32(_mm_and_si128(h, _mm_set1_epi32(0x8000)), 16));
      return _mm_castsi128_ps(u);
    }
#endif
    alignas(64) float f[width];
    for (std::size_t i = 0; i < width; ++i)
      f[i] = half_to_float_fast(p[i]);
    return reg::load_aligned(f);
  }
  static EDGERNN_INLINE void store(float* p, reg v) noexcept {
    v.store_aligned(p);
  }
  static EDGERNN_INLINE reg broadcast(float v) noexcept {
    return reg(v);
  }
  /// Whether load_quads() and splat() stand in for broadcasts: on AVX and AVX-512, one 16-byte
  /// broadcast load and four in-register shuffles instead of four broadcast loads, which leaves
  /// the load ports to the weights (see accumulate in kernels.hpp).
  static constexpr bool has_quads =
#if defined(__AVX512F__)
      width == 16 ||
#endif
#if defined(__AVX__)
      width == 8 ||
#endif
      false;
  /// p[0..4) repeated in every 128-bit lane (has_quads only).
  static EDGERNN_INLINE reg load_quads(const float* p) noexcept {
#if defined(__AVX512F__)
    if constexpr (width == 16) return _mm512_broadcast_f32x4(_mm_loadu_ps(p));
#endif
#if defined(__AVX__)
    if constexpr (width == 8) return _mm256_broadcast_ps(reinterpret_cast<const __m128*>(p));
#endif
    return reg(p[0]);
  }
  /// Lane c of every quad of q in every lane: splat<c>(load_quads(p)) = broadcast(p[c]).
  template <int c>
  static EDGERNN_INLINE reg splat(reg q) noexcept {
#if defined(__AVX512F__)
    if constexpr (width == 16) return _mm512_permute_ps(q, c * 0x55);
#endif
#if defined(__AVX__)
    if constexpr (width == 8) return _mm256_permute_ps(q, c * 0x55);
#endif
    return q;
  }
  // Plain SSE/AVX have no FMA instruction: xsimd falls back to a multiply and an add there.
  static EDGERNN_INLINE reg fma(reg a, reg b, reg c) noexcept {
    return xsimd::fma(a, b, c);
  }
  static EDGERNN_INLINE reg min(reg a, reg b) noexcept {
    return xsimd::min(a, b);
  }
  static EDGERNN_INLINE reg max(reg a, reg b) noexcept {
    return xsimd::max(a, b);
  }
  // NaN-propagating without a compare: x86 MINPS/MAXPS return their second operand when either
  // is NaN (xsimd 8.1 passes its arguments in order), NEON's FMIN/FMAX return NaN.
  static EDGERNN_INLINE reg clamp(reg x, reg lo, reg hi) noexcept {
    return xsimd::min(hi, xsimd::max(lo, x));
  }
  static EDGERNN_INLINE reg at_most(reg x, reg hi) noexcept {
    return xsimd::min(hi, x);
  }
  static EDGERNN_INLINE reg at_least(reg x, reg lo) noexcept {
    return xsimd::max(lo, x);
  }
  static EDGERNN_INLINE reg keep_nan(reg v, reg r) noexcept {
    // Not `v != v`: xsimd 8.1's AVX-512 `!=` is an ordered compare, false for NaN.
    return xsimd::select(xsimd::isnan(v), v, r);
  }
  /// `v` with lanes n and above set to 0 (whatever they held, NaN included).
  static EDGERNN_INLINE reg mask_tail(reg v, std::size_t n) noexcept {
    alignas(64) static constexpr float lane[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                   8, 9, 10, 11, 12, 13, 14, 15};
    static_assert(width <= 16, "wider registers need a longer lane table");
    return xsimd::select(reg::load_aligned(lane) < reg(static_cast<float>(n)), v, reg(0.0f));
  }
  static EDGERNN_INLINE float sum(reg v) noexcept {
#if XSIMD_VERSION_MAJOR >= 9
    return xsimd::reduce_add(v);
#else
    return xsimd::hadd(v);
#endif
  }
};
#endif

/// Smallest multiple of `m` that is >= `n`.
constexpr std::size_t round_up(std::size_t n, std::size_t m) noexcept {
  return (n + m - 1) / m * m;
}

/// Integer division rounding up.
constexpr std::size_t ceil_div(std::size_t n, std::size_t m) noexcept {
  return (n + m - 1) / m;
}

}  // namespace edgernn::simd

EDGERNN_DIAGNOSTICS_END
