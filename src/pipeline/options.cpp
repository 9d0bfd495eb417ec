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

}  // namespace sdgen
