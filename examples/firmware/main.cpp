// The firmware: the sine model from an exported header, its weights left in flash
// (ConstModel), run one step per sample over a stream of 16-bit samples. Each prediction goes
// out through semihosting as "step,input,prediction"; the host test (compare_host.cmake) feeds
// the same inputs to `edgernn run` and checks every prediction within 1e-5.
#include <cstddef>
#include <cstdint>

#include <edgernn/edgernn.hpp>

#include "console.hpp"
#include "sine_model.hpp"  // `edgernn export-header --name sine`, generated at build time
#include "startup.h"

#ifndef FIRMWARE_STEPS
#define FIRMWARE_STEPS 200
#endif
static_assert(FIRMWARE_STEPS >= 2, "the firmware needs a sample to compare a prediction with");

namespace {

static_assert(sine::const_model::in_size == 1 && sine::const_model::out_size == 1,
              "the firmware feeds one sample per step and reads one prediction");

// Only the state is in RAM: packed0, packed1, ... stay in flash.
sine::const_model model = sine::make_const_model();

// The sensor: a 16-bit converter sampling a unit sine at 0.1 rad per sample (the sine task's
// rate). The oscillator turns (c, s) by 0.1 rad per sample and pulls its radius back to 1, so
// no libm is needed.
class sine_source {
 public:
  std::int16_t next() noexcept {
    const float q = s_ * 32767.0f;
    const auto code = static_cast<std::int16_t>(q < 0.0f ? q - 0.5f : q + 0.5f);
    const float c = c_ * cos_step - s_ * sin_step;
    const float s = s_ * cos_step + c_ * sin_step;
    const float fix = 1.5f - 0.5f * (c * c + s * s);  // 1 / radius, to first order
    c_ = c * fix;
    s_ = s * fix;
    return code;
  }

 private:
  static constexpr float cos_step = 0.995004165f;   // cos(0.1)
  static constexpr float sin_step = 0.0998334166f;  // sin(0.1)
  float c_ = 1.0f, s_ = 0.0f;
};

}  // namespace

int main() {
  using kernels = edgernn::simd::ops<edgernn::simd::default_arch>;
  console::line() << "edgernn " << edgernn::version << " firmware: kernels for " << kernels::name()
                  << ", weights " << sine::model::weight_bytes << " B in flash, state "
                  << sine::const_model::state_bytes << " B in RAM";
  console::line() << "step,input,prediction";
  sine_source adc;
  float y = 0.0f, miss = 0.0f;  // miss: Σ |prediction − the sample that followed|
  for (unsigned t = 0; t < FIRMWARE_STEPS; ++t) {
    const float x = static_cast<float>(adc.next()) / 32768.0f;  // exact: a q15 code
    if (t > 0) miss += x > y ? x - y : y - x;
    model.step(&x, &y);
    console::line() << t << ',' << console::fixed{x, 15} << ',' << console::fixed{y, 9};
  }
  console::line() << "mean |prediction - next sample|: "
                  << console::fixed{miss / static_cast<float>(FIRMWARE_STEPS - 1), 6};
  console::line() << "stack: " << stack_used() << " of " << stack_size() << " bytes used";
  return 0;
}
