// The firmware's console: one line at a time, built in a fixed buffer and written through
// semihosting when the line object goes out of scope. Numbers are formatted here rather than
// with printf: newlib's float formatting allocates, and this firmware has no heap.
#pragma once

#include <cstddef>
#include <type_traits>

namespace console {

/// `console::line() << "step " << t << ',' << console::fixed{y, 9};` prints one line.
class line {
 public:
  line() noexcept = default;
  line(const line&) = delete;
  line& operator=(const line&) = delete;
  ~line();

  line& operator<<(const char* text) noexcept;
  line& operator<<(char c) noexcept;
  template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
  line& operator<<(T v) noexcept {
    if constexpr (std::is_signed_v<T>) {
      if (v < 0) {
        *this << '-';
        return unsigned_integer(0ull - static_cast<unsigned long long>(v));
      }
    }
    return unsigned_integer(static_cast<unsigned long long>(v));
  }

  /// Appends `v` with `places` decimals (at most 15), rounded to nearest from its exact binary
  /// value; q15 samples (k / 32768) print exactly with 15 places.
  line& decimal(float v, unsigned places) noexcept;

 private:
  line& unsigned_integer(unsigned long long v) noexcept;

  static constexpr std::size_t capacity = 120;
  char text_[capacity + 2];  // + newline + NUL
  std::size_t n_ = 0;
};

/// A float with a number of decimals, for `line << fixed{v, places}` (see line::decimal).
struct fixed {
  float value;
  unsigned places;
};
inline line& operator<<(line& l, fixed f) noexcept {
  return l.decimal(f.value, f.places);
}
inline line& operator<<(line&& l, fixed f) noexcept {
  return l.decimal(f.value, f.places);
}

}  // namespace console
