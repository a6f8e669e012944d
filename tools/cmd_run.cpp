// `edgernn run`: feed CSV rows through a model one step at a time, from zero state.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "cli_util.hpp"
#include "commands.hpp"
#include "edgernn/dynamic_model.hpp"
#include "io/files.hpp"
#include "io/model_file.hpp"

namespace edgernn::cli {

namespace {

// Reads lines of any length from a FILE, keeping one buffer: memory stays constant however
// many rows stream through.
class line_reader {
 public:
  explicit line_reader(std::FILE* f) : f_(f) {}
  bool next(std::string& line) {
    line.clear();
    int c;
    bool any = false;
    while ((c = std::fgetc(f_)) != EOF) {
      any = true;
      if (c == '\n') break;
      line.push_back(static_cast<char>(c));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return any;
  }

 private:
  std::FILE* f_;
};

// Parses exactly `n` comma-separated finite numbers; throws io::error naming the place.
void parse_row(const std::string& line, std::size_t n, float* out, const std::string& where) {
  if (line.empty())
    throw io::error(where + ": empty line (expected " + io::count(n, "number") + ")");
  const char* p = line.c_str();
  std::size_t col = 0;
  while (true) {
    while (*p == ' ' || *p == '\t')
      ++p;
    char* end = nullptr;
    errno = 0;
    const float v = std::strtof(p, &end);
    if (end == p) {
      const char* stop = std::strchr(p, ',');
      const std::string cell(p, stop ? static_cast<std::size_t>(stop - p) : std::strlen(p));
      throw io::error(where + ": column " + std::to_string(col + 1) +
                      ": expected a number, found \"" + cell + "\"");
    }
    if (!std::isfinite(v) || errno == ERANGE) {
      throw io::error(where + ": column " + std::to_string(col + 1) +
                      ": expected a finite number, found \"" +
                      std::string(p, static_cast<std::size_t>(end - p)) + "\"");
    }
    if (col < n) out[col] = v;
    ++col;
    p = end;
    while (*p == ' ' || *p == '\t')
      ++p;
    if (*p == '\0') break;
    if (*p != ',') {
      throw io::error(where + ": column " + std::to_string(col) + ": unexpected \"" +
                      std::string(p) + "\" after the number");
    }
    ++p;
  }
  if (col != n) {
    throw io::error(where + ": expected " + io::count(n, "column") + ", found " +
                    std::to_string(col));
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  struct options {
    std::string model, input = "-", output = "-", activations = "precise";
    bool header = false;
  };
  auto opt = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a model over a CSV sequence: each row (one step, as many numbers as the model has "
      "inputs) is fed in order from zero state; each output row has as many numbers as the "
      "model has outputs (9 significant digits). Streams in constant memory.");
  cmd->add_option("model", opt->model, "model file (.ern, or a JSON model)")->required();
  cmd->add_option("-i,--input", opt->input, "input CSV (default or -: standard input)");
  cmd->add_option("-o,--output", opt->output,
                  "output CSV (default or -: standard output); written only if every row runs");
  cmd->add_flag("--header", opt->header, "skip the input's first line (a header row)");
  CLI::Option* activations = add_activations_option(
      *cmd, opt->activations, "as a header exported with --activations fast runs them");
  cmd->callback([opt, activations] {
    // The model through the same validating loader a device uses.
    std::vector<unsigned char> bytes = io::read_file(opt->model);
    if (bytes.size() < 4 || bytes[0] != format::magic[0]) {
      bytes = io::encode_model(read_any_model(opt->model));
    }
    DynamicModel model;
    format::load_error err;
    load_options lo;
    lo.fast_activations = fast_activations(opt->activations);
    const status s = model.load(bytes.data(), bytes.size(), lo, &err);
    if (s != status::ok) throw io::error(io::describe(s, err, opt->model));
    bool half = false;
    for (std::size_t i = 0; i < model.layer_count(); ++i)
      half = half || model.layer(i).half;
    refuse_precise_for_f16(*activations, opt->activations, half, opt->model + ": ",
                           "drop --activations, or convert the model --weights f32");
    bytes.clear();
    bytes.shrink_to_fit();

    const bool from_stdin = opt->input == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(opt->input.c_str(), "rb");
    if (in == nullptr) {
      throw io::error(opt->input + ": cannot open for reading (" + std::strerror(errno) + ")");
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(from_stdin ? nullptr : in, std::fclose);
    std::optional<io::atomic_file> file;
    if (opt->output != "-") file.emplace(opt->output);
    std::FILE* out = file ? file->get() : stdout;

    const std::string name = from_stdin ? "<stdin>" : opt->input;
    std::vector<float> x(model.in_size()), y(model.out_size());
    line_reader lines(in);
    std::string line;
    std::size_t line_no = 0, rows = 0;
    char buf[32];
    while (lines.next(line)) {
      ++line_no;
      if (line_no == 1 && opt->header) continue;
      parse_row(line, x.size(), x.data(), name + ":" + std::to_string(line_no));
      model.step(x.data(), y.data());
      for (std::size_t j = 0; j < y.size(); ++j) {
        const int len = std::snprintf(buf, sizeof buf, j + 1 < y.size() ? "%.9g," : "%.9g\n",
                                      static_cast<double>(y[j]));
        std::fwrite(buf, 1, static_cast<std::size_t>(len), out);
      }
      ++rows;
    }
    if (std::ferror(in)) throw io::error(name + ": read error");
    if (rows == 0)
      throw io::error(name + ": no rows (expected " + io::count(x.size(), "number") + " per line)");
    if (file)
      file->commit();
    else if (std::fflush(stdout) != 0)
      throw io::error("<stdout>: write failed");
  });
}

}  // namespace edgernn::cli
