#include "console.hpp"

#include <cstdint>

#include "semihosting.h"

namespace console {

line::~line() {
  text_[n_++] = '\n';
  text_[n_] = '\0';
  semihosting_write(text_);
}

line& line::operator<<(char c) noexcept {
  if (n_ < capacity) text_[n_++] = c;
  return *this;
}

line& line::operator<<(const char* text) noexcept {
  while (*text != '\0')
    *this << *text++;
  return *this;
}

line& line::unsigned_integer(unsigned long long v) noexcept {
  char digits[20];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0)
    *this << digits[--n];
  return *this;
}

line& line::decimal(float v, unsigned places) noexcept {
  if (v != v) return *this << "nan";
  if (v < 0.0f) {
    *this << '-';
    v = -v;
  }
  if (!(v < 4294967296.0f)) return *this << (v > 3.4e38f ? "inf" : "(out of range)");
  if (places > 15) places = 15;
  // v = whole + frac exactly, and frac as a 40-bit binary fraction f / 2^40, taken 20 bits at a
  // time so that only float -> 32-bit conversions run (one instruction each; a 64-bit one would
  // pull in software double arithmetic). Every step is exact but the last truncation, which
  // drops less than 2^-40: far below the 15th decimal place.
  std::uint32_t whole = static_cast<std::uint32_t>(v);
  const float frac = v - static_cast<float>(whole);
  constexpr int bits = 40;
  constexpr std::uint64_t one = std::uint64_t{1} << bits;
  const float scaled = frac * 1048576.0f;  // 2^20
  const auto high = static_cast<std::uint32_t>(scaled);
  const auto low = static_cast<std::uint32_t>((scaled - static_cast<float>(high)) * 1048576.0f);
  std::uint64_t f = (std::uint64_t{high} << 20) | low;
  char digits[15];
  for (unsigned i = 0; i < places; ++i) {
    f *= 10;
    digits[i] = static_cast<char>('0' + (f >> bits));
    f &= one - 1;
  }
  if (f >= one / 2) {  // round the last place up, carrying into the whole part
    unsigned i = places;
    while (i > 0 && digits[i - 1] == '9')
      digits[--i] = '0';
    if (i > 0) {
      ++digits[i - 1];
    } else {
      ++whole;
    }
  }
  *this << whole;
  if (places > 0) *this << '.';
  for (unsigned i = 0; i < places; ++i)
    *this << digits[i];
  return *this;
}

}  // namespace console
