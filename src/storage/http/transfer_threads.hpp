// The threads that run HTTP transfers for the writers (internal to libsdgen).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sdgen::http {

// Runs each task at once on an idle thread, or on a new one when none is idle: a task never
// waits behind another (a streaming PUT's task waits for its writer's chunks, so queueing tasks
// could deadlock a caller that interleaves writers). Threads stay for reuse, and so do their
// curl handles and connections. Threads number about the most tasks that ever ran at once (a
// thread whose task has just returned is idle only once it is back for the next one, so a task
// started in that moment gets a new thread). The destructor waits for running tasks.
class TransferThreads {
 public:
  TransferThreads() = default;
  TransferThreads(const TransferThreads&) = delete;
  TransferThreads& operator=(const TransferThreads&) = delete;
  ~TransferThreads();

  void run(std::function<void()> task);  // the task must not throw

 private:
  void serve();

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace sdgen::http
