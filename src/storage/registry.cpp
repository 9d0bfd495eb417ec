// open_storage: the one table from URI scheme to backend.
#include "storage/registry.hpp"

#include <array>
#include <string_view>

#include "sdgen/error.hpp"
#include "sdgen/storage.hpp"

namespace sdgen {
namespace {

using Factory = std::unique_ptr<Storage> (*)(const std::string& uri, const StorageOptions& options);

#ifndef SDGEN_WITH_S3
std::unique_ptr<Storage> s3_not_built(const std::string& uri, const StorageOptions&) {
  throw_invalid(uri + ": this sdgen was built without S3 support");
}
#endif

struct Scheme {
  std::string_view name;  // as written before "://"
  Factory open;
};

constexpr std::array kSchemes{
    Scheme{"file", open_file_storage},
    Scheme{"direct", open_direct_storage},
    Scheme{"null", open_null_storage},
    Scheme{"mem", open_mem_storage},
#ifdef SDGEN_WITH_S3
    Scheme{"s3", open_s3_storage},
#else
    Scheme{"s3", s3_not_built},
#endif
};

// The targets a command line can use. mem:// is left out: its objects end with the process, so it
// serves tests and front ends that stay in one process (they know it from storage.hpp).
constexpr std::string_view kKnownTargets = "file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// or -";

}  // namespace

std::unique_ptr<Storage> open_storage(const std::string& uri, const StorageOptions& options) {
  if (uri == "-") return open_stdout_storage(uri, options);
  const std::size_t separator = uri.find("://");
  if (separator == std::string::npos)
    throw_invalid("target '" + uri + "': no scheme (use " + std::string(kKnownTargets) + ")");
  const std::string_view scheme = std::string_view(uri).substr(0, separator);
  // Targets are directories (SPEC section 9): s3://b/run1 is s3://b/run1/, as the AWS CLI, rclone
  // and fio read it. A raw name prefix is the dataset layer's --name-prefix, not a path.
  const bool has_path = uri.size() > separator + 3;
  const std::string target = has_path && scheme != "null" && uri.back() != '/' ? uri + "/" : uri;
  for (const Scheme& entry : kSchemes)
    if (entry.name == scheme) return entry.open(target, options);
  throw_invalid("target '" + uri + "': unknown scheme '" + std::string(scheme) + "' (use " +
                std::string(kKnownTargets) + ")");
}

}  // namespace sdgen
