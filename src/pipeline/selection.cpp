// ObjectSelection: which objects of a source a run covers.
#include <algorithm>
#include <charconv>
#include <string_view>

#include "sdgen/error.hpp"
#include "sdgen/source.hpp"

namespace sdgen {

std::uint64_t ObjectSelection::count(std::uint64_t object_count) const {
  const std::uint64_t stop = std::min(end, object_count);
  if (first >= stop || stride == 0) return 0;
  return (stop - first - 1) / stride + 1;
}

namespace {

// A whole decimal number and nothing else.
bool parse_index(std::string_view text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

ObjectSelection ObjectSelection::parse(const std::string& text, const std::string& what) {
  const auto bad = [&](const std::string& why) -> ObjectSelection {
    throw_invalid(what + " '" + text + "': " + why + " (use FIRST:END or FIRST:END:STRIDE, e.g. 0:100, 100:, 0::4)");
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return bad("no ':'");
  const std::size_t second = text.find(':', colon + 1);
  const std::string_view all(text);
  const std::string_view first = all.substr(0, colon);
  const std::string_view end =
      second == std::string::npos ? all.substr(colon + 1) : all.substr(colon + 1, second - colon - 1);
  const std::string_view stride = second == std::string::npos ? std::string_view() : all.substr(second + 1);
  ObjectSelection selection;
  if (!first.empty() && !parse_index(first, selection.first)) return bad("the first object is not a whole number");
  if (!end.empty() && !parse_index(end, selection.end)) return bad("the end is not a whole number");
  if (second != std::string::npos && !parse_index(stride, selection.stride))
    return bad("the stride is not a whole number");
  if (selection.stride == 0) return bad("the stride must be at least 1");
  if (selection.end <= selection.first) return bad("selects no object (the end must be above the first)");
  return selection;
}

std::string ObjectSelection::to_string() const {
  std::string text = std::to_string(first);
  text += ':';
  if (end != UINT64_MAX) text += std::to_string(end);
  if (stride != 1) {
    text += ':';
    text += std::to_string(stride);
  }
  return text;
}

void validate(const ObjectSelection& selection, std::uint64_t object_count) {
  if (selection.stride == 0) throw_invalid("objects '" + selection.to_string() + "': the stride must be at least 1");
  if (!selection.all() && selection.count(object_count) == 0)
    throw_invalid("objects '" + selection.to_string() + "': selects none of the dataset's " +
                  std::to_string(object_count) + " objects");
}

}  // namespace sdgen
