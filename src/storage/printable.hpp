// Object names in messages: control characters as %XX, so that a message stays one line.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <string>
#include <string_view>

namespace sdgen::detail {

inline void append_printable(std::string& to, std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      to += '%';
      to += kHex[byte >> 4];
      to += kHex[byte & 15];
    } else {
      to += c;
    }
  }
}

}  // namespace sdgen::detail
