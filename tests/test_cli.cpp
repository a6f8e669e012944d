// The `edgernn` command end to end: golden cases through convert + run, the JSON round trip,
// and bad input of every kind — one line on stderr naming the file and field, a non-zero
// exit, and no output file.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "edgernn/edgernn.hpp"
#include "io/files.hpp"
#include "io/keras_json.hpp"
#include "io/model_file.hpp"
#include "support/csv.hpp"

namespace {

const std::string tool = EDGERNN_CLI_PATH;
const std::string golden = std::string(EDGERNN_TEST_DATA_DIR) + "/golden/";
// ctest runs test cases in parallel processes: each gets its own directory.
const std::string scratch = [] {
  const std::string dir = std::string(EDGERNN_TEST_SCRATCH_DIR) + "/" + std::to_string(getpid());
  ::mkdir(EDGERNN_TEST_SCRATCH_DIR, 0755);
  ::mkdir(dir.c_str(), 0755);
  return dir;
}();

struct result {
  int code = -1;
  std::string err;  // stderr
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Runs `edgernn <args>` through the shell; stdout goes where args say, stderr is captured.
result cli(const std::string& args) {
  const std::string err = scratch + "/stderr.txt";
  const std::string cmd = "'" + tool + "' " + args + " 2> '" + err + "'";
  const int rc = std::system(cmd.c_str());
  result r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.err = slurp(err);
  return r;
}

std::string path(const std::string& name) {
  return scratch + "/" + name;
}

void write(const std::string& name, const std::string& text) {
  std::ofstream(path(name), std::ios::binary) << text;
}

// One line, naming `file` and containing `field`.
void check_one_line_error(const result& r, const std::string& file, const std::string& field) {
  CAPTURE(r.err);
  CHECK(r.code != 0);
  CHECK(r.err.find(file) != std::string::npos);
  CHECK(r.err.find(field) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("golden cases through `edgernn convert` and `edgernn run`") {
  for (const char* name :
       {"srnn_tanh_h17_i1_sine", "srnn_relu_h8_i1", "lstm_h3_i3", "lstm_h32_i1_d2",
        "lstm_h64_i1_t5000", "gru_h8_i8", "gru_h17_i1", "stack_lstm16_gru8_d1"}) {
    CAPTURE(name);
    const std::string dir = golden + name + "/";
    const std::string ern = path(std::string(name) + ".ern");
    const std::string out = path(std::string(name) + ".out.csv");
    REQUIRE(cli("convert '" + dir + "model.json' -o '" + ern + "'").code == 0);
    REQUIRE(cli("run '" + ern + "' --input '" + dir + "input.csv' --output '" + out + "'").code ==
            0);
    const auto got = edgernn::test::read_csv(out);
    const auto want = edgernn::test::read_csv(dir + "expected.csv");
    REQUIRE(got.size() == want.size());
    for (std::size_t t = 0; t < got.size(); ++t) {
      REQUIRE(got[t].size() == want[t].size());
      for (std::size_t j = 0; j < got[t].size(); ++j) {
        REQUIRE(std::fabs(got[t][j] - want[t][j]) <= 1e-5 + 1e-4 * std::fabs(want[t][j]));
      }
    }
  }
}

TEST_CASE("`edgernn run --activations fast`: the cheaper rational, within its bound") {
  const std::string name = "stack_lstm16_gru8_d1", dir = golden + name + "/";
  const std::string ern = path("fast.ern");
  REQUIRE(cli("convert '" + dir + "model.json' -o '" + ern + "'").code == 0);
  const auto run = [&](const std::string& flags, const std::string& out) {
    REQUIRE(cli("run '" + ern + "' " + flags + " -i '" + dir + "input.csv' -o '" + path(out) + "'")
                .code == 0);
    return edgernn::test::read_csv(path(out));
  };
  const auto fast = run("--activations fast", "fast.out.csv");
  const auto precise = run("--activations precise", "precise.out.csv");
  CHECK(precise == run("", "default.out.csv"));  // precise is the default
  const auto want = edgernn::test::read_csv(dir + "expected.csv");
  REQUIRE(fast.size() == want.size());
  double from_precise = 0;
  for (std::size_t t = 0; t < fast.size(); ++t) {
    REQUIRE(fast[t].size() == want[t].size());
    for (std::size_t j = 0; j < fast[t].size(); ++j) {
      // The bound of tests/test_fast_activations.cpp.
      REQUIRE(std::fabs(fast[t][j] - want[t][j]) <= 5e-5 + 5e-5 * std::fabs(want[t][j]));
      from_precise = std::max(from_precise, std::fabs(fast[t][j] - precise[t][j]));
    }
  }
  CHECK(from_precise > 1e-6);  // the fast rational ran
  // Binary16 layers have only the fast activations: asking for the precise ones is an error.
  const std::string half = path("fast_f16.ern");
  REQUIRE(cli("convert '" + ern + "' --weights f16 -o '" + half + "'").code == 0);
  check_one_line_error(cli("run '" + half + "' --activations precise -i '" + dir + "input.csv'"),
                       "fast_f16.ern", "f16 layers always use the fast activations");
  CHECK(cli("run '" + half + "' -i '" + dir + "input.csv' -o '" + path("f16.out.csv") + "'").code ==
        0);
  check_one_line_error(cli("run '" + ern + "' --activations quick -i '" + dir + "input.csv'"),
                       "--activations", "quick");
}

TEST_CASE("JSON -> model file -> JSON keeps every weight bit") {
  for (const char* name : {"gru_h8_i8", "stack_lstm16_gru8_d1", "srnn_tanh_h17_i1_sine"}) {
    CAPTURE(name);
    const std::string src = golden + name + "/model.json";
    REQUIRE(cli("convert '" + src + "' -o '" + path("rt.ern") + "'").code == 0);
    REQUIRE(cli("convert '" + path("rt.ern") + "' -o '" + path("rt.json") + "'").code == 0);
    const auto a = edgernn::io::read_keras_json(src);
    const auto b = edgernn::io::read_keras_json(path("rt.json"));
    REQUIRE(a.layers.size() == b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
      CHECK(a.layers[i].kernel == b.layers[i].kernel);  // float ==: same values, same bits
      CHECK(a.layers[i].recurrent == b.layers[i].recurrent);
      CHECK(a.layers[i].bias == b.layers[i].bias);
    }
    // And the second trip writes the same bytes as the first.
    REQUIRE(cli("convert '" + path("rt.json") + "' -o '" + path("rt2.ern") + "'").code == 0);
    CHECK(slurp(path("rt.ern")) == slurp(path("rt2.ern")));
  }
}

TEST_CASE("RTNeural-style JSON: dense without bias, activation layers, time-distributed-dense") {
  write("rt.json", R"({"in_shape": [null, 2], "layers": [
    {"type": "time-distributed-dense", "activation": "", "shape": [null, 3],
     "weights": [[[0.5, -0.25, 1.0], [0.125, 2.0, -1.0]]]},
    {"type": "activation", "activation": "tanh", "shape": [null, 3], "weights": []},
    {"type": "gru", "activation": "tanh", "shape": [null, null, 1],
     "weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[0.1, -0.1, 0.2]],
                 [[0.0, 0.1, -0.1]]]}]})");
  REQUIRE(cli("convert '" + path("rt.json") + "' -o '" + path("rt.ern") + "'").code == 0);
  const auto m = edgernn::io::read_model_file(path("rt.ern"));
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].act == edgernn::activation::tanh);
  CHECK(m.layers[0].bias == std::vector<float>{0.0f, 0.0f, 0.0f});
  CHECK_FALSE(m.layers[1].reset_after);  // one bias row of 3H
  write("in.csv", "1,2\n0.5,-0.5\n");
  CHECK(cli("run '" + path("rt.ern") + "' -i '" + path("in.csv") + "' -o '" + path("o.csv") + "'")
            .code == 0);
  CHECK(edgernn::test::read_csv(path("o.csv")).size() == 2);
}

