// What mem:// promises beyond the conformance suite: stores shared by name across Storages,
// prefixes inside one store, visibility only after complete(), drop_mem_store(), and its errors.
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

#include "sdgen/storage.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::error_message;

class SpanSource final : public ByteSource {
 public:
  explicit SpanSource(const Bytes& bytes) : bytes_(bytes) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
  }

 private:
  const Bytes& bytes_;
};

// Each test its own store name, dropped at the end so the process does not keep the bytes.
class MemStorage : public ::testing::Test {
 protected:
  void TearDown() override { drop_mem_store(store_); }
  std::string uri(const std::string& rest = "") const { return "mem://" + store_ + "/" + rest; }
  const std::string store_ = std::string("mem-test-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
};

TEST_F(MemStorage, EveryStorageOnTheNameSharesTheStore) {
  const Bytes bytes = {1, 2, 3, 4, 5};
  open_storage(uri(), {})->put_bytes("obj", bytes);  // the writing Storage is gone already
  EXPECT_EQ(open_storage(uri(), {})->get_bytes("obj"), bytes);
  EXPECT_EQ(open_storage("mem://" + store_, {})->get_bytes("obj"), bytes);  // no '/': the same store
  EXPECT_EQ(open_storage("mem://" + store_ + "-other/", {})->get_bytes("obj"), std::nullopt);
  EXPECT_EQ(open_storage("mem://" + store_, {})->describe(), uri());
}

// A path after the store's name is a directory in it, with or without the trailing '/'.
TEST_F(MemStorage, APrefixNamesObjectsInsideTheStore) {
  auto run1 = open_storage(uri("run1"), {});
  auto whole = open_storage(uri(), {});
  run1->put_bytes("x", Bytes{7});
  whole->put_bytes("run2/y", Bytes{8, 9});
  EXPECT_EQ(whole->size_of("run1/x"), 1u);
  ASSERT_EQ(run1->list("").size(), 1u);
  EXPECT_EQ(run1->list("")[0].name, "x");
  EXPECT_EQ(whole->list("run").size(), 2u);
  EXPECT_EQ(run1->object_uri("x"), uri("run1/x"));
  EXPECT_EQ(open_storage(uri("run1/"), {})->size_of("x"), 1u);
  run1->remove("x");
  EXPECT_EQ(whole->size_of("run1/x"), std::nullopt);
}

TEST_F(MemStorage, ObjectsAppearOnlyWhenComplete) {
  auto writing = open_storage(uri(), {});
  auto looking = open_storage(uri(), {});
  const Bytes old_bytes = {1, 1, 1}, new_bytes = {2, 2, 2, 2};
  writing->put_bytes("obj", old_bytes);
  SpanSource source(new_bytes);
  auto writer = writing->create("obj", new_bytes.size(), source);
  writer->write(new_bytes);
  // Written but not completed: the old object is what every Storage sees, and "fresh" is not there.
  EXPECT_EQ(looking->get_bytes("obj"), old_bytes);
  auto fresh = writing->create("fresh", new_bytes.size(), source);
  fresh->write(new_bytes);
  EXPECT_EQ(looking->size_of("fresh"), std::nullopt);
  EXPECT_EQ(looking->list("").size(), 1u);
  writer->complete();
  fresh->complete();
  EXPECT_EQ(looking->get_bytes("obj"), new_bytes);
  EXPECT_EQ(looking->get_bytes("fresh"), new_bytes);
  // An aborted replacement leaves the completed object as it was.
  auto aborted = writing->create("obj", old_bytes.size(), source);
  aborted->write(std::span(new_bytes).first(2));
  aborted->abort();
  EXPECT_EQ(looking->get_bytes("obj"), new_bytes);
}

TEST_F(MemStorage, DropEmptiesTheStoreForEveryStorage) {
  auto before = open_storage(uri(), {});
  before->put_bytes("a", Bytes(1000, 1));
  before->put_bytes("b", Bytes(10, 2));
  EXPECT_EQ(drop_mem_store(store_), 2u);
  EXPECT_EQ(before->size_of("a"), std::nullopt);  // a Storage still open sees the drop too
  EXPECT_EQ(before->list("").size(), 0u);
  EXPECT_EQ(drop_mem_store(store_), 0u);
  EXPECT_EQ(drop_mem_store("mem-test-never-opened"), 0u);
  // The name works again afterwards, shared as before.
  before->put_bytes("c", Bytes{3});
  EXPECT_EQ(open_storage(uri(), {})->get_bytes("c"), Bytes{3});
  auto after = open_storage(uri(), {});
  after->put_bytes("d", Bytes{4});
  EXPECT_EQ(before->size_of("d"), 1u);
}

TEST_F(MemStorage, BadUrisNamesAndSizes) {
  EXPECT_EQ(error_message([] { open_storage("mem://", {}); }),
            "target 'mem://': no store name (use mem://NAME/ or mem://NAME/prefix)");
  EXPECT_EQ(error_message([] { open_storage("mem:///run1", {}); }),
            "target 'mem:///run1/': no store name (use mem://NAME/ or mem://NAME/prefix)");
  auto storage = open_storage(uri(), {});
  EXPECT_EQ(error_message([&] { storage->put_bytes("", Bytes{1}); }), uri() + ": empty object name");
  // A target is a directory: the empty name would be the directory itself.
  EXPECT_EQ(error_message([&] { open_storage(uri("dir"), {})->put_bytes("", Bytes{1}); }),
            uri("dir/") + ": empty object name");
  const Bytes none;
  SpanSource source(none);
  const std::uint64_t too_large = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(error_message([&] { storage->create("huge", too_large, source); }, ErrorKind::io),
            uri("huge: out of memory for an object of 18446744073709551615 bytes"));
}

// Writers, readers, listings and removals of one store from many Storages and threads at once.
TEST_F(MemStorage, ConcurrentUseFromManyStorages) {
  constexpr int kThreads = 6, kRounds = 200;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread)
    threads.emplace_back([&, thread] {
      auto storage = open_storage(uri(), {});
      for (int round = 0; round < kRounds; ++round) {
        // (appended rather than concatenated: GCC 12 warns falsely on "t" + to_string(...) here)
        std::string name = "t";
        name += std::to_string(thread);
        name += '-';
        name += std::to_string(round % 5);
        const Bytes bytes(100 + static_cast<std::size_t>(round), static_cast<std::uint8_t>(round));
        storage->put_bytes(name, bytes);
        if (storage->get_bytes(name) != bytes) ++mismatches;
        storage->list("t");
        if (round % 3 == 0) storage->remove(name);
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace sdgen
