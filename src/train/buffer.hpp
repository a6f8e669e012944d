// edgernn trainer: aligned, zero-initialised arrays and the padding every row uses.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace edgernn::train {

/// Every row of activations, gates and weight columns is padded to a multiple of this many
/// elements (one AVX-512 register of floats), so kernels never handle a tail and every row
/// starts on a 64-byte boundary. Padded entries are kept at exactly zero.
inline constexpr std::size_t row_pad = 16;

/// n rounded up to the row padding.
constexpr std::size_t padded(std::size_t n) noexcept {
  return (n + row_pad - 1) / row_pad * row_pad;
}

/// A heap array of T, 64-byte aligned, zero-filled on allocation; movable, not copyable.
template <class T>
class buffer {
 public:
  buffer() noexcept = default;
  explicit buffer(std::size_t n) { resize(n); }
  buffer(const buffer&) = delete;
  buffer& operator=(const buffer&) = delete;
  buffer(buffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  buffer& operator=(buffer&& o) noexcept {
    if (this != &o) {
      std::free(p_);
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  ~buffer() { std::free(p_); }

  /// Reallocates to n zeroed elements (contents are not kept).
  void resize(std::size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = 0;
    if (n == 0) return;
    const std::size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
    p_ = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (p_ == nullptr) throw std::bad_alloc();
    std::memset(static_cast<void*>(p_), 0, bytes);
    n_ = n;
  }
  /// Sets every element to zero.
  void zero() noexcept {
    if (n_) std::memset(static_cast<void*>(p_), 0, n_ * sizeof(T));
  }

  T* data() noexcept { return p_; }
  const T* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }
  T& operator[](std::size_t i) noexcept { return p_[i]; }
  const T& operator[](std::size_t i) const noexcept { return p_[i]; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace edgernn::train
