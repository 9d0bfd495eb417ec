// FillThreads: every part of every job runs exactly once, on its own thread, and run() returns
// only after all of them.
#include "sdgen/fill_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace sdgen {
namespace {

TEST(FillThreads, EveryPartRunsOnceAndRunWaitsForAll) {
  for (const unsigned threads : {1u, 2u, 3u, 5u}) {
    FillThreads pool(threads);
    EXPECT_EQ(pool.size(), threads);
    std::vector<int> runs(threads);
    const int jobs = test::small_scale() ? 300 : 3000;
    for (int job = 0; job < jobs; ++job) {
      const unsigned parts = 1 + static_cast<unsigned>(job) % threads;
      std::vector<std::atomic<int>> done(parts);
      pool.run(parts, [&](unsigned part) {
        done[part].fetch_add(1, std::memory_order_relaxed);
        ++runs[part];  // each part index belongs to one thread: a data race here would be a bug
      });
      for (unsigned p = 0; p < parts; ++p)
        ASSERT_EQ(done[p].load(), 1) << "threads " << threads << " job " << job << " part " << p;
    }
    int total = 0;
    for (const int n : runs) total += n;
    int expected = 0;
    for (int job = 0; job < jobs; ++job) expected += 1 + job % static_cast<int>(threads);
    EXPECT_EQ(total, expected);
  }
}

TEST(FillThreads, PartsRunOnDifferentThreadsAndPartZeroOnTheCaller) {
  FillThreads pool(3);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  std::thread::id part_zero;
  pool.run(3, [&](unsigned part) {
    std::lock_guard lock(mutex);
    ids.insert(std::this_thread::get_id());
    if (part == 0) part_zero = std::this_thread::get_id();
  });
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(part_zero, std::this_thread::get_id());
}

TEST(FillThreads, BadSizesAreRefused) {
  EXPECT_EQ(test::error_message([] { FillThreads pool(0); }), "threads 0: need at least one");
  FillThreads pool(2);
  EXPECT_EQ(test::error_message([&] { pool.run(3, [](unsigned) {}); }), "fill job of 3 parts for 2 threads");
}

}  // namespace
}  // namespace sdgen