TEST_CASE("`edgernn info` and `export-header` describe the model") {
  const std::string ern = path("info.ern");
  REQUIRE(cli("convert '" + golden + "lstm_h32_i1_d2/model.json' -o '" + ern + "'").code == 0);
  REQUIRE(cli("info '" + ern + "' > '" + path("info.txt") + "'").code == 0);
  const std::string info = slurp(path("info.txt"));
  CHECK(info.find("4418") != std::string::npos);  // parameters: 4·32·(1 + 32 + 1) + 32·2 + 2
  CHECK(info.find("CRC-32") != std::string::npos);
  CHECK(info.find("lstm") != std::string::npos);
  CHECK(info.find("float32 weights") != std::string::npos);
  // The static model's bytes, as Model<...> counts them (run()'s buffers included), and the
  // kernels each layer runs.
  using edgernn::Model, edgernn::Lstm, edgernn::Dense, edgernn::f16, edgernn::activation;
  using f32_model = Model<Lstm<1, 32>, Dense<32, 2>>;
  using f16_model = Model<Lstm<1, 32, f16>, Dense<32, 2, activation::linear, f16>>;
  const auto memory = [](std::size_t weights, std::size_t state) {
    return "(weights " + std::to_string(weights) + " + state " + std::to_string(state) + " + ";
  };
  CHECK(info.find(memory(f32_model::weight_bytes, f32_model::state_bytes)) != std::string::npos);
  CHECK(info.find(edgernn::DynamicModel::kernels_for(
            {edgernn::layer_kind::lstm, activation::tanh, true, 1, 32})) != std::string::npos);
  // Binary16 weights: half the weight bytes, said so.
  REQUIRE(cli("convert '" + ern + "' -o '" + path("info16.ern") + "' --weights f16").code == 0);
  REQUIRE(cli("info '" + path("info16.ern") + "' > '" + path("info16.txt") + "'").code == 0);
  const std::string info16 = slurp(path("info16.txt"));
  CHECK(info16.find("binary16 weights") != std::string::npos);
  CHECK(info16.find(memory(f16_model::weight_bytes, f16_model::state_bytes)) != std::string::npos);
  CHECK(f16_model::weight_bytes < f32_model::weight_bytes);
  REQUIRE(cli("export-header '" + ern + "' -o '" + path("lstm32.hpp") + "' --name lstm32").code ==
          0);
  const std::string h = slurp(path("lstm32.hpp"));
  CHECK(h.find("namespace lstm32") != std::string::npos);
  CHECK(h.find("edgernn::Lstm<1, 32>") != std::string::npos);
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --name 9lives"),
                       "--name", "identifier");
  // Names that are identifiers but cannot name the header's namespace.
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --name class"),
                       "--name", "keyword");
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --name std"),
                       "--name", "standard library");
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --name edgernn"),
                       "--name", "own namespace");
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --name a__b"),
                       "--name", "reserved");
  CHECK_FALSE(exists(path("x.hpp")));
  // Taken from the file name, such a name gets a suffix, and reserved underscores go.
  REQUIRE(cli("export-header '" + ern + "' -o '" + path("class.hpp") + "'").code == 0);
  CHECK(slurp(path("class.hpp")).find("namespace class_model {") != std::string::npos);
  REQUIRE(cli("export-header '" + ern + "' -o '" + path("__my--lstm.hpp") + "'").code == 0);
  CHECK(slurp(path("__my--lstm.hpp")).find("namespace my_lstm {") != std::string::npos);
  // The cheaper activations: float32 layers tagged fast_activations; f16 layers have them
  // already, so asking for precise ones with f16 weights is an error.
  REQUIRE(
      cli("export-header '" + ern + "' -o '" + path("fast.hpp") + "' --activations fast").code ==
      0);
  CHECK(slurp(path("fast.hpp")).find("edgernn::Lstm<1, 32, edgernn::fast_activations>") !=
        std::string::npos);
  check_one_line_error(cli("export-header '" + ern + "' -o '" + path("x.hpp") +
                           "' --weights f16 --activations precise"),
                       "--activations precise", "f16");
  CHECK(cli("export-header '" + ern + "' -o '" + path("x.hpp") + "' --activations sloppy").code !=
        0);
  CHECK_FALSE(exists(path("x.hpp")));
}

