// open_storage: the one table from URI scheme to backend.
#include "storage/registry.hpp"

#include <array>
#include <string_view>

#include "sdgen/error.hpp"
#include "sdgen/storage.hpp"
#include "storage/backend_options.hpp"

namespace sdgen {
namespace {

using Factory = std::unique_ptr<Storage> (*)(const std::string& uri, const StorageOptions& options);

#ifndef SDGEN_WITH_S3
std::unique_ptr<Storage> s3_not_built(const std::string& uri, const StorageOptions&) {
  throw_invalid(uri + ": this sdgen was built without S3 support");
}
std::span<const BackendOption> s3_storage_options() { return {}; }
#endif

std::span<const BackendOption> no_options() { return {}; }

struct Scheme {
  std::string_view name;    // as written before "://"; "-" for stdout
  std::string_view target;  // how messages name the targets
  Factory open;
  std::span<const BackendOption> (*options)() = no_options;  // the backend's own table
};

const std::array kSchemes{
    Scheme{"file", "file://", open_file_storage, file_storage_options},
    Scheme{"direct", "direct://", open_direct_storage, direct_storage_options},
    Scheme{"null", "null://", open_null_storage},
    Scheme{"mem", "mem://", open_mem_storage},
#ifdef SDGEN_WITH_S3
    Scheme{"s3", "s3://", open_s3_storage, s3_storage_options},
#else
    Scheme{"s3", "s3://", s3_not_built, s3_storage_options},
#endif
    Scheme{"-", "- (stdout)", open_stdout_storage},  // last: named by "-" alone, not by a scheme
};

// The targets a command line can use. mem:// is left out: its objects end with the process, so it
// serves tests and front ends that stay in one process (they know it from storage.hpp).
constexpr std::string_view kKnownTargets = "file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// or -";

// Built once from the rows: a backend's table is a function of another file.
const std::vector<StorageBackend>& backends() {
  static const std::vector<StorageBackend> all = [] {
    std::vector<StorageBackend> list;
    for (const Scheme& scheme : kSchemes) list.push_back({scheme.name, scheme.target, scheme.options()});
    return list;
  }();
  return all;
}

std::size_t row_of(const std::string& uri) {
  if (uri == "-") return kSchemes.size() - 1;
  const std::size_t separator = uri.find("://");
  if (separator == std::string::npos)
    throw_invalid("target '" + uri + "': no scheme (use " + std::string(kKnownTargets) + ")");
  const std::string_view scheme = std::string_view(uri).substr(0, separator);
  for (std::size_t row = 0; row + 1 < kSchemes.size(); ++row)
    if (kSchemes[row].name == scheme) return row;
  throw_invalid("target '" + uri + "': unknown scheme '" + std::string(scheme) + "' (use " +
                std::string(kKnownTargets) + ")");
}

// Targets are directories (SPEC section 9): s3://b/run1 is s3://b/run1/, as the AWS CLI, rclone
// and fio read it. A raw name prefix is the dataset layer's --name-prefix, not a path.
std::string as_directory(const std::string& uri) {
  const std::size_t separator = uri.find("://");
  const bool has_path = separator != std::string::npos && uri.size() > separator + 3;
  const bool takes_path = !uri.starts_with("null://");
  return has_path && takes_path && uri.back() != '/' ? uri + "/" : uri;
}

}  // namespace

std::span<const StorageBackend> storage_backends() { return backends(); }

const StorageBackend& storage_backend_of(const std::string& uri) { return backends()[row_of(uri)]; }

std::unique_ptr<Storage> open_storage(const std::string& uri, const StorageOptions& options) {
  const std::size_t row = row_of(uri);
  detail::check_options_apply(options, backends()[row]);
  return kSchemes[row].open(as_directory(uri), options);
}

}  // namespace sdgen
