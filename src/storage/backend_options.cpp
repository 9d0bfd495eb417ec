#include "storage/backend_options.hpp"

#include <algorithm>
#include <limits>

#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::detail {

void check_options_apply(const StorageOptions& options, const StorageBackend& backend) {
  for (const auto& [name, value] : options.values) {
    const bool taken = std::any_of(backend.options.begin(), backend.options.end(),
                                   [&](const BackendOption& option) { return option.name == name; });
    if (!taken)
      throw_invalid("storage option '" + name + "' does not apply to " + std::string(backend.target) + " targets");
  }
}

std::string OptionReader::value_of(std::string_view name) const {
  const auto row =
      std::find_if(table_.begin(), table_.end(), [&](const BackendOption& option) { return option.name == name; });
  if (row == table_.end()) throw_invalid("storage option '" + std::string(name) + "': not in the backend's table");
  const auto given = options_.values.find(name);
  return given != options_.values.end() ? given->second : std::string(row->default_value);
}

bool OptionReader::flag(std::string_view name) const {
  const std::string value = value_of(name);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value.empty() || value == "false" || value == "0" || value == "no" || value == "off") return false;
  throw_invalid("storage option '" + std::string(name) + "' = '" + value + "': must be true or false");
}

std::string OptionReader::text(std::string_view name) const { return value_of(name); }

std::uint64_t OptionReader::size(std::string_view name) const { return parse_size(value_of(name), std::string(name)); }

unsigned OptionReader::count(std::string_view name) const {
  const std::string value = value_of(name);
  if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
    throw_invalid("storage option '" + std::string(name) + "' = '" + value + "': must be a number");
  return static_cast<unsigned>(std::stoul(value));
}

}  // namespace sdgen::detail
