// The conformance suite (conformance.hpp) on every backend this binary can open without a
// server: file and direct in temporary directories, null, stdout captured into a file, mem, and
// the skeleton template. s3 runs the same suite in sdgen_s3_tests, against moto.
#include "conformance.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "storage_test_support.hpp"

namespace sdgen {

// src/storage/skeleton_storage.cpp: built into this binary only, never registered.
std::unique_ptr<Storage> open_skeleton_storage(const std::string& uri, const StorageOptions& options);

namespace {

using conformance::BackendCase;
using conformance::Bytes;
using conformance::Conformance;
using conformance::Target;
using test::direct_io_supported;
using test::TempDir;

Target file_target(const std::string& scheme) {
  auto dir = std::make_shared<TempDir>();
  Target target;
  target.resources = dir;
  if (scheme == "direct" && !direct_io_supported(dir->path())) {
    target.skip_reason = dir->path() +
                         " refuses O_DIRECT (tmpfs before Linux 6.6 does); direct:// runs its cases "
                         "where the file system takes O_DIRECT (set TMPDIR to one)";
    return target;
  }
  const std::string uri = scheme + "://" + dir->path() + "/";
  target.storage = open_storage(uri, {});
  target.object_uri = [uri](const std::string& name) { return uri + name; };
  target.read_error = [uri](const std::string& name) {
    return uri + name + ": cannot open: No such file or directory";
  };
  target.stored = [dir](const std::string& name) -> std::optional<Bytes> {
    if (!std::filesystem::is_regular_file(dir->file(name))) return std::nullopt;
    return test::read_file(dir->file(name));
  };
  return target;
}

Target null_target() {
  Target target;
  target.storage = open_storage("null://", {});
  target.object_uri = [](const std::string& name) { return "null://" + name; };
  target.read_error = [](const std::string& name) {
    return "null://" + name + ": null:// discards data, nothing can be read back";
  };
  target.read_error_kind = ErrorKind::invalid_argument;
  return target;
}

// File descriptor 1 moved onto a file for the test's span; stop() puts it back. The C library's
// `stdout` stream, which gtest prints its messages (skips, failures) to, is pointed at the real
// standard output meanwhile (glibc documents stdout as an assignable variable), so only the
// backend's bytes land in the file and gtest's messages still reach the log.
class StdoutCapture {
 public:
  StdoutCapture() : path_(dir_.file("stdout")) {
    std::fflush(stdout);
    const int file = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file < 0) throw std::runtime_error("cannot create " + path_);
    saved_ = ::dup(STDOUT_FILENO);
    messages_ = ::fdopen(::dup(saved_), "w");
    if (saved_ < 0 || !messages_) throw std::runtime_error("cannot duplicate standard output");
    c_stdout_ = stdout;
    stdout = messages_;
    ::dup2(file, STDOUT_FILENO);
    ::close(file);
  }
  ~StdoutCapture() { stop(); }
  StdoutCapture(const StdoutCapture&) = delete;
  StdoutCapture& operator=(const StdoutCapture&) = delete;

  void stop() {
    if (saved_ < 0) return;
    stdout = c_stdout_;
    std::fclose(messages_);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
  int saved_ = -1;
  std::FILE* messages_ = nullptr;
  std::FILE* c_stdout_ = nullptr;
};

Target stdout_target() {
  auto capture = std::make_shared<StdoutCapture>();
  Target target;
  target.resources = capture;
  target.storage = open_storage("-", {});  // after the capture: "-" refuses a terminal
  target.object_uri = [](const std::string& name) { return "standard output (" + name + ")"; };
  target.read_error = [](const std::string& name) {
    return "standard output (" + name + "): write only, nothing can be read back";
  };
  target.read_error_kind = ErrorKind::invalid_argument;
  // Called once, at the end of the test: ends the capture.
  target.stream = [capture] {
    capture->stop();
    return test::read_file(capture->path());
  };
  return target;
}

// A store name no other test uses; the store is dropped with the target, freeing its memory.
Target mem_target() {
  static std::atomic<int> counter{0};
  const std::string store = "conformance-" + std::to_string(++counter);
  const std::string uri = "mem://" + store + "/";
  Target target;
  target.resources = std::shared_ptr<void>(nullptr, [store](void*) { drop_mem_store(store); });
  target.storage = open_storage(uri, {});
  target.object_uri = [uri](const std::string& name) { return uri + name; };
  target.read_error = [uri](const std::string& name) { return uri + name + ": no such object"; };
  // Another Storage on the same store: what one completes, every other sees.
  target.stored = [uri](const std::string& name) { return open_storage(uri, {})->get_bytes(name); };
  return target;
}

Target skeleton_target() {
  Target target;
  target.storage = open_skeleton_storage("skeleton://run1/", {});
  target.object_uri = [](const std::string& name) { return "skeleton://run1/" + name; };
  target.read_error = [](const std::string& name) { return "skeleton://run1/" + name + ": no such object"; };
  return target;
}

INSTANTIATE_TEST_SUITE_P(Local, Conformance,
                         ::testing::Values(BackendCase{"file", [] { return file_target("file"); }},
                                           // Past the 1 MiB staging buffer, so unaligned input fills and flushes it.
                                           BackendCase{"direct", [] { return file_target("direct"); },
                                                       (1u << 20) + 3 * 4096 + 5},
                                           BackendCase{"null", null_target}, BackendCase{"stdout", stdout_target},
                                           BackendCase{"mem", mem_target}, BackendCase{"skeleton", skeleton_target}),
                         conformance::case_name);

}  // namespace
}  // namespace sdgen
