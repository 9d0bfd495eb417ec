// Reading a backend's options by its table (internal to libsdgen): the value given in
// StorageOptions, else the table's default, parsed as the table's kind says.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sdgen/storage.hpp"

namespace sdgen::detail {

// Throws Error (invalid_argument) for the first option of `options` that `backend` does not take:
// "storage option 'part-size' does not apply to file:// targets".
void check_options_apply(const StorageOptions& options, const StorageBackend& backend);

class OptionReader {
 public:
  OptionReader(const StorageOptions& options, std::span<const BackendOption> table)
      : options_(options), table_(table) {}

  // Each throws Error (invalid_argument) naming the option for a value of the wrong form.
  bool flag(std::string_view name) const;  // true, false, 1, 0, yes, no, on, off
  std::string text(std::string_view name) const;
  std::uint64_t size(std::string_view name) const;
  unsigned count(std::string_view name) const;

 private:
  std::string value_of(std::string_view name) const;  // given, else the default of the table's row

  const StorageOptions& options_;
  std::span<const BackendOption> table_;
};

}  // namespace sdgen::detail
