// Helpers for the storage and pipeline tests: a temporary directory, an in-memory Storage with
// fault injection (the pipeline is tested against it without a disk, as leveldb's memenv), and
// small file utilities.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"
#include "sdgen/storage.hpp"
#include "test_util.hpp"  // Bytes, KiB, MiB, generate_object, error_message

namespace sdgen::test {

// A fresh directory under `parent` (default: $TMPDIR or /tmp), removed with its contents.
class TempDir {
 public:
  explicit TempDir(const std::string& parent = "") {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = (parent.empty() ? std::string(tmp ? tmp : "/tmp") : parent) + "/sdgen-test-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Whether this file system takes O_DIRECT at all (tmpfs before Linux 6.6 answers EINVAL).
inline bool direct_io_supported(const std::string& directory) {
  const std::string probe = directory + "/.o_direct_probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
  if (fd >= 0) ::close(fd);
  ::unlink(probe.c_str());
  return fd >= 0;
}

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Objects in memory; an object becomes visible only when its writer completes (as on S3). Every
// hook may throw to inject a fault. Records what the pipeline did for the tests to check.
class MemoryStorage final : public Storage {
 public:
  // Called before each write() with the object's name, the offset and size of the chunk.
  std::function<void(const std::string& name, std::uint64_t offset, std::size_t bytes)> before_write;
  std::function<void(const std::string& name)> before_complete;
  std::function<void(const std::string& name, std::uint64_t offset)> before_read;
  StorageCapabilities capabilities_value;

  StorageCapabilities capabilities() const override { return capabilities_value; }
  std::string describe() const override { return "memory://"; }

  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource& source) override {
    std::lock_guard lock(mutex_);
    created_.push_back(name);
    max_open_ = std::max(max_open_, ++open_);
    return std::make_unique<Writer>(*this, name, size, source);
  }

  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (before_read) before_read(name, offset);
    std::lock_guard lock(mutex_);
    const auto found = objects_.find(name);
    if (found == objects_.end()) throw_io("memory://" + name + ": no such object");
    const Bytes& bytes = found->second;
    if (offset >= bytes.size()) return 0;
    const std::size_t n = std::min<std::size_t>(out.size(), bytes.size() - offset);
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    return n;
  }

  std::optional<std::uint64_t> size_of(const std::string& name) override {
    std::lock_guard lock(mutex_);
    const auto found = objects_.find(name);
    if (found == objects_.end()) return std::nullopt;
    return found->second.size();
  }

  std::vector<ObjectInfo> list(const std::string& prefix) override {
    std::lock_guard lock(mutex_);
    std::vector<ObjectInfo> listed;
    for (const auto& [name, bytes] : objects_)
      if (name.starts_with(prefix)) listed.push_back({name, bytes.size()});
    return listed;
  }

  void remove(const std::string& name) override {
    std::lock_guard lock(mutex_);
    objects_.erase(name);
  }

  // What the tests inspect.
  std::map<std::string, Bytes> objects() {
    std::lock_guard lock(mutex_);
    return objects_;
  }
  Bytes& object(const std::string& name) {
    std::lock_guard lock(mutex_);
    return objects_.at(name);
  }
  std::vector<std::string> created() {
    std::lock_guard lock(mutex_);
    return created_;
  }
  std::set<std::string> aborted() {
    std::lock_guard lock(mutex_);
    return aborted_;
  }
  unsigned max_open_writers() {
    std::lock_guard lock(mutex_);
    return max_open_;
  }
  // Chunks that broke the capabilities: misaligned, or not a multiple of the granularity
  // without being the object's last.
  unsigned misfit_chunks() const { return misfit_chunks_.load(); }
  std::uint64_t largest_chunk() const { return largest_chunk_.load(); }

 private:
  class Writer final : public ObjectWriter {
   public:
    Writer(MemoryStorage& storage, std::string name, std::uint64_t size, ByteSource& source)
        : storage_(storage), name_(std::move(name)), size_(size), source_(source) {}
    // Storage::create() guarantees that complete() or abort() ends every writer; this checks it.
    ~Writer() override {
      if (!finished_) ADD_FAILURE() << name_ << ": writer destroyed without complete() or abort()";
    }
    void write(std::span<const std::uint8_t> chunk) override {
      if (storage_.before_write) storage_.before_write(name_, bytes_.size(), chunk.size());
      const StorageCapabilities& caps = storage_.capabilities_value;
      const bool last = bytes_.size() + chunk.size() == size_;
      if (reinterpret_cast<std::uintptr_t>(chunk.data()) % caps.buffer_alignment != 0 ||
          (!last && chunk.size() % caps.size_granularity != 0))
        ++storage_.misfit_chunks_;
      std::uint64_t largest = storage_.largest_chunk_.load();
      while (chunk.size() > largest && !storage_.largest_chunk_.compare_exchange_weak(largest, chunk.size())) {
      }
      bytes_.insert(bytes_.end(), chunk.begin(), chunk.end());
      // The source must regenerate exactly what write() received.
      Bytes again(chunk.size());
      source_.read_at(bytes_.size() - chunk.size(), again);
      if (!std::equal(again.begin(), again.end(), chunk.begin())) ADD_FAILURE() << name_ << ": ByteSource disagrees";
    }
    void complete() override {
      if (storage_.before_complete) storage_.before_complete(name_);
      std::lock_guard lock(storage_.mutex_);
      storage_.objects_[name_] = std::move(bytes_);
      --storage_.open_;
      finished_ = true;
    }
    void abort() noexcept override {
      std::lock_guard lock(storage_.mutex_);
      storage_.aborted_.insert(name_);
      --storage_.open_;
      finished_ = true;
    }

   private:
    MemoryStorage& storage_;
    std::string name_;
    std::uint64_t size_;
    ByteSource& source_;
    Bytes bytes_;
    bool finished_ = false;
  };

  std::mutex mutex_;
  std::map<std::string, Bytes> objects_;
  std::vector<std::string> created_;
  std::set<std::string> aborted_;
  unsigned open_ = 0;
  unsigned max_open_ = 0;
  std::atomic<unsigned> misfit_chunks_{0};
  std::atomic<std::uint64_t> largest_chunk_{0};
};

// A file:// or direct:// target (the test's parameter) on a fresh directory; direct:// is skipped,
// saying why, where the file system refuses O_DIRECT.
class FileTargetTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "direct" && !direct_io_supported(dir_.path()))
      GTEST_SKIP() << dir_.path() << " refuses O_DIRECT; direct:// is tested where the file system allows it";
    storage_ = open_storage(GetParam() + "://" + dir_.path() + "/", {});
  }
  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace sdgen::test
