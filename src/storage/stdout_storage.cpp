// "-" — every object's bytes, one object after another in index order, to standard output (a
// pipe or a file). Write only; nothing written can be taken back, so abort() removes nothing.
#include <unistd.h>

#include "sdgen/error.hpp"
#include "storage/posix_io.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace {

class StdoutWriter final : public ObjectWriter {
 public:
  void write(std::span<const std::uint8_t> chunk) override {
    detail::write_all(STDOUT_FILENO, chunk, position_, "standard output");
    position_ += chunk.size();
  }
  void complete() override {}
  void abort() noexcept override {}

 private:
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
  std::unique_ptr<ObjectWriter> create(const std::string&, std::uint64_t, ByteSource&) override {
    return std::make_unique<StdoutWriter>();
  }
  std::uint64_t read(const std::string&, std::uint64_t, std::span<std::uint8_t>) override {
    throw_invalid("standard output cannot be read back");
  }
  std::optional<std::uint64_t> size_of(const std::string&) override { return std::nullopt; }
  std::vector<ObjectInfo> list(const std::string&) override { return {}; }
  void remove(const std::string&) override {}
};

}  // namespace

std::unique_ptr<Storage> open_stdout_storage(const std::string&, const StorageOptions&) {
  if (::isatty(STDOUT_FILENO)) throw_invalid("target '-': standard output is a terminal: redirect or pipe it");
  return std::make_unique<StdoutStorage>();
}

}  // namespace sdgen
