// Known-answer checks of the data format, runnable on a user's machine (`sdgen selftest`).
//
// Each case generates a fixed (spec, seed, layout) and compares the XXH3-64 hash of the bytes
// with a value pinned when the format was defined. A mismatch means this build would generate
// different data than other builds: verification of data written by them would fail. Every
// SIMD kernel this CPU supports is also compared with the portable reference implementation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#pragma GCC visibility push(default)
namespace sdgen {

struct SelftestCase {
  std::string name;
  std::uint64_t expected = 0;
  std::uint64_t actual = 0;
  bool ok() const { return expected == actual; }
};

std::vector<SelftestCase> run_selftest();

}  // namespace sdgen
#pragma GCC visibility pop
