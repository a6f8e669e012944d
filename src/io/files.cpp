#include "files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "model_desc.hpp"

namespace edgernn::io {

std::vector<unsigned char> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw error(path + ": cannot open for reading (" + std::strerror(errno) + ")");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)),
                                   std::istreambuf_iterator<char>());
  if (f.bad()) throw error(path + ": read error");
  return bytes;
}

namespace {

// A name for the temporary beside `path`: the process id and a counter. open(O_EXCL) refuses
// a name that exists (a stale temporary), and the next count is tried (mkstemp would do, but
// creates the file 0600, which the rename would carry over to the destination).
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

// The path a chain of symbolic links starting at `path` ends at (`path` itself if it is not a
// link), whether or not that file exists; relative links are taken from the link's directory.
std::string link_target(std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    std::string to(4096, '\0');
    const ssize_t n = readlink(path.c_str(), to.data(), to.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= to.size()) break;
    to.resize(static_cast<std::size_t>(n));
    const std::size_t slash = path.rfind('/');
    path = to.front() == '/' || slash == std::string::npos ? to : path.substr(0, slash + 1) + to;
  }
  return path;
}

}  // namespace

atomic_file::atomic_file(std::string path) : path_(std::move(path)) {
  struct stat st {};
  const bool exists = stat(path_.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, a pipe or a socket (/dev/null, /dev/stdout, a FIFO): written in place, since
    // a rename would replace it with a regular file.
    const int fd = open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) {
      throw error(path_ + ": cannot open for writing (" + std::strerror(errno) + ")");
    }
    open_stream(fd);
    return;
  }
  // Through a symbolic link, the file it names is written (replaced, or created where the
  // link dangles) and the link kept: the temporary goes beside that file.
  target_ = link_target(path_);
  // Mode 0666 through open() lets the kernel apply the umask (and a directory's default ACL),
  // as for any file a program creates; a file that exists keeps its own mode.
  int fd = -1;
  for (unsigned attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    tmp_ = temporary_name(target_);
    fd = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    tmp_.clear();
    throw error(path_ + ": cannot create a temporary file beside it (" + why + ")");
  }
  // Best effort: a file owned by another user may refuse it; the new file is still ours.
  if (exists) (void)fchmod(fd, st.st_mode & 07777);
  open_stream(fd);
}

void atomic_file::open_stream(int fd) {
  f_ = fdopen(fd, "wb");
  if (f_ == nullptr) {
    close(fd);
    if (!tmp_.empty()) std::remove(tmp_.c_str());
    throw error(path_ + ": cannot open for writing");
  }
}

atomic_file::~atomic_file() {
  if (f_ != nullptr) {
    std::fclose(f_);
    if (!tmp_.empty()) std::remove(tmp_.c_str());
  }
}

void atomic_file::commit() {
  const bool renamed = !tmp_.empty();
  // fsync only where there is a file to make durable (a pipe or a terminal refuses it).
  const bool ok = std::fflush(f_) == 0 && !std::ferror(f_) && (!renamed || fsync(fileno(f_)) == 0);
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || !closed) {
    if (renamed) std::remove(tmp_.c_str());
    throw error(path_ + ": write failed (disk full?)");
  }
  if (!renamed) return;
  if (std::rename(tmp_.c_str(), target_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp_.c_str());
    throw error(path_ + ": cannot rename the finished file into place (" + why + ")");
  }
}

void write_file_atomic(const std::string& path, const void* data, std::size_t size) {
  atomic_file f(path);
  if (size != 0 && std::fwrite(data, 1, size, f.get()) != size) {
    throw error(path + ": write failed (disk full?)");
  }
  f.commit();
}

}  // namespace edgernn::io
