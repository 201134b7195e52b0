#pragma once
// The running supplybot: store, parser, engine, writer, HTTP server and outbox wired together.
// main() and the integration tests both use it. start() returns once the port is bound; stop()
// drains in-flight requests, stops the outbox and the writer, and joins the I/O threads.

#include <cstdint>
#include <memory>

#include "config/config.hpp"

namespace supplybot::bot {

class Service {
 public:
  // Throws std::runtime_error with a readable message when the store or catalog cannot be opened.
  explicit Service(config::Config config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void start();
  std::uint16_t port() const;
  // Graceful stop; idempotent.
  void stop();
  // Reads the catalog file again and hands the new parser to the engine; on any error the old
  // catalog stays and the error is logged. False on error. Any thread.
  bool reload_catalog();
  // Blocks until SIGINT or SIGTERM, then stops gracefully. SIGHUP reloads the catalog.
  void run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace supplybot::bot
