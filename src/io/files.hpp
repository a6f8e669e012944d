// edgernn io: whole-file reads and all-or-nothing writes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace edgernn::io {

/// The bytes of a file; throws io::error naming it if it cannot be read.
std::vector<unsigned char> read_file(const std::string& path);

/// Writes a file all or nothing: into a temporary file beside it, then renamed over `path`,
/// so a failure (or a crash) never leaves a partial file. A new file gets 0666 less the umask;
/// a file that exists keeps its mode, and a symbolic link stays a link (the file it names is
/// replaced, or created). A destination that is not a regular file (/dev/null, /dev/stdout, a
/// FIFO) is written in place. Throws io::error.
void write_file_atomic(const std::string& path, const void* data, std::size_t size);
inline void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

/// A file being written through a temporary beside it: commit() renames it into place; if
/// commit() is never reached (an exception, an early return) the temporary is removed.
class atomic_file {
 public:
  explicit atomic_file(std::string path);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;
  std::FILE* get() const noexcept { return f_; }
  /// Flushes, closes and renames over the destination. Throws io::error.
  void commit();

 private:
  void open_stream(int fd);

  std::string path_;    // as given, for messages
  std::string target_;  // the file the rename replaces (path_, or what its link names)
  std::string tmp_;     // the temporary; empty where the destination is written in place
  std::FILE* f_ = nullptr;
};

}  // namespace edgernn::io
