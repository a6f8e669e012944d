#include "files.hpp"

#include <unistd.h>
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

atomic_file::atomic_file(std::string path) : path_(std::move(path)) {
  tmp_ = path_ + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp_.data());
  if (fd < 0) {
    throw error(path_ + ": cannot create a temporary file beside it (" + std::strerror(errno) +
                ")");
  }
  f_ = fdopen(fd, "wb");
  if (f_ == nullptr) {
    close(fd);
    std::remove(tmp_.c_str());
    throw error(path_ + ": cannot open for writing");
  }
}

atomic_file::~atomic_file() {
  if (f_ != nullptr) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

void atomic_file::commit() {
  const bool ok = std::fflush(f_) == 0 && !std::ferror(f_) && fsync(fileno(f_)) == 0;
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || !closed) {
    std::remove(tmp_.c_str());
    throw error(path_ + ": write failed (disk full?)");
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
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
