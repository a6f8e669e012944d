#include "layer_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

namespace edgernn::test {

std::vector<float> sweep_inputs(std::size_t n, std::uint64_t seed) {
  rng r(seed ^ 0xABCDEFull);
  return r.uniform(n * sweep_steps, -1.0f, 1.0f);
}

namespace {

// Compares `steps` output rows (`out` floats each, from the kernels) with the next `steps` steps
// of `ref` over `inputs` (`in` floats per step), numbered from `first` in messages. Folds the
// worst error into `worst`; false at the first mismatch, which it reports.
bool compare_steps(reference_model& ref, const io::model_desc& d, const float* inputs,
                   const float* outputs, std::size_t first, std::size_t steps, double& worst) {
  const std::size_t out = d.out();
  for (std::size_t t = 0; t < steps; ++t) {
    const auto& e = ref.step(inputs + t * d.in);
    for (std::size_t j = 0; j < out; ++j) {
      const float y = outputs[t * out + j];
      worst = std::max(worst, std::fabs(y - e[j]));
      if (!layer_tolerance.ok(y, e[j])) {
        FAIL_CHECK(to_string(d.layers[0].kind)
                   << " in=" << d.in << " units=" << out << " step " << first + t << " output " << j
                   << ": got " << y << ", reference " << e[j]);
        return false;
      }
    }
  }
  return true;
}

}  // namespace

void compare_with_reference(const io::model_desc& d, const std::vector<float>& inputs,
                            const std::vector<float>& outputs, sweep_result& result,
                            simd::fit fit) {
  reference_model ref(d, fit);
  double worst = 0;
  if (!compare_steps(ref, d, inputs.data(), outputs.data(), 0, sweep_steps, worst)) return;
  result.max_abs = std::max(result.max_abs, worst);
  ++result.cases;
}

sweep_result sweep_dynamic(const io::layer_desc& family) {
  sweep_result result;
  DynamicModel model;
  std::vector<std::size_t> units;
  for (std::size_t h = 1; h <= 3 * sweep_width + 1; ++h)
    units.push_back(h);
  units.insert(units.end(), std::begin(sweep_large_units), std::end(sweep_large_units));
  // The sequence runs in chunks, each compared as it comes: the outputs of 1000 steps of a
  // 64-unit layer beside its weights, their model_desc and the reference's copy would not fit
  // the heap of the smaller MCU boards (512 KiB on mps3-an547).
  constexpr std::size_t chunk = 100;
  static_assert(sweep_steps % chunk == 0, "whole chunks");
  for (std::size_t in : sweep_inputs_list) {
    for (std::size_t h : units) {
      reference_model ref = [&] {
        io::model_desc d;
        d.in = in;
        d.layers.push_back(family);
        io::layer_desc& l = d.layers.back();
        l.in = in;
        l.units = h;
        rng r(in * 1000 + h);
        randomize(l, r);
        const layer_spec spec{l.kind, l.act, l.reset_after, in, h};
        REQUIRE(model.init(&spec, 1) == status::ok);
        REQUIRE(model.set_weights(0, {l.kernel.data(), l.kernel.size()},
                                  {l.recurrent.data(), l.recurrent.size()},
                                  {l.bias.data(), l.bias.size()}) == status::ok);
        return reference_model(std::move(d));
      }();
      const std::vector<float> x = sweep_inputs(in, in * 1000 + h);
      std::vector<float> y(chunk * h);
      double worst = 0;
      bool ok = true;
      for (std::size_t t = 0; ok && t < sweep_steps; t += chunk) {
        model.run(x.data() + t * in, y.data(), chunk);
        ok = compare_steps(ref, ref.desc(), x.data() + t * in, y.data(), t, chunk, worst);
      }
      if (!ok) continue;
      result.max_abs = std::max(result.max_abs, worst);
      ++result.cases;
    }
  }
  return result;
}

}  // namespace edgernn::test
