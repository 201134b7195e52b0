#pragma once
// Loopback HTTP for the demo and the tests: a blocking client for talking to a supplybot server,
// and a real local HTTP(S) server standing in for the Telegram Bot API that records every call
// and can be told what to answer. Only ever 127.0.0.1. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace supplybot::bot::loopback {

struct Reply {
  int status{0};
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// One request on a fresh connection to 127.0.0.1:port.
Reply http_request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = {},
                   const std::map<std::string, std::string>& headers = {});

// Sends raw bytes, returns whatever the server answers until it closes or timeout passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout);

struct RecordedCall {
  std::string method;  // "sendMessage"
  std::string token;
  std::string body;
};

struct ScriptedAnswer {
  int status{200};
  std::string body;  // empty: {"ok":true,"result":{"message_id":N}}
  std::string retry_after_header;
};

// A self-signed certificate for 127.0.0.1 made with the openssl command line.
struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};
TlsFiles make_self_signed(const std::filesystem::path& dir);

class FakeBotApi {
 public:
  FakeBotApi();
  // Serves HTTPS with the given certificate instead of plain HTTP.
  explicit FakeBotApi(const TlsFiles& tls);
  ~FakeBotApi();
  std::uint16_t port() const { return port_; }
  std::string api_root() const { return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_); }

  // Answers to use, in order, before falling back to success.
  void script(std::vector<ScriptedAnswer> answers);
  std::vector<RecordedCall> calls() const;
  // Waits until at least n calls arrived; false on timeout.
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  void start();
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_{0};
  bool tls_{false};
};


}  // namespace supplybot::bot::loopback
