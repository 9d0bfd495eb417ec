// "-" — every object's bytes, one object after another in index order, to standard output (a
// pipe or a file). Write only; nothing written can be taken back, so abort() removes nothing.
#include <unistd.h>

#include "sdgen/error.hpp"
#include "storage/posix_io.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace {

// Storage::create() checks sizes and call order: a write past the declared size is refused
// before any of its bytes reach the stream, so a reader that knows the sizes stays in step.
class StdoutWriter final : public ObjectWriter {
 public:
  explicit StdoutWriter(std::string display) : display_(std::move(display)) {}
  void write(std::span<const std::uint8_t> chunk) override {
    detail::write_all(STDOUT_FILENO, chunk, position_, display_);
    position_ += chunk.size();
  }
  void complete() override {}
  void abort() noexcept override {}

 private:
  std::string display_;
  std::uint64_t position_ = 0;  // within the object, for messages
};

class StdoutStorage final : public Storage {
 public:
  StorageCapabilities capabilities() const override {
    StorageCapabilities capabilities;
    capabilities.readable = false;
    capabilities.concurrent_objects = false;
    return capabilities;
  }
  std::string describe() const override { return "-"; }
  // "-obj_0" would read as an option: name the stream, and the object when it has a name.
  std::string object_uri(const std::string& name) const override {
    return name.empty() ? "standard output" : "standard output (" + Storage::object_uri(name).substr(1) + ")";
  }
  std::uint64_t read(const std::string& name, std::uint64_t, std::span<std::uint8_t>) override {
    throw_invalid(object_uri(name) + ": write only, nothing can be read back");
  }
  std::optional<std::uint64_t> size_of(const std::string&) override { return std::nullopt; }
  std::vector<ObjectInfo> list(const std::string&) override { return {}; }
  void remove(const std::string&) override {}

 protected:
  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t, ByteSource&) override {
    return std::make_unique<StdoutWriter>(object_uri(name));
  }
};

}  // namespace

std::unique_ptr<Storage> open_stdout_storage(const std::string&, const StorageOptions&) {
  if (::isatty(STDOUT_FILENO)) throw_invalid("target '-': standard output is a terminal: redirect or pipe it");
  return std::make_unique<StdoutStorage>();
}

}  // namespace sdgen
