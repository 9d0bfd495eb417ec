// The pipeline's parts on their own: the bounded queue, the buffer pool, latency percentiles,
// object naming and option validation.
#include <gtest/gtest.h>

#include <numeric>
#include <thread>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/buffer_pool.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/latency.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::error_message;

TEST(BoundedQueue, RefusesPastCapacityAndKeepsOrder) {
  detail::BoundedQueue<int> queue(3);
  for (int i = 0; i < 3; ++i) {
    int item = i;
    EXPECT_TRUE(queue.try_push(item));
  }
  int extra = 99;
  EXPECT_FALSE(queue.try_push(extra));
  EXPECT_EQ(extra, 99);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(queue.pop(), i);
}

TEST(BoundedQueue, CloseDrainsThenEnds) {
  detail::BoundedQueue<int> queue(4);
  queue.push(1);
  queue.push(2);
  queue.close();
  EXPECT_FALSE(queue.push(3));
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(queue.pop(), 2);
  EXPECT_EQ(queue.pop(), std::nullopt);
}

// Producers outpace a capacity-2 queue; blocking push must lose and duplicate nothing.
TEST(BoundedQueue, ManyProducersOneConsumerDeliverEverything) {
  detail::BoundedQueue<std::uint64_t> queue(2);
  constexpr std::uint64_t kPerProducer = 5000;
  constexpr unsigned kProducers = 3;
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  {
    std::jthread consumer([&] {
      while (auto item = queue.pop()) {
        sum += *item;
        ++count;
      }
    });
    {
      std::vector<std::jthread> producers;
      for (unsigned p = 0; p < kProducers; ++p)
        producers.emplace_back([&, p] {
          for (std::uint64_t i = 0; i < kPerProducer; ++i) queue.push(p * kPerProducer + i);
        });
    }
    queue.close();
  }
  const std::uint64_t n = kProducers * kPerProducer;
  EXPECT_EQ(count, n);
  EXPECT_EQ(sum, n * (n - 1) / 2);
}

TEST(BufferPool, LendsAlignedBuffersUpToItsCount) {
  detail::BufferPool pool(3, 10000, 4096);
  EXPECT_EQ(pool.buffer_bytes(), 10000u);
  std::vector<detail::BufferLease> leases;
  for (int i = 0; i < 3; ++i) {
    leases.push_back(pool.acquire());
    ASSERT_TRUE(leases.back());
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(leases.back().data()) % 4096, 0u);
  }
  EXPECT_EQ(pool.available(), 0u);
  leases.pop_back();  // a lease gives its buffer back when destroyed
  EXPECT_EQ(pool.available(), 1u);
  detail::BufferLease moved = std::move(leases.front());
  EXPECT_FALSE(leases.front());
  EXPECT_EQ(pool.available(), 1u);
  moved.release();
  EXPECT_EQ(pool.available(), 2u);
}

// acquire() blocks while every buffer is out and returns once one comes back; close() ends waits.
TEST(BufferPool, AcquireWaitsForAReturnAndCloseEndsWaiting) {
  detail::BufferPool pool(1, 4096, 4096);
  detail::BufferLease held = pool.acquire();
  std::uint8_t* const buffer = held.data();
  std::atomic<bool> got{false};
  std::jthread waiter([&] {
    detail::BufferLease lease = pool.acquire();
    EXPECT_EQ(lease.data(), buffer);
    got = true;
  });
  EXPECT_FALSE(got.load());
  held.release();
  waiter.join();
  EXPECT_TRUE(got.load());

  held = pool.acquire();
  std::jthread closed_waiter([&] { EXPECT_FALSE(pool.acquire()); });
  pool.close();
}

TEST(LatencyHistogram, PercentilesWithinOnePercent) {
  LatencyHistogram histogram;
  // 1 us .. 100000 us, each once: p50 = 50000 us, p90 = 90000 us, p99.9 = 99900 us, max exact.
  for (std::int64_t us = 1; us <= 100000; ++us) histogram.record(std::chrono::microseconds(us));
  const LatencySummary s = histogram.summary();
  EXPECT_EQ(s.count, 100000u);
  EXPECT_NEAR(s.p50_s, 0.050, 0.050 * 0.01);
  EXPECT_NEAR(s.p90_s, 0.090, 0.090 * 0.01);
  EXPECT_NEAR(s.p99_s, 0.099, 0.099 * 0.01);
  EXPECT_NEAR(s.p999_s, 0.0999, 0.0999 * 0.01);
  EXPECT_DOUBLE_EQ(s.max_s, 0.1);
  EXPECT_NEAR(s.mean_s, 0.0500005, 1e-9);
}

TEST(LatencyHistogram, SmallValuesExactAndMergeAddsUp) {
  LatencyHistogram a, b;
  for (int i = 0; i < 10; ++i) a.record(std::chrono::nanoseconds(7));
  b.record(std::chrono::nanoseconds(40));
  a.merge(b);
  EXPECT_EQ(a.count(), 11u);
  EXPECT_DOUBLE_EQ(a.quantile_s(0.5), 7e-9);
  EXPECT_DOUBLE_EQ(a.quantile_s(1.0), 40e-9);
  EXPECT_EQ(LatencyHistogram().summary().count, 0u);
  EXPECT_EQ(LatencyHistogram().summary().p99_s, 0.0);
}

TEST(NameTemplate, IndexAndTotal) {
  const NameTemplate names("obj_{}_of_{}.dat", 10);
  EXPECT_EQ(names.name(0), "obj_0_of_10.dat");
  EXPECT_EQ(names.name(9), "obj_9_of_10.dat");
  EXPECT_EQ(NameTemplate("dir{}/part-{}", 3).name(2), "dir2/part-3");
  EXPECT_EQ(NameTemplate("{}", 5).name(4), "4");
  EXPECT_EQ(NameTemplate("single.bin", 1).name(0), "single.bin");
}

TEST(NameTemplate, RejectsWhatCannotNameEveryObject) {
  EXPECT_EQ(error_message([] { NameTemplate("same.dat", 2); }),
            "template 'same.dat': needs a {} for the object index with 2 objects, or every object gets the same name");
  EXPECT_EQ(error_message([] { NameTemplate("obj_{:04}", 2); }),
            "template 'obj_{:04}': only {} placeholders are supported (first: index, second: count)");
  EXPECT_EQ(error_message([] { NameTemplate("{}{}{}", 2); }),
            "template '{}{}{}': at most two {} placeholders (object index, object count)");
  EXPECT_EQ(error_message([] { NameTemplate("", 1); }), "template is empty: give a name such as obj_{}_of_{}.dat");
}

TEST(PipelineOptions, ValidateNamesTheField) {
  PipelineOptions options;
  validate(options);
  options.jobs = 0;
  EXPECT_EQ(error_message([&] { validate(options); }), "jobs 0: must be from 1 to 4096");
  options = {};
  options.chunk_bytes = 100;
  EXPECT_EQ(error_message([&] { validate(options); }), "chunk size 100 B: must be from 4 KiB to 1 GiB");
  options = {};
  options.queue_depth = 0;
  EXPECT_EQ(error_message([&] { validate(options); }), "queue depth 0: must be from 1 to 65536");
  options = {};
  options.threads = 5000;
  EXPECT_EQ(error_message([&] { validate(options); }), "threads 5000: must be from 0 (one per CPU) to 1024");
}

}  // namespace
}  // namespace sdgen
