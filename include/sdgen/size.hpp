// Human byte sizes: "4096", "64KiB", "1MiB", "10GiB", "1.5GB", "4k" (k/m/g/t = binary, as fio).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#pragma GCC visibility push(default)
namespace sdgen {

// Parses a size. IEC suffixes (KiB, MiB, GiB, TiB) and bare k/m/g/t are powers of 1024; SI
// suffixes (kB, MB, GB, TB) are powers of 1000; "B" or no suffix is bytes. Fractions are allowed
// when the result is a whole number of bytes ("1.5KiB" = 1536). Throws Error naming `what`.
std::uint64_t parse_size(std::string_view text, std::string_view what = "size");

// Parses a count with optional k/m/g suffix (powers of 1000, as "10k objects"): "1000", "10k", "2m".
std::uint64_t parse_count(std::string_view text, std::string_view what = "count");

// Formats bytes with the largest binary unit that keeps a value >= 1 ("64 KiB", "1.50 GiB").
std::string format_bytes(std::uint64_t bytes);

}  // namespace sdgen
#pragma GCC visibility pop
