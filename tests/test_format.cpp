// The model file: writer → validating loaders (Model::load, DynamicModel::load), and every way
// a file can be wrong getting its own status, with the layer and field named.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "edgernn/dynamic_model.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "support/csv.hpp"
#include "support/harness.hpp"

namespace {

using namespace edgernn;
using act = activation;
using bytes_t = std::vector<unsigned char>;

// Bit-for-bit equality; memcmp is not called on an empty vector (whose data() may be null).
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

const std::string golden = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/";

using stack = Model<Lstm<1, 16>, Gru<16, 8>, Dense<8, 1>>;

bytes_t stack_file() {
  return io::encode_model(io::read_keras_json(golden + "stack_lstm16_gru8_d1/model.json"));
}

// Rewrites the CRC after an edit, so the edit itself (not the checksum) is what gets caught.
void fix_crc(bytes_t& b) {
  const std::uint32_t c = format::crc32(b.data(), b.size() - 4);
  for (int i = 0; i < 4; ++i)
    b[b.size() - 4 + i] = static_cast<unsigned char>(c >> (8 * i));
}
void put32(bytes_t& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}
void put64(bytes_t& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}
constexpr std::size_t table = 64;  // first layer record
constexpr std::size_t record = 32;

status load_static(const bytes_t& b, format::load_error* e = nullptr) {
  static stack m;
  return m.load(b.data(), b.size(), e);
}

}  // namespace

TEST_CASE("every golden case: JSON -> model file -> Model::load and DynamicModel::load") {
  for (const char* name :
       {"lstm_h32_i1_d2", "gru_h8_i8", "stack_lstm16_gru8_d1", "srnn_relu_h8_i1"}) {
    CAPTURE(name);
    const std::string dir = golden + name + "/";
    const bytes_t file = io::encode_model(io::read_keras_json(dir + "model.json"));
    DynamicModel dyn;
    REQUIRE(dyn.load(file.data(), file.size()) == status::ok);
    const auto input = test::read_csv(dir + "input.csv");
    const auto expected = test::read_csv(dir + "expected.csv");
    std::vector<float> x(dyn.in_size()), y(dyn.out_size());
    for (std::size_t t = 0; t < input.size(); ++t) {
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(input[t][i]);
      dyn.step(x.data(), y.data());
      for (std::size_t j = 0; j < y.size(); ++j) {
        REQUIRE(std::fabs(y[j] - expected[t][j]) <= 1e-5 + 1e-4 * std::fabs(expected[t][j]));
      }
    }
  }
  // The static loader on a stack, bit for bit against the same weights set from JSON.
  const auto d = io::read_keras_json(golden + "stack_lstm16_gru8_d1/model.json");
  auto from_file = std::make_unique<stack>();
  auto from_json = std::make_unique<stack>();
  const bytes_t file = io::encode_model(d);
  REQUIRE(from_file->load(file.data(), file.size()) == status::ok);
  REQUIRE(test::set_model(*from_json, d) == status::ok);
  for (int t = 0; t < 100; ++t) {
    const float x = 0.05f * static_cast<float>(t % 13);
    float a, b;
    from_file->step(&x, &a);
    from_json->step(&x, &b);
    REQUIRE(std::memcmp(&a, &b, sizeof a) == 0);
  }
}

TEST_CASE("loading reads unaligned, read-only bytes") {
  const bytes_t file = stack_file();
  std::vector<unsigned char> shifted(file.size() + 3);
  std::memcpy(shifted.data() + 3, file.data(), file.size());
  static stack m;
  CHECK(m.load(shifted.data() + 3, file.size()) == status::ok);
}

TEST_CASE("a model file round-trips through the reader, every weight bit kept") {
  auto d = io::read_keras_json(golden + "gru_h17_i1/model.json");
  d.norm.in_scale = {2.5f};
  d.norm.in_offset = {-1.0f};
  d.norm.out_scale = {0.125f};
  d.norm.out_offset = {3.0f};
  const bytes_t file = io::encode_model(d);
  const io::model_desc back = io::decode_model(file.data(), file.size(), "mem");
  REQUIRE(back.layers.size() == d.layers.size());
  for (std::size_t i = 0; i < d.layers.size(); ++i) {
    const auto& a = d.layers[i];
    const auto& b = back.layers[i];
    CHECK(a.kind == b.kind);
    CHECK(a.act == b.act);
    CHECK(a.reset_after == b.reset_after);
    CHECK(same_bits(a.kernel, b.kernel));
    CHECK(same_bits(a.recurrent, b.recurrent));
    CHECK(same_bits(a.bias, b.bias));
  }
  CHECK(back.norm.in_scale == d.norm.in_scale);
  CHECK(back.norm.out_offset == d.norm.out_offset);
  CHECK(io::encode_model(back) == file);  // deterministic bytes
}

