#pragma once
// Awaiting the writer from a coroutine: submit a job, resume on the caller's executor after its
// COMMIT. Used by the webhook routes and the outbox. Include only from .cpp files that already
// use Asio.

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <stdexcept>

#include "bot/writer.hpp"

namespace supplybot::bot {

namespace writer_await_detail {
// Wrapped so Asio does not take the exception_ptr for an error of the wait itself.
struct JobOutcome {
  std::exception_ptr error;
};
}  // namespace writer_await_detail

// nullptr once the job committed; otherwise its exception, a StoreError, or "shutting down"
// when the writer no longer takes jobs.
inline boost::asio::awaitable<std::exception_ptr> run_on_writer(Writer& writer, Writer::Job job) {
  namespace asio = boost::asio;
  using writer_await_detail::JobOutcome;
  auto ex = co_await asio::this_coro::executor;
  JobOutcome outcome = co_await asio::async_initiate<decltype(asio::use_awaitable), void(JobOutcome)>(
      [&writer, &job, ex](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        bool accepted = writer.submit(std::move(job), [h, ex](std::exception_ptr e) {
          asio::post(ex, [h, e]() mutable { (*h)(JobOutcome{e}); });
        });
        if (!accepted) {
          asio::post(ex, [h]() mutable {
            (*h)(JobOutcome{std::make_exception_ptr(std::runtime_error("shutting down"))});
          });
        }
      },
      asio::use_awaitable);
  co_return outcome.error;
}

}  // namespace supplybot::bot
