// PipelineOptions validation and object naming.
#include <string>

#include "sdgen/error.hpp"
#include "sdgen/pipeline.hpp"
#include "sdgen/size.hpp"

namespace sdgen {

void validate(const PipelineOptions& options) {
  if (options.jobs < 1 || options.jobs > 4096)
    throw_invalid("jobs " + std::to_string(options.jobs) + ": must be from 1 to 4096");
  if (options.threads > 1024)
    throw_invalid("threads " + std::to_string(options.threads) + ": must be from 0 (one per CPU) to 1024");
  if (options.chunk_bytes < 4096 || options.chunk_bytes > (std::uint64_t{1} << 30))
    throw_invalid("chunk size " + format_bytes(options.chunk_bytes) + ": must be from 4 KiB to 1 GiB");
  if (options.queue_depth < 1 || options.queue_depth > 65536)
    throw_invalid("queue depth " + std::to_string(options.queue_depth) + ": must be from 1 to 65536");
}

std::string to_string(ObjectStatus status) {
  switch (status) {
    case ObjectStatus::ok:
      return "ok";
    case ObjectStatus::missing:
      return "missing";
    case ObjectStatus::wrong_size:
      return "wrong size";
    case ObjectStatus::mismatch:
      return "mismatch";
    case ObjectStatus::read_error:
      return "read error";
  }
  return "unknown";
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
