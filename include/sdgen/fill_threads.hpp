// Threads kept for repeated parallel fills (DataGenerator::fill_parallel): starting and joining
// threads for every 1 MiB chunk costs more than generating it.
//
// The caller's thread does one share of every job, so FillThreads(1) starts no thread. Idle
// threads spin briefly before they sleep: in a VM a futex wake-up takes microseconds, as long as
// generating a few hundred KiB. One job at a time: a FillThreads belongs to one caller thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#pragma GCC visibility push(default)
namespace sdgen {

class FillThreads {
 public:
  explicit FillThreads(unsigned threads);  // threads >= 1, the caller's included
  ~FillThreads();
  FillThreads(const FillThreads&) = delete;
  FillThreads& operator=(const FillThreads&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Runs part(0) .. part(parts - 1), parts <= size(), part 0 on the calling thread; returns when
  // all are done. `part` must not throw.
  void run(unsigned parts, const std::function<void(unsigned)>& part);

 private:
  void work(unsigned index);

  std::vector<std::jthread> workers_;
  const std::function<void(unsigned)>* part_ = nullptr;
  unsigned parts_ = 0;
  std::atomic<std::uint64_t> generation_{0};  // bumped to start a job (or to stop)
  std::atomic<unsigned> pending_{0};          // worker parts of the current job not yet done
  bool stopping_ = false;
};

}  // namespace sdgen
#pragma GCC visibility pop