TEST_CASE("io scaling from the file: the model takes and returns raw units") {
  auto d = io::read_keras_json(golden + "srnn_relu_h8_i1/model.json");
  DynamicModel plain;
  bytes_t file = io::encode_model(d);
  REQUIRE(plain.load(file.data(), file.size()) == status::ok);
  d.norm.in_scale = {0.5f};
  d.norm.in_offset = {0.25f};
  d.norm.out_scale = {4.0f};
  d.norm.out_offset = {-2.0f};
  file = io::encode_model(d);
  DynamicModel dyn;
  REQUIRE(dyn.load(file.data(), file.size()) == status::ok);
  static Model<SimpleRnn<1, 8, act::relu>, Dense<8, 1>> fixed;
  REQUIRE(fixed.load(file.data(), file.size()) == status::ok);
  for (int t = 0; t < 30; ++t) {
    // One-element arrays rather than scalars: the dynamic model's input loop has a runtime
    // bound, and GCC 12 flags reading a lone scalar through it as maybe-uninitialized.
    const float raw[1] = {0.3f * static_cast<float>(t % 11) - 1.0f};
    const float net[1] = {raw[0] * 0.5f + 0.25f};
    float p[1] = {}, q[1] = {}, r[1] = {};
    plain.step(net, p);
    dyn.step(raw, q);
    fixed.step(raw, r);
    CHECK(q[0] == doctest::Approx(p[0] * 4.0f - 2.0f).epsilon(1e-6));
    CHECK(r[0] == q[0]);
  }
}

TEST_CASE("every truncation is refused, never read past the end") {
  const bytes_t file = stack_file();
  for (std::size_t n = 0; n < file.size(); ++n) {
    CAPTURE(n);
    // A copy of exactly n bytes: AddressSanitizer flags any read past it.
    std::unique_ptr<unsigned char[]> cut(new unsigned char[n + 1]);
    std::memcpy(cut.get(), file.data(), n);
    DynamicModel d;
    const status s = d.load(n ? cut.get() : nullptr, n);
    CHECK((s == status::truncated || s == status::bad_magic));
  }
}