TEST_CASE("written files: the umask's mode or the old file's, links and FIFOs kept") {
  const mode_t mask = ::umask(022);  // the test's own umask, restored below
  const auto mode_of = [](const std::string& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
  };
  // New files: 0666 less the umask, not mkstemp's 0600 (which others could not read).
  const std::string model = path("mode.ern"), header = path("mode.hpp");
  REQUIRE(cli("convert '" + golden + "gru_h8_i8/model.json' -o '" + model + "'").code == 0);
  CHECK(mode_of(model) == 0644);
  REQUIRE(cli("export-header '" + model + "' -o '" + header + "'").code == 0);
  CHECK(mode_of(header) == 0644);
  write("in8.csv", "1,2,3,4,5,6,7,8\n");
  REQUIRE(
      cli("run '" + model + "' -i '" + path("in8.csv") + "' -o '" + path("mode.csv") + "'").code ==
      0);
  CHECK(mode_of(path("mode.csv")) == 0644);

  ::umask(027);
  edgernn::io::write_file_atomic(path("mode027.txt"), std::string("x"));
  CHECK(mode_of(path("mode027.txt")) == 0640);

  // An existing file keeps its mode when it is rewritten, whatever the umask.
  REQUIRE(::chmod(header.c_str(), 0664) == 0);
  REQUIRE(cli("export-header '" + model + "' -o '" + header + "'").code == 0);
  CHECK(mode_of(header) == 0664);
  REQUIRE(::chmod(model.c_str(), 0600) == 0);
  ::umask(0);
  edgernn::io::write_file_atomic(model, slurp(model));
  CHECK(mode_of(model) == 0600);
  ::umask(mask);

  // A symbolic link stays one: the file it names is replaced.
  REQUIRE(::symlink("mode.hpp", path("link.hpp").c_str()) == 0);
  REQUIRE(cli("export-header '" + model + "' -o '" + path("link.hpp") + "'").code == 0);
  struct stat ln {};
  REQUIRE(::lstat(path("link.hpp").c_str(), &ln) == 0);
  CHECK(S_ISLNK(ln.st_mode));
  CHECK(mode_of(header) == 0664);
  CHECK(slurp(header).find("namespace link") != std::string::npos);
  // A dangling one too: the file it names is created.
  REQUIRE(::symlink("sub/named.hpp", path("dangling.hpp").c_str()) == 0);
  REQUIRE(::mkdir(path("sub").c_str(), 0755) == 0);
  REQUIRE(cli("export-header '" + model + "' -o '" + path("dangling.hpp") + "'").code == 0);
  REQUIRE(::lstat(path("dangling.hpp").c_str(), &ln) == 0);
  CHECK(S_ISLNK(ln.st_mode));
  CHECK(slurp(path("sub/named.hpp")).find("namespace dangling") != std::string::npos);

  // Neither is a FIFO replaced (nor /dev/null, which a rename as root would): written in place.
  const std::string fifo = path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const std::string read_back = path("from_fifo.hpp");
  REQUIRE(std::system(("timeout 10 cat '" + fifo + "' > '" + read_back + "' & '" + tool +
                       "' export-header '" + model + "' -o '" + fifo +
                       "' 2> /dev/null; rc=$?; wait; exit $rc")
                          .c_str()) == 0);
  struct stat ff {};
  REQUIRE(::lstat(fifo.c_str(), &ff) == 0);
  CHECK(S_ISFIFO(ff.st_mode));
  CHECK(slurp(read_back).find("namespace fifo") != std::string::npos);

  // No temporary is left beside them.
  const std::string listing = path("listing.txt");
  REQUIRE(std::system(("ls -a '" + scratch + "' > '" + listing + "'").c_str()) == 0);
  CHECK(slurp(listing).find(".tmp-") == std::string::npos);
}

