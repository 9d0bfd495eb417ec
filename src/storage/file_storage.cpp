// file:// — POSIX files; fsync before complete() when asked.
#include "storage/file_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "sdgen/error.hpp"
#include "storage/backend_options.hpp"
#include "storage/posix_io.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace detail {
namespace {

namespace fs = std::filesystem;

// direct:// takes the same one option (direct_storage.cpp), read by the shared constructor below.
constexpr BackendOption kFileOptions[] = {
    {"fsync", BackendOption::Kind::flag, "", "fsync each object before counting it written", true},
};

class FileWriter final : public ObjectWriter {
 public:
  // Storage::create() checks sizes and call order and aborts every writer that does not
  // complete, so this writer only moves bytes.
  FileWriter(std::string path, std::string display, int fd, bool fsync)
      : path_(std::move(path)), display_(std::move(display)), fd_(fd), fsync_(fsync) {}

  void write(std::span<const std::uint8_t> chunk) override {
    write_all(fd_.get(), chunk, written_, display_);
    written_ += chunk.size();
  }

  void complete() override { finish_file(fd_, fsync_, display_); }

  void abort() noexcept override { discard_file(fd_, path_); }

 private:
  std::string path_;
  std::string display_;
  FileDescriptor fd_;
  bool fsync_;
  std::uint64_t written_ = 0;  // for messages
};

// Everything after "scheme://"; a path that ends in '/' or names a directory is a directory.
std::string base_path_from(std::string_view scheme, const std::string& uri) {
  std::string path = uri.substr(scheme.size() + 3);
  if (path.empty())
    throw_invalid("target '" + uri + "': no path (use " + std::string(scheme) + ":///dir/ or " + std::string(scheme) +
                  ":///dir/prefix)");
  // file://tmp/x has a host part ("tmp"), which is not ./tmp/x: say so rather than guess.
  if (path.front() != '/')
    throw_invalid("target '" + uri + "': the path must be absolute, " + std::string(scheme) + ":///dir (" +
                  std::string(scheme) + "://HOST/... names a host, which is not supported)");
  std::error_code ignored;
  if (path.back() != '/' && fs::is_directory(path, ignored)) path += '/';
  return path;
}

}  // namespace

FileStorage::FileStorage(std::string_view scheme, const std::string& uri, const StorageOptions& options)
    : base_path_(base_path_from(scheme, uri)), fsync_(OptionReader(options, kFileOptions).flag("fsync")) {
  uri_ = std::string(scheme) + "://" + base_path_;
}

StorageCapabilities FileStorage::capabilities() const { return {}; }

int FileStorage::open_for_writing(const std::string& name, int extra_flags, std::string_view einval_reason) const {
  const std::string path = path_of(name);
  // O_NOFOLLOW: an object name that is a symbolic link is an error, never a write through it to
  // a file elsewhere. O_NONBLOCK: a FIFO under the name fails at once (ENXIO) instead of
  // blocking put forever; it changes nothing for regular files.
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | extra_flags;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code error;
    fs::create_directories(fs::path(path).parent_path(), error);
    if (error)
      throw_io(display_name(name) + ": cannot create directory " + fs::path(path).parent_path().string() + ": " +
               error.message());
    fd = ::open(path.c_str(), flags, 0644);
  }
  if (fd < 0 && errno == EINVAL && !einval_reason.empty())
    throw_io(display_name(name) + ": " + std::string(einval_reason));
  if (fd < 0 && errno == ELOOP)
    throw_io(display_name(name) + ": is a symbolic link (sdgen never writes through links in the target)");
  if (fd < 0 && errno == ENXIO) throw_io(display_name(name) + ": not a regular file (a FIFO with no reader)");
  if (fd < 0) throw_io(display_name(name) + ": cannot create: " + errno_text(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    throw_io(display_name(name) + ": not a regular file");
  }
  return fd;
}

std::unique_ptr<ObjectWriter> FileStorage::open_writer(const std::string& name, std::uint64_t, ByteSource&) {
  const int fd = open_for_writing(name, 0);
  return std::make_unique<FileWriter>(path_of(name), display_name(name), fd, fsync_);
}

std::uint64_t FileStorage::read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) {
  FileDescriptor fd(::open(path_of(name).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) throw_io(display_name(name) + ": cannot open: " + errno_text(errno));
  return read_at(fd.get(), offset, out, display_name(name));
}

std::optional<std::uint64_t> FileStorage::size_of(const std::string& name) {
  struct stat status {};
  if (::lstat(path_of(name).c_str(), &status) != 0) {  // a link is not followed out of the target
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_io(display_name(name) + ": cannot stat: " + errno_text(errno));
  }
  if (S_ISLNK(status.st_mode))
    throw_io(display_name(name) + ": is a symbolic link (sdgen never reads through links in the target)");
  if (!S_ISREG(status.st_mode)) throw_io(display_name(name) + ": not a regular file");
  return static_cast<std::uint64_t>(status.st_size);
}

std::vector<ObjectInfo> FileStorage::list(const std::string& prefix) {
  // Walk the directory that holds the base path; keep the files whose path continues the base,
  // and descend only into directories that can hold such files.
  const std::string wanted = base_path_ + prefix;
  const fs::path directory = fs::path(base_path_).parent_path();
  const fs::path start = directory.empty() ? fs::path(".") : directory;
  std::vector<ObjectInfo> objects;
  std::error_code error;
  fs::recursive_directory_iterator walk(start, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return objects;
    throw_io(uri_ + ": cannot list " + start.string() + ": " + error.message());
  }
  for (; walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    if (error) throw_io(uri_ + ": cannot list " + start.string() + ": " + error.message());
    std::string path = walk->path().string();
    if (directory.empty() && path.starts_with("./")) path.erase(0, 2);
    if (walk->is_directory(error)) {
      const std::string as_directory = path + "/";
      if (!wanted.starts_with(as_directory) && !as_directory.starts_with(wanted)) walk.disable_recursion_pending();
      continue;
    }
    if (!walk->is_regular_file(error) || !path.starts_with(wanted)) continue;
    objects.push_back({path.substr(base_path_.size()), walk->file_size(error)});
  }
  return objects;
}

void FileStorage::remove(const std::string& name) {
  if (::unlink(path_of(name).c_str()) != 0 && errno != ENOENT)
    throw_io(display_name(name) + ": cannot remove: " + errno_text(errno));
}

}  // namespace detail

std::span<const BackendOption> file_storage_options() { return detail::kFileOptions; }

std::unique_ptr<Storage> open_file_storage(const std::string& uri, const StorageOptions& options) {
  return std::make_unique<detail::FileStorage>("file", uri, options);
}

}  // namespace sdgen