TEST_CASE("every flipped bit is caught") {
  const bytes_t file = stack_file();
  std::size_t caught = 0;
  // Every bit of the header and layer table, then a stride through the weights and the CRC.
  for (std::size_t bit = 0; bit < file.size() * 8; bit += bit < 8 * 192 ? 1 : 61) {
    bytes_t b = file;
    b[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
    DynamicModel d;
    const status s = d.load(b.data(), b.size());
    CAPTURE(bit);
    CHECK(s != status::ok);
    caught += s != status::ok;
  }
  CHECK(caught > 1500);
}

TEST_CASE("each kind of bad file gets its own status, layer and field") {
  format::load_error e;
  bytes_t b = stack_file();
  REQUIRE(load_static(b) == status::ok);

  b[1] = 'X';
  CHECK(load_static(b, &e) == status::bad_magic);

  b = stack_file();
  b[8] = 2;  // major version 2
  fix_crc(b);
  CHECK(load_static(b, &e) == status::unsupported_version);
  CHECK(e.expected == 1);
  CHECK(e.found == 2);

  b = stack_file();
  b[b.size() - 1] ^= 0x40;
  CHECK(load_static(b, &e) == status::checksum_mismatch);

  b = stack_file();
  put32(b, 16, 1u << 5);  // an unknown required flag
  fix_crc(b);
  CHECK(load_static(b, &e) == status::unsupported_version);
  b = stack_file();
  put32(b, 16, 1u << 20);  // an unknown optional flag is ignored
  fix_crc(b);
  CHECK(load_static(b, &e) == status::ok);

  b = stack_file();
  b.insert(b.end() - 4, 16, 0);  // trailing bytes the header does not account for
  put64(b, 32, b.size());
  fix_crc(b);
  CHECK(load_static(b, &e) != status::ok);

  // A static model with different layers: type, size, activation, count, each named.
  b = stack_file();
  {
    static Model<Lstm<1, 16>, Lstm<16, 8>, Dense<8, 1>> other;
    CHECK(other.load(b.data(), b.size(), &e) == status::layer_type_mismatch);
    CHECK(e.has_layer);
    CHECK(e.layer == 1);
  }
  {
    static Model<Lstm<1, 16>, Gru<16, 9>, Dense<9, 1>> other;
    CHECK(other.load(b.data(), b.size(), &e) == status::layer_size_mismatch);
    CHECK(e.layer == 1);
    CHECK(std::string(e.field) == "units");
    CHECK(e.expected == 9);
    CHECK(e.found == 8);
  }
  {
    static Model<Lstm<1, 16>, Gru<16, 8, false>, Dense<8, 1>> other;
    CHECK(other.load(b.data(), b.size(), &e) == status::activation_mismatch);
    CHECK(e.layer == 1);
  }
  {
    static Model<Lstm<1, 16>, Gru<16, 8>, Dense<8, 1, act::tanh>> other;
    CHECK(other.load(b.data(), b.size(), &e) == status::activation_mismatch);
    CHECK(e.layer == 2);
  }
  {
    static Model<Lstm<1, 16>, Gru<16, 8>> other;
    CHECK(other.load(b.data(), b.size(), &e) == status::layer_count_mismatch);
    CHECK(e.expected == 2);
    CHECK(e.found == 3);
  }

  // A NaN and an infinity among the weights, CRC valid: refused, layer and index named.
  b = stack_file();
  const std::size_t w1 =
      static_cast<std::size_t>(b[table + record + 16] | (b[table + record + 17] << 8));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&b[w1 + 4 * 5], &nan, 4);
  fix_crc(b);
  CHECK(load_static(b, &e) == status::non_finite_weight);
  CHECK(e.layer == 1);
  CHECK(e.expected == 5);
  const float inf = std::numeric_limits<float>::infinity();
  std::memcpy(&b[w1 + 4 * 5], &inf, 4);
  fix_crc(b);
  CHECK(load_static(b, &e) == status::non_finite_weight);

  // Sizes that would overflow: refused before anything is multiplied out.
  b = stack_file();
  put32(b, table + 8, 0xFFFFFFFFu);  // layer 0 units
  fix_crc(b);
  CHECK(load_static(b, &e) == status::size_overflow);
  CHECK(e.layer == 0);
  b = stack_file();
  put32(b, 20, 1000);  // layer count
  fix_crc(b);
  CHECK(load_static(b, &e) == status::bad_header);
  b = stack_file();
  put64(b, table + 24, 1ull << 62);  // weight count
  fix_crc(b);
  CHECK(load_static(b, &e) == status::bad_header);
  b = stack_file();
  put64(b, table + record + 16, 1ull << 62);  // weights offset
  fix_crc(b);
  CHECK(load_static(b, &e) == status::bad_header);
  b = stack_file();
  put32(b, table + record + 4, 15);  // layer 1 inputs do not chain from 16
  fix_crc(b);
  CHECK(load_static(b, &e) == status::layer_size_mismatch);
  CHECK(e.layer == 1);
  b = stack_file();
  b[table] = 9;  // an unknown layer type
  fix_crc(b);
  CHECK(load_static(b, &e) == status::unsupported_layer);
  b = stack_file();
  b[table + 1] = 1;  // relu on an LSTM
  fix_crc(b);
  CHECK(load_static(b, &e) == status::unsupported_layer);
}

TEST_CASE("a failed load leaves the model as it was") {
  static stack m;
  bytes_t good = stack_file();
  REQUIRE(m.load(good.data(), good.size()) == status::ok);
  float before, after;
  const float x = 0.5f;
  m.step(&x, &before);
  bytes_t bad = good;
  const std::size_t w2 =
      static_cast<std::size_t>(bad[table + 2 * record + 16] | (bad[table + 2 * record + 17] << 8));
  bad[w2] ^= 0x01;  // a weight of the last layer, CRC left stale
  REQUIRE(m.load(bad.data(), bad.size()) == status::checksum_mismatch);
  m.reset();
  m.step(&x, &after);
  CHECK(before == after);
}

TEST_CASE("status strings are distinct and human-readable") {
  for (int a = 0; a <= static_cast<int>(status::not_loaded); ++a) {
    const char* sa = to_string(static_cast<status>(a));
    CHECK(std::strlen(sa) > 1);
    for (int b = a + 1; b <= static_cast<int>(status::not_loaded); ++b) {
      CHECK(std::strcmp(sa, to_string(static_cast<status>(b))) != 0);
    }
  }
}