TEST_CASE("bad model files: one line naming file and field, non-zero exit, no output") {
  const std::string good = path("good.ern");
  REQUIRE(cli("convert '" + golden + "gru_h8_i8/model.json' -o '" + good + "'").code == 0);
  const std::string bytes = slurp(good);
  write("in8.csv", "1,2,3,4,5,6,7,8\n");

  write("trunc.ern", bytes.substr(0, bytes.size() / 2));
  check_one_line_error(cli("run '" + path("trunc.ern") + "' -i '" + path("in8.csv") + "' -o '" +
                           path("o1.csv") + "'"),
                       "trunc.ern", "truncated");
  CHECK_FALSE(exists(path("o1.csv")));

  std::string flipped = bytes;
  flipped[200] = static_cast<char>(flipped[200] ^ 0x10);
  write("flip.ern", flipped);
  check_one_line_error(cli("run '" + path("flip.ern") + "' -i '" + path("in8.csv") + "' -o '" +
                           path("o2.csv") + "'"),
                       "flip.ern", "checksum");
  CHECK_FALSE(exists(path("o2.csv")));

  std::string magic = bytes;
  magic[0] = 'X';
  write("magic.ern", magic);
  check_one_line_error(cli("info '" + path("magic.ern") + "'"), "magic.ern", "JSON");

  check_one_line_error(cli("info '" + path("missing.ern") + "'"), "missing.ern", "cannot open");
}

