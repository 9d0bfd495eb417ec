// file:// — objects are files under a path prefix, written with plain POSIX writes. direct://
// shares everything but the data path (direct_storage.cpp), so it derives from this.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sdgen/storage.hpp"

namespace sdgen::detail {

class FileStorage : public Storage {
 public:
  // `scheme`: "file" or "direct"; `uri`: scheme://path. Throws Error for a URI without a path.
  FileStorage(std::string_view scheme, const std::string& uri, const StorageOptions& options);

  StorageCapabilities capabilities() const override;
  std::string describe() const override { return uri_; }
  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override;
  std::optional<std::uint64_t> size_of(const std::string& name) override;
  std::vector<ObjectInfo> list(const std::string& prefix) override;
  void remove(const std::string& name) override;

 protected:
  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource& source) override;
  std::string path_of(const std::string& name) const { return base_path_ + name; }
  // The object as the user named it, for messages: the URI plus the name.
  std::string display_name(const std::string& name) const { return object_uri(name); }
  // Opens a new object's file for writing (truncating an old one), creating missing parent
  // directories. Throws Error with the reason, naming the object; `einval_reason` replaces the
  // system's text for EINVAL (what an unsupported flag such as O_DIRECT gets).
  int open_for_writing(const std::string& name, int extra_flags, std::string_view einval_reason = {}) const;

  std::string uri_;        // normalised: a directory ends in '/'
  std::string base_path_;  // object path = base_path_ + name
  bool fsync_;             // fsync each object before complete() returns
};

}  // namespace sdgen::detail
