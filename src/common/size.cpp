#include "sdgen/size.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "sdgen/error.hpp"

namespace sdgen {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits "1.5GiB" into 1.5 and "gib"; throws on a malformed number.
double split_number(std::string_view text, std::string_view what, std::string& suffix) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  const std::string number(text.substr(0, i));
  suffix = lower(text.substr(i));
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size())
    throw_invalid(std::string(what) + " '" + std::string(text) + "': not a number with an optional unit");
  return value;
}

std::uint64_t to_whole(double value, double multiplier, std::string_view text, std::string_view what) {
  // Whole numbers of bytes are taken exactly: a double holds integers only up to 2^53.
  const std::string_view digits = text.substr(0, text.find_first_not_of("0123456789"));
  if (multiplier == 1 && !digits.empty() && digits.size() <= 19 &&
      (digits.size() == text.size() || text[digits.size()] != '.')) {
    std::uint64_t exact = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exact);
    if (ec == std::errc() && end == digits.data() + digits.size()) return exact;
  }
  const double bytes = value * multiplier;
  if (!(bytes < 1.8e19)) throw_invalid(std::string(what) + " '" + std::string(text) + "': too large");
  if (bytes != std::floor(bytes)) throw_invalid(std::string(what) + " '" + std::string(text) + "': not a whole number");
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace

std::uint64_t parse_size(std::string_view text, std::string_view what) {
  std::string suffix;
  const double value = split_number(text, what, suffix);
  // One row per unit family, kept so by hand:
  // clang-format off
  struct Unit { const char* name; double multiplier; };
  static constexpr Unit kUnits[] = {
      {"", 1},        {"b", 1},
      {"k", 0x1p10},  {"kib", 0x1p10}, {"kb", 1e3},
      {"m", 0x1p20},  {"mib", 0x1p20}, {"mb", 1e6},
      {"g", 0x1p30},  {"gib", 0x1p30}, {"gb", 1e9},
      {"t", 0x1p40},  {"tib", 0x1p40}, {"tb", 1e12},
  };
  // clang-format on
  for (const Unit& unit : kUnits)
    if (suffix == unit.name) return to_whole(value, unit.multiplier, text, what);
  throw_invalid(std::string(what) + " '" + std::string(text) +
                "': unknown unit (use B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)");
}

std::uint64_t parse_count(std::string_view text, std::string_view what) {
  std::string suffix;
  const double value = split_number(text, what, suffix);
  if (suffix.empty()) return to_whole(value, 1, text, what);
  if (suffix == "k") return to_whole(value, 1e3, text, what);
  if (suffix == "m") return to_whole(value, 1e6, text, what);
  if (suffix == "g") return to_whole(value, 1e9, text, what);
  throw_invalid(std::string(what) + " '" + std::string(text) + "': unknown suffix (use k, m or g)");
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value == std::floor(value))
    std::snprintf(text, sizeof text, "%.0f %s", value, kNames[unit]);
  else
    std::snprintf(text, sizeof text, "%.2f %s", value, kNames[unit]);
  return text;
}

}  // namespace sdgen