TEST_CASE("bad JSON models: missing keys, wrong shapes, unknown types and activations") {
  const std::string base =
      R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 2], "weights": [[[0.5, 1.0]], [0.0, 0.1]]}]})";
  struct bad {
    const char* name;
    std::string text;
    const char* field;
  } cases[] = {
      {"nojson", "{ not json", "not valid JSON"},
      {"nolayers", R"({"in_shape": [null, null, 1]})", "layers"},
      {"noinshape", R"({"layers": []})", "in_shape"},
      {"noweights",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 2]}]})",
       "weights"},
      {"shape",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 3], "weights": [[[0.5, 1.0]], [0.0, 0.1]]}]})",
       "weights[0][0]"},
      {"unknowntype",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "conv1d", "activation": "", "shape": [null, null, 2], "weights": []}]})",
       "conv1d"},
      {"unknownact",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "swish", "shape": [null, null, 2], "weights": [[[0.5, 1.0]], [0.0, 0.1]]}]})",
       "swish"},
      {"lstmact",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "lstm", "activation": "relu", "shape": [null, null, 1], "weights": [[[1,1,1,1]], [[1,1,1,1]], [0,0,0,0]]}]})",
       "relu"},
      {"text",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 2], "weights": [[["a", 1.0]], [0.0, 0.1]]}]})",
       "weights[0][0][0]"},
      {"huge",
       R"({"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 99999999999], "weights": []}]})",
       "too large"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const std::string file = std::string(c.name) + ".json";
    write(file, c.text);
    const std::string out = path(std::string(c.name) + ".ern");
    check_one_line_error(cli("convert '" + path(file) + "' -o '" + out + "'"), file, c.field);
    CHECK_FALSE(exists(out));
  }
  write("base.json", base);
  CHECK(cli("convert '" + path("base.json") + "' -o '" + path("base.ern") + "'").code == 0);
}

TEST_CASE("bad CSV input: column count, empty lines, text, NaN") {
  const std::string ern = path("csv.ern");
  REQUIRE(cli("convert '" + golden + "lstm_h3_i3/model.json' -o '" + ern + "'").code == 0);
  struct bad {
    const char* name;
    const char* text;
    const char* field;
  } cases[] = {
      {"cols", "1,2,3\n4,5\n", "csv_cols.csv:2"},
      {"empty", "1,2,3\n\n4,5,6\n", "empty line"},
      {"text", "1,2,3\n4,x,6\n", "column 2"},
      {"nan", "1,2,3\nnan,5,6\n", "finite"},
      {"extra", "1,2,3,4\n", "expected 3 columns, found 4"},
      {"none", "", "no rows"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const std::string file = std::string("csv_") + c.name + ".csv";
    write(file, c.text);
    const std::string out = path(std::string("csv_") + c.name + ".out");
    check_one_line_error(cli("run '" + ern + "' -i '" + path(file) + "' -o '" + out + "'"), file,
                         c.field);
    CHECK_FALSE(exists(out));
  }
  // One input: the count reads "1 column", "1 number".
  const std::string one = path("csv_one.ern");
  REQUIRE(cli("convert '" + golden + "srnn_relu_h8_i1/model.json' -o '" + one + "'").code == 0);
  write("csv_one.csv", "0.5\n1,2\n");
  check_one_line_error(cli("run '" + one + "' -i '" + path("csv_one.csv") + "'"), "csv_one.csv",
                       "csv_one.csv:2: expected 1 column, found 2");
  write("csv_one_empty.csv", "0.5\n\n");
  check_one_line_error(cli("run '" + one + "' -i '" + path("csv_one_empty.csv") + "'"),
                       "csv_one_empty.csv", "empty line (expected 1 number)");
}

// Runs `sh -c cmd`; returns its exit status and the peak resident set (KiB) of the largest
// process of the pipeline (wait4 reports the child's and its waited-for descendants' maximum).
struct peak_run {
  int status;
  long max_rss_kib;
};
peak_run run_measured(const std::string& cmd) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  REQUIRE(wait4(pid, &status, 0, &ru) == pid);
  return {status, ru.ru_maxrss};
}

TEST_CASE("`edgernn run` streams a million rows in constant memory, stdin to stdout") {
  const std::string ern = path("stream.ern");
  REQUIRE(cli("convert '" + golden + "srnn_relu_h8_i1/model.json' -o '" + ern + "'").code == 0);
  // awk makes the rows; the output only gets counted: nothing is held in memory by the test.
  const auto stream = [&](long rows) {
    const std::string cmd = "awk 'BEGIN { for (i = 0; i < " + std::to_string(rows) +
                            "; i++) printf \"%.6f\\n\", sin(i * 0.01) }' | '" + tool + "' run '" +
                            ern + "' | wc -l > '" + path("count.txt") + "'";
    const peak_run r = run_measured(cmd);
    REQUIRE(WIFEXITED(r.status));
    REQUIRE(WEXITSTATUS(r.status) == 0);
    CHECK(std::stol(slurp(path("count.txt"))) == rows);
    return r.max_rss_kib;
  };
  const long small = stream(1000);
  const long large = stream(1000000);
  MESSAGE("peak RSS: " << small << " KiB for 10^3 rows, " << large << " KiB for 10^6 rows");
  // Holding the outputs would take at least 4 MB (one float per row); streaming takes nothing
  // that grows with the row count. 1 MiB of slack covers allocator and page-cache noise.
  CHECK(large - small < 1024);
}
