// A unit that includes the compiler's intrinsics before edgernn (as SIMD code of a user's own
// would) and instantiates every kind of layer, float32, binary16 and fast activations, sizes
// that take the 512-bit kernels where the build has AVX-512: none may warn.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <edgernn/edgernn.hpp>

using namespace edgernn;

float consumer_all_layers(const float* x, float* y) {
  static Model<Lstm<3, 40>, Gru<40, 24, false>, SimpleRnn<24, 70>,
               Dense<70, 2, activation::sigmoid>>
      f32;
  static Model<Lstm<3, 64, f16>, Gru<64, 32, true, f16>, Dense<32, 2>> half;
  static Model<Lstm<3, 16, fast_activations>, Dense<16, 2>> fast;
  f32.step(x, y);
  half.step(x, y);
  fast.step(x, y);
  f32.run(x, y, 1);
  return y[0] + y[1];
}
