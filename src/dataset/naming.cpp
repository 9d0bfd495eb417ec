// Object names: the name template and the optional raw name prefix.
#include <string>

#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"

namespace sdgen {

void check_contained_name(const std::string& name, const std::string& what) {
  if (name.starts_with('/')) throw_invalid(what + ": an absolute name (names stay inside the target)");
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string_view component = std::string_view(name).substr(start, slash - start);
    if (component == "..") throw_invalid(what + ": a '..' component (names stay inside the target)");
    if (slash == std::string::npos) break;
    if (component.empty()) throw_invalid(what + ": an empty path component ('//')");
    start = slash + 1;
  }
}

NameTemplate::NameTemplate(std::string text, std::uint64_t object_count)
    : text_(std::move(text)), object_count_(object_count) {
  if (text_.empty()) throw_invalid("template is empty: give a name such as obj_{}_of_{}.dat");
  std::string literal;
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_.compare(i, 2, "{}") == 0) {
      literals_.push_back(std::move(literal));
      literal.clear();
      ++i;
    } else if (text_[i] == '{' || text_[i] == '}') {
      throw_invalid("template '" + text_ + "': only {} placeholders are supported (first: index, second: count)");
    } else {
      literal += text_[i];
    }
  }
  literals_.push_back(std::move(literal));
  // Placeholders become digits, which never make or break a '..' or '/' component.
  std::string example;
  for (std::size_t i = 0; i < literals_.size(); ++i) example += (i ? "0" : "") + literals_[i];
  check_contained_name(example, "template '" + text_ + "'");
  if (literals_.size() > 3)
    throw_invalid("template '" + text_ + "': at most two {} placeholders (object index, object count)");
  if (literals_.size() == 1 && object_count_ > 1)
    throw_invalid("template '" + text_ + "': needs a {} for the object index with " + std::to_string(object_count_) +
                  " objects, or every object gets the same name");
}

std::string NameTemplate::name(std::uint64_t index) const {
  std::string result = literals_[0];
  if (literals_.size() > 1) result += std::to_string(index) + literals_[1];
  if (literals_.size() > 2) result += std::to_string(object_count_) + literals_[2];
  return result;
}

}  // namespace sdgen
