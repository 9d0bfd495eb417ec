// The few POSIX calls the file backends share, with errors turned into sdgen::Error naming the
// object. Only backends include this; the pipeline never does.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace sdgen::detail {

// An owned file descriptor; closed (errors ignored) when destroyed.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Closes and reports the error close() returned (NFS and some FUSE file systems report
  // write-back failures only here). Throws Error naming `what`.
  void close_checked(const std::string& what);
  void reset();

 private:
  int fd_ = -1;
};

std::string errno_text(int error);

// Ends a written file: fsync first when asked, then close; throws Error naming `what`.
void finish_file(FileDescriptor& fd, bool fsync, const std::string& what);

// Closes and removes a partly written file; best effort, for ObjectWriter::abort().
void discard_file(FileDescriptor& fd, const std::string& path) noexcept;

// Writes all of `bytes` at the file's current position (retries short writes and EINTR).
// Throws Error "<what>: write failed at byte N: <reason>"; `position` is for the message.
void write_all(int fd, std::span<const std::uint8_t> bytes, std::uint64_t position, const std::string& what);

// Reads up to out.size() bytes at `offset` (retries short reads and EINTR); returns the count,
// short only at end of file. With `stop_on_partial`, stops after a read that returns a count that
// is not a multiple of it (O_DIRECT: that was the end of the file, and reading on from an
// unaligned offset would fail). Throws Error naming `what`.
std::uint64_t read_at(int fd, std::uint64_t offset, std::span<std::uint8_t> out, const std::string& what,
                      std::size_t stop_on_partial = 0);

}  // namespace sdgen::detail
