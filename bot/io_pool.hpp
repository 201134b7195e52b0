#pragma once
// One single-threaded io_context per thread. A connection lives on one context for its whole life,
// so its handlers never run concurrently and need no strand. (Strands behind any_io_executor also
// showed use-after-free crashes with Beast's stream timeouts on Boost 1.81 here.)
// start()/stop() from the owning thread; next() and context() from any thread.

#include <pthread.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace supplybot::bot {

class IoPool {
 public:
  explicit IoPool(unsigned threads) {
    if (threads == 0) threads = 1;
    for (unsigned i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
  ~IoPool() { stop(); }
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  void start() {
    for (auto& c : contexts_) {
      guards_.emplace_back(boost::asio::make_work_guard(*c));
      threads_.emplace_back([ctx = c.get()] {
        pthread_setname_np(pthread_self(), "sb-io");
        ctx->run();
      });
    }
  }
  // Stops every context (pending handlers are abandoned) and joins the threads. Idempotent.
  void stop() {
    guards_.clear();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  boost::asio::io_context& context(std::size_t i) { return *contexts_.at(i); }
  // Round robin, for spreading connections over the threads.
  boost::asio::io_context& next() { return *contexts_[next_++ % contexts_.size()]; }
  std::size_t size() const { return contexts_.size(); }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace supplybot::bot
