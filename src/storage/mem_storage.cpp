// mem:// — an in-process object store, for tests and for front ends (Python) that want a put and
// a get or verify in one process without a disk.
//
// URI: mem://NAME[/prefix]. NAME (non-empty, no '/') names a store that lives until the process
// ends or drop_mem_store(NAME) empties it; every Storage opened on the same NAME shares it, so an
// object one of them completes is visible to all. The prefix is prepended to object names as text,
// as for every backend (storage.hpp): mem://a/run1- stores "obj_0" as "run1-obj_0" in store "a";
// mem://a and mem://a/ are the same, empty prefix.
//
// As on S3, an object is visible only once its writer's complete() has returned: a writer fills
// a private buffer and complete() publishes it whole, replacing an object of the same name. An
// aborted writer leaves nothing. Completed objects are immutable; read() copies out of a shared
// reference to one, so reads of large objects do not hold the store's lock while they copy, and
// a remove() or drop_mem_store() during a read frees the bytes only when that read returns.
//
// Memory: each object costs its size (reserved whole when its writer opens, so growing never
// needs twice the size) plus its name. Nothing bounds a store but the process's memory; an
// allocation that fails is an Error naming the object.
//
// Thread-safe: any number of writers, readers, listings and removals at once, from any thread.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string_view>

#include "sdgen/error.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace {

using Bytes = std::vector<std::uint8_t>;

// One named store: full names (prefix included) to completed objects.
struct MemStore {
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<const Bytes>, std::less<>> objects;
};

// Every store opened in this process, by NAME. Stores are never destroyed before exit (a
// Storage keeps a shared_ptr to its store), only emptied by drop_mem_store().
class MemStores {
 public:
  static MemStores& instance() {
    static MemStores stores;
    return stores;
  }

  std::shared_ptr<MemStore> open(const std::string& name) {
    std::lock_guard lock(mutex_);
    std::shared_ptr<MemStore>& store = stores_[name];
    if (!store) store = std::make_shared<MemStore>();
    return store;
  }

  std::size_t drop(const std::string& name) {
    std::shared_ptr<MemStore> store;
    {
      std::lock_guard lock(mutex_);
      const auto found = stores_.find(name);
      if (found == stores_.end()) return 0;
      store = found->second;
      // Forget the name when no Storage uses the store; otherwise the store stays shared by
      // those Storages and by later opens, empty.
      if (store.use_count() == 2) stores_.erase(found);
    }
    std::map<std::string, std::shared_ptr<const Bytes>, std::less<>> dropped;
    {
      std::unique_lock lock(store->mutex);
      dropped.swap(store->objects);
    }
    return dropped.size();  // the objects are freed on return, outside both locks
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<MemStore>> stores_;
};

class MemWriter final : public ObjectWriter {
 public:
  MemWriter(std::shared_ptr<MemStore> store, std::string key, Bytes bytes)
      : store_(std::move(store)), key_(std::move(key)), bytes_(std::move(bytes)) {}

  // Storage::create() guarantees the chunks fit the reserved size, so this never reallocates.
  void write(std::span<const std::uint8_t> chunk) override { bytes_.insert(bytes_.end(), chunk.begin(), chunk.end()); }

  void complete() override {
    auto object = std::make_shared<const Bytes>(std::move(bytes_));
    std::unique_lock lock(store_->mutex);
    store_->objects.insert_or_assign(key_, std::move(object));
  }

  // Nothing was published; the private buffer goes with the writer.
  void abort() noexcept override { Bytes().swap(bytes_); }

 private:
  std::shared_ptr<MemStore> store_;
  std::string key_;
  Bytes bytes_;
};

class MemStorage final : public Storage {
 public:
  MemStorage(std::string store_name, std::string prefix)
      : store_(MemStores::instance().open(store_name)),
        uri_("mem://" + store_name + "/" + prefix),
        prefix_(std::move(prefix)) {}

  StorageCapabilities capabilities() const override { return {}; }
  std::string describe() const override { return uri_; }

  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override {
    const std::shared_ptr<const Bytes> object = find(name);
    if (!object) throw_io(object_uri(name) + ": no such object");
    if (offset >= object->size()) return 0;
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), object->size() - offset));
    std::copy_n(object->begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
    return count;
  }

  std::optional<std::uint64_t> size_of(const std::string& name) override {
    const std::shared_ptr<const Bytes> object = find(name);
    if (!object) return std::nullopt;
    return object->size();
  }

  std::vector<ObjectInfo> list(const std::string& prefix) override {
    const std::string wanted = prefix_ + prefix;
    std::vector<ObjectInfo> listed;
    std::shared_lock lock(store_->mutex);
    // The map is ordered: the names that start with `wanted` are one run from lower_bound on.
    for (auto it = store_->objects.lower_bound(wanted); it != store_->objects.end() && it->first.starts_with(wanted);
         ++it)
      listed.push_back({it->first.substr(prefix_.size()), it->second->size()});
    return listed;
  }

  void remove(const std::string& name) override {
    std::shared_ptr<const Bytes> removed;  // freed after the lock is released
    std::unique_lock lock(store_->mutex);
    const auto found = store_->objects.find(key_of(name));
    if (found == store_->objects.end()) return;
    removed = std::move(found->second);
    store_->objects.erase(found);
  }

 protected:
  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource&) override {
    std::string key = key_of(name);
    Bytes bytes;
    try {
      bytes.reserve(static_cast<std::size_t>(size));
    } catch (const std::bad_alloc&) {
      throw_io(object_uri(name) + ": out of memory for an object of " + std::to_string(size) + " bytes");
    } catch (const std::length_error&) {
      throw_io(object_uri(name) + ": out of memory for an object of " + std::to_string(size) + " bytes");
    }
    return std::make_unique<MemWriter>(store_, std::move(key), std::move(bytes));
  }

 private:
  std::string key_of(const std::string& name) const {
    if (name.empty()) throw_invalid(uri_ + ": empty object name");  // the target is a directory
    return prefix_ + name;
  }

  std::shared_ptr<const Bytes> find(const std::string& name) const {
    const std::string key = key_of(name);
    std::shared_lock lock(store_->mutex);
    const auto found = store_->objects.find(key);
    return found == store_->objects.end() ? nullptr : found->second;
  }

  const std::shared_ptr<MemStore> store_;
  const std::string uri_;     // mem://NAME/prefix
  const std::string prefix_;  // prepended to every object name
};

}  // namespace

std::unique_ptr<Storage> open_mem_storage(const std::string& uri, const StorageOptions&) {
  const std::string_view rest = std::string_view(uri).substr(std::string_view("mem://").size());
  const std::size_t slash = rest.find('/');
  const std::string store_name(rest.substr(0, slash));
  if (store_name.empty()) throw_invalid("target '" + uri + "': no store name (use mem://NAME/ or mem://NAME/prefix)");
  const std::string prefix(slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1));
  return std::make_unique<MemStorage>(store_name, prefix);
}

std::size_t drop_mem_store(const std::string& name) { return MemStores::instance().drop(name); }

}  // namespace sdgen
