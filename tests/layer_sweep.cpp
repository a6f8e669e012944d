#include "layer_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace edgernn::test {

std::vector<float> sweep_inputs(std::size_t n, std::uint64_t seed) {
  rng r(seed ^ 0xABCDEFull);
  return r.uniform(n * sweep_steps, -1.0f, 1.0f);
}

void compare_with_reference(const io::model_desc& d, const std::vector<float>& inputs,
                            const std::vector<float>& outputs, sweep_result& result) {
  reference_model ref(d);
  const std::size_t out = d.out();
  double worst = 0;
  for (std::size_t t = 0; t < sweep_steps; ++t) {
    const auto& e = ref.step(inputs.data() + t * d.in);
    for (std::size_t j = 0; j < out; ++j) {
      const float y = outputs[t * out + j];
      worst = std::max(worst, std::fabs(y - e[j]));
      if (!layer_tolerance.ok(y, e[j])) {
        FAIL_CHECK(to_string(d.layers[0].kind)
                   << " in=" << d.in << " units=" << out << " step " << t << " output " << j
                   << ": got " << y << ", reference " << e[j]);
        return;
      }
    }
  }
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
  for (std::size_t in : sweep_inputs_list) {
    for (std::size_t h : units) {
      io::model_desc d;
      d.in = in;
      io::layer_desc l = family;
      l.in = in;
      l.units = h;
      rng r(in * 1000 + h);
      randomize(l, r);
      d.layers.push_back(l);
      const layer_spec spec{l.kind, l.act, l.reset_after, in, h};
      REQUIRE(model.init(&spec, 1) == status::ok);
      REQUIRE(model.set_weights(0, {l.kernel.data(), l.kernel.size()},
                                {l.recurrent.data(), l.recurrent.size()},
                                {l.bias.data(), l.bias.size()}) == status::ok);
      const std::vector<float> x = sweep_inputs(in, in * 1000 + h);
      std::vector<float> y(sweep_steps * h);
      model.run(x.data(), y.data(), sweep_steps);
      compare_with_reference(d, x, y, result);
    }
  }
  return result;
}

}  // namespace edgernn::test
