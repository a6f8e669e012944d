// Fuzz target: bytes → format::model_view::parse → DynamicModel::load (allocated and in a
// caller's buffer), io::decode_model → encode_model → decode_model, and two fixed
// Model<...>::load; a few steps of whatever loaded.
//
// Each input runs twice: as given (the magic, size and CRC checks see it) and with its
// file_bytes field and CRC rewritten to match, so mutations reach the checks behind the CRC.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "edgernn/edgernn.hpp"
#include "fuzz_check.hpp"
#include "io/model_file.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;

// The layers of two seeds: tests/data/golden/stack_lstm16_gru8_d1 and
// tests/data/fuzz/seeds/keras_json/mixed_small.json.
using stack_model = Model<Lstm<1, 16>, Gru<16, 8>, Dense<8, 1>>;
using mixed_model = Model<Gru<2, 3, false>, SimpleRnn<3, 4, act::relu>, Dense<4, 2, act::sigmoid>>;

constexpr std::size_t steps = 3;

// Deterministic inputs with both signs, a zero and a value past the activations' knees.
std::vector<float> input_sequence(std::size_t in) {
  static const float pattern[] = {0.5f, -1.25f, 0.0f, 3.0f, -0.01f, 7.5f, -2.0f};
  std::vector<float> x(steps * in);
  for (std::size_t k = 0; k < x.size(); ++k)
    x[k] = pattern[k % (sizeof pattern / sizeof pattern[0])];
  return x;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return fuzz::same_bits(a, b);
}

// The outputs of `steps` steps of `m` on input_sequence, one step() at a time.
template <class M>
std::vector<float> outputs_of(M& m, std::size_t in, std::size_t out) {
  const std::vector<float> x = input_sequence(in);
  std::vector<float> y(steps * out);
  for (std::size_t t = 0; t < steps; ++t)
    m.step(x.data() + t * in, y.data() + t * out);
  return y;
}

// Model::load on a fixed layer stack: it fails exactly as parse() does, or refuses a file whose
// layers differ, or loads what set_weights() and set_scaling() make of the same arrays.
template <class M>
void check_static(const unsigned char* p, std::size_t n, status parsed, const format::model_view& v,
                  const io::model_desc* d) {
  static M loaded;  // large: static storage, as on a device
  format::load_error e;
  const status s = loaded.load(p, n, &e);
  if (parsed != status::ok) {
    EDGERNN_FUZZ_CHECK(s == parsed);
    return;
  }
  if (s != status::ok) {
    EDGERNN_FUZZ_CHECK(s == status::layer_count_mismatch || s == status::layer_type_mismatch ||
                       s == status::layer_size_mismatch || s == status::activation_mismatch);
    EDGERNN_FUZZ_CHECK(s == status::layer_count_mismatch || e.layer < v.layer_count());
    return;
  }
  EDGERNN_FUZZ_CHECK(v.layer_count() == M::layer_count && v.input_size() == M::in_size &&
                     v.output_size() == M::out_size && d != nullptr);
  static M set;
  EDGERNN_FUZZ_CHECK(test::set_model(set, *d) == status::ok);
  typename M::scaling io = M::scaling::identity();
  for (std::size_t i = 0; i < M::in_size && d->norm.has_input(); ++i) {
    io.in_scale[i] = d->norm.in_scale[i];
    io.in_offset[i] = d->norm.in_offset[i];
  }
  for (std::size_t i = 0; i < M::out_size && d->norm.has_output(); ++i) {
    io.out_scale[i] = d->norm.out_scale[i];
    io.out_offset[i] = d->norm.out_offset[i];
  }
  set.set_scaling(io);
  set.reset();
  // Same layer types, same arrays: the same packed weights, so the same bits out.
  EDGERNN_FUZZ_CHECK(same_bits(outputs_of(loaded, M::in_size, M::out_size),
                               outputs_of(set, M::in_size, M::out_size)));
}

void check_file(const unsigned char* p, std::size_t n) {
  format::model_view v;
  format::load_error e;
  const status parsed = v.parse(p, n, &e);
  EDGERNN_FUZZ_CHECK(to_string(parsed) != nullptr && e.field != nullptr);
  (void)io::describe(parsed, e, "fuzz.ern");

  // DynamicModel: the same verdict as parse(); a parsed file always loads (its sizes are
  // bounded by the file's own length, far below what validate() refuses on a 64-bit host).
  const std::size_t need = DynamicModel::required_bytes(p, n);
  EDGERNN_FUZZ_CHECK((need > 0) == (parsed == status::ok));
  DynamicModel a;
  EDGERNN_FUZZ_CHECK(a.load(p, n) == parsed);

  if (parsed == status::ok) {
    EDGERNN_FUZZ_CHECK(a.layer_count() == v.layer_count() && a.in_size() == v.input_size() &&
                       a.out_size() == v.output_size());
    const std::vector<float> dynamic_out = outputs_of(a, a.in_size(), a.out_size());
    a.reset();
    EDGERNN_FUZZ_CHECK(same_bits(outputs_of(a, a.in_size(), a.out_size()), dynamic_out));

    // In a caller's buffer, unaligned and exactly required_bytes() long (ASan sees any byte
    // past it); one byte short is refused.
    std::vector<unsigned char> buffer(need + 1);
    DynamicModel b;
    EDGERNN_FUZZ_CHECK(b.load(p, n, nullptr, buffer.data() + 1, need - 1) ==
                       status::buffer_too_small);
    EDGERNN_FUZZ_CHECK(b.load(p, n, nullptr, buffer.data() + 1, need) == status::ok);
    const std::vector<float> x = input_sequence(b.in_size());
    std::vector<float> y(steps * b.out_size());
    b.run(x.data(), y.data(), steps);
    EDGERNN_FUZZ_CHECK(same_bits(y, dynamic_out));
  }

  // The io reader: refuses exactly what parse() refuses (with io::error); what it accepts
  // survives encode → decode unchanged.
  io::model_desc d;
  bool decoded = true;
  try {
    d = io::decode_model(p, n, "fuzz.ern");
  } catch (const io::error&) {
    decoded = false;
  }
  EDGERNN_FUZZ_CHECK(decoded == (parsed == status::ok));
  if (decoded) {
    const std::vector<unsigned char> again = io::encode_model(d);
    EDGERNN_FUZZ_CHECK(
        fuzz::same_model(io::decode_model(again.data(), again.size(), "again.ern"), d));
  }

  check_static<stack_model>(p, n, parsed, v, decoded ? &d : nullptr);
  check_static<mixed_model>(p, n, parsed, v, decoded ? &d : nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_file(data, size);
  // Offsets of file_bytes (u64) and the header size the CRC needs; see format.hpp.
  constexpr std::size_t file_bytes_at = 32, min_size = 64 + 4;
  if (size < min_size) return 0;
  std::vector<unsigned char> fixed(data, data + size);
  for (int i = 0; i < 8; ++i)
    fixed[file_bytes_at + i] = static_cast<unsigned char>(std::uint64_t{size} >> (8 * i));
  const std::uint32_t crc = format::crc32(fixed.data(), size - 4);
  for (int i = 0; i < 4; ++i)
    fixed[size - 4 + i] = static_cast<unsigned char>(crc >> (8 * i));
  if (std::memcmp(fixed.data(), data, size) != 0) check_file(fixed.data(), size);
  return 0;
}
