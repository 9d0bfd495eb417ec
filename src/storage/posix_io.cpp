#include "storage/posix_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "sdgen/error.hpp"

namespace sdgen::detail {

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileDescriptor::~FileDescriptor() { reset(); }

void FileDescriptor::reset() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

void finish_file(FileDescriptor& fd, bool fsync, const std::string& what) {
  if (fsync && ::fsync(fd.get()) != 0) throw_io(what + ": fsync failed: " + errno_text(errno));
  fd.close_checked(what);
}

void discard_file(FileDescriptor& fd, const std::string& path) noexcept {
  fd.reset();
  ::unlink(path.c_str());
}

void FileDescriptor::close_checked(const std::string& what) {
  // Linux releases the descriptor even when close() fails, so it is never retried.
  if (fd_ >= 0 && ::close(std::exchange(fd_, -1)) != 0 && errno != EINTR)
    throw_io(what + ": close failed: " + errno_text(errno));
}

std::string errno_text(int error) { return std::strerror(error); }

void write_all(int fd, std::span<const std::uint8_t> bytes, std::uint64_t position, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io(what + ": write failed at byte " + std::to_string(position) + ": " + errno_text(errno));
    if (n == 0) throw_io(what + ": write made no progress at byte " + std::to_string(position));
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    position += static_cast<std::uint64_t>(n);
  }
}

std::uint64_t read_at(int fd, std::uint64_t offset, std::span<std::uint8_t> out, const std::string& what,
                      std::size_t stop_on_partial) {
  std::uint64_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io(what + ": read failed at byte " + std::to_string(offset + done) + ": " + errno_text(errno));
    if (n == 0) break;
    done += static_cast<std::uint64_t>(n);
    if (stop_on_partial && static_cast<std::size_t>(n) % stop_on_partial != 0) break;
  }
  return done;
}

}  // namespace sdgen::detail
