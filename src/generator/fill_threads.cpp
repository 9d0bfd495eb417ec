#include "sdgen/fill_threads.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sdgen/error.hpp"

namespace sdgen {
namespace {

// Returns once `value` differs from `old`: spins for a few microseconds, then sleeps in the
// kernel (std::atomic::wait is a futex on Linux).
template <typename T>
T await_change(const std::atomic<T>& value, T old) {
  for (int spin = 0; spin < 4000; ++spin) {
    if (const T now = value.load(std::memory_order_acquire); now != old) return now;
#if defined(__x86_64__)
    _mm_pause();
#endif
  }
  for (;;) {
    value.wait(old, std::memory_order_acquire);
    if (const T now = value.load(std::memory_order_acquire); now != old) return now;
  }
}

}  // namespace

FillThreads::FillThreads(unsigned threads) {
  if (threads == 0) throw_invalid("threads 0: need at least one");
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

FillThreads::~FillThreads() {
  stopping_ = true;
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  workers_.clear();  // joins
}

void FillThreads::run(unsigned parts, const std::function<void(unsigned)>& part) {
  if (parts == 0) return;
  if (parts > size())
    throw_invalid("fill job of " + std::to_string(parts) + " parts for " + std::to_string(size()) + " threads");
  part_ = &part;
  parts_ = parts;
  pending_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  part(0);
  for (unsigned left = pending_.load(std::memory_order_acquire); left != 0;) left = await_change(pending_, left);
}

void FillThreads::work(unsigned index) {
  std::uint64_t seen = 0;
  for (;;) {
    seen = await_change(generation_, seen);
    if (stopping_) return;
    if (index < parts_) (*part_)(index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
  }
}

}  // namespace sdgen
