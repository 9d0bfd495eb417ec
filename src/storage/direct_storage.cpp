// direct:// — files written and read with O_DIRECT, bypassing the page cache.
//
// O_DIRECT needs the buffer address, file offset and length aligned to the device's logical
// block size; 4096 covers every device in use (512e and 4Kn alike). Aligned chunks go straight
// to the file. A tail that is not a multiple of 4096 (an object of any size must work) is copied
// into an aligned staging buffer, padded with zeros to 4096, written with O_DIRECT, and the file
// is then cut back to the object's size with ftruncate: every data write stays direct. Unaligned
// input (small helpers such as the manifest) goes through the same staging buffer.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sdgen/error.hpp"
#include "storage/file_storage.hpp"
#include "storage/posix_io.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace detail {
namespace {

constexpr std::size_t kDirectAlignment = 4096;
constexpr std::size_t kStagingBytes = 1 << 20;  // large enough that unaligned streams move in big writes

// What FileStorage's constructor reads (file_storage.cpp), the same for both.
constexpr BackendOption kDirectOptions[] = {
    {"fsync", BackendOption::Kind::flag, "", "fsync each object before counting it written", true},
};

bool is_aligned(const void* pointer) { return reinterpret_cast<std::uintptr_t>(pointer) % kDirectAlignment == 0; }

struct FreeDeleter {
  void operator()(std::uint8_t* p) const { std::free(p); }
};

class DirectWriter final : public ObjectWriter {
 public:
  DirectWriter(std::string path, std::string display, int fd, std::uint64_t size, bool fsync)
      : path_(std::move(path)), display_(std::move(display)), fd_(fd), size_(size), fsync_(fsync) {}

  // Storage::create() checks sizes and call order (the chunks add up to size_ when complete()
  // is called) and aborts every writer that does not complete.
  void write(std::span<const std::uint8_t> chunk) override {
    while (!chunk.empty()) {
      if (staged_ == 0 && is_aligned(chunk.data()) && chunk.size() >= kDirectAlignment) {
        const std::size_t whole = chunk.size() / kDirectAlignment * kDirectAlignment;
        write_direct(chunk.first(whole));
        chunk = chunk.subspan(whole);
        continue;
      }
      std::uint8_t* staging = staging_buffer();
      const std::size_t take = std::min(chunk.size(), staging_bytes_ - staged_);
      std::memcpy(staging + staged_, chunk.data(), take);
      staged_ += take;
      chunk = chunk.subspan(take);
      if (staged_ == staging_bytes_) {
        write_direct({staging, staged_});
        staged_ = 0;
      }
    }
  }

  void complete() override {
    if (staged_ > 0) {
      const std::size_t padded = (staged_ + kDirectAlignment - 1) / kDirectAlignment * kDirectAlignment;
      std::memset(staging_.get() + staged_, 0, padded - staged_);
      write_direct({staging_.get(), padded});
      staged_ = 0;
      if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0)
        throw_io(display_ + ": cannot cut the padded tail back to " + std::to_string(size_) +
                 " bytes: " + errno_text(errno));
    }
    finish_file(fd_, fsync_, display_);
  }

  void abort() noexcept override { discard_file(fd_, path_); }

 private:
  void write_direct(std::span<const std::uint8_t> aligned) {
    write_all(fd_.get(), aligned, position_, display_);
    position_ += aligned.size();
  }

  // Allocated on first use: the pipeline's aligned chunks never need it, except for a tail.
  std::uint8_t* staging_buffer() {
    if (!staging_) {
      staging_bytes_ = static_cast<std::size_t>(
          std::min<std::uint64_t>(kStagingBytes, (size_ + kDirectAlignment - 1) / kDirectAlignment * kDirectAlignment));
      staging_.reset(static_cast<std::uint8_t*>(std::aligned_alloc(kDirectAlignment, staging_bytes_)));
      if (!staging_) throw_io(display_ + ": out of memory for the O_DIRECT staging buffer");
    }
    return staging_.get();
  }

  std::string path_;
  std::string display_;
  FileDescriptor fd_;
  std::uint64_t size_;
  bool fsync_;
  std::uint64_t position_ = 0;  // bytes written to the file (including padding)
  std::unique_ptr<std::uint8_t, FreeDeleter> staging_;
  std::size_t staging_bytes_ = 0;
  std::size_t staged_ = 0;
};

class DirectStorage final : public FileStorage {
 public:
  DirectStorage(const std::string& uri, const StorageOptions& options) : FileStorage("direct", uri, options) {}

  StorageCapabilities capabilities() const override {
    StorageCapabilities capabilities;
    capabilities.buffer_alignment = kDirectAlignment;
    capabilities.size_granularity = kDirectAlignment;
    return capabilities;
  }

  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override {
    // Only aligned requests can bypass the cache; others (small helpers) read through it.
    if (!is_aligned(out.data()) || offset % kDirectAlignment != 0 || out.size() % kDirectAlignment != 0)
      return FileStorage::read(name, offset, out);
    FileDescriptor fd(::open(path_of(name).c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) throw_io(display_name(name) + ": cannot open with O_DIRECT: " + errno_text(errno));
    return read_at(fd.get(), offset, out, display_name(name), kDirectAlignment);
  }

 protected:
  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource&) override {
    const int fd = open_for_writing(name, O_DIRECT, "the file system refuses O_DIRECT (use file:// there)");
    return std::make_unique<DirectWriter>(path_of(name), display_name(name), fd, size, fsync_);
  }
};

}  // namespace
}  // namespace detail

std::span<const BackendOption> direct_storage_options() { return detail::kDirectOptions; }

std::unique_ptr<Storage> open_direct_storage(const std::string& uri, const StorageOptions& options) {
  return std::make_unique<detail::DirectStorage>(uri, options);
}

}  // namespace sdgen
