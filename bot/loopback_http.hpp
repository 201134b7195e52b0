#pragma once
// Loopback HTTP for the demo and the tests: a blocking client for talking to a supplybot server,
// a real local HTTP(S) server standing in for the Telegram Bot API, and a generic one standing in
// for any other endpoint (a WeCom robot webhook, a bridge callback); both record every call and
// can be told what to answer. Only ever 127.0.0.1. Thread-safe.

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
  std::string content_type;
  // multipart/form-data calls (sendDocument): the plain fields, and the one file part.
  std::map<std::string, std::string> form;
  std::string file_field;  // "document"
  std::string file_name;
  std::string file_content_type;
  std::string file_contents;
};

// Any request, as received.
struct HttpCall {
  std::string method;  // "POST"
  std::string target;  // path and query
  std::map<std::string, std::string> headers;  // lower-case names
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

class ServerCore;

class FakeBotApi {
 public:
  FakeBotApi();
  // Serves HTTPS with the given certificate instead of plain HTTP.
  explicit FakeBotApi(const TlsFiles& tls);
  ~FakeBotApi();
  std::uint16_t port() const;
  std::string api_root() const;

  // Answers to use, in order, before falling back to success.
  void script(std::vector<ScriptedAnswer> answers);
  std::vector<RecordedCall> calls() const;
  // Waits until at least n calls arrived; false on timeout.
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  std::unique_ptr<ServerCore> core_;
};

// A plain HTTP server on 127.0.0.1 that records every request and answers from a script, then
// with `default_answer` (e.g. a WeCom robot's {"errcode":0,"errmsg":"ok"}).
class FakeHttpServer {
 public:
  explicit FakeHttpServer(ScriptedAnswer default_answer = {200, "{}", ""});
  ~FakeHttpServer();
  std::uint16_t port() const;
  // http://127.0.0.1:PORT followed by path ("/cgi-bin/webhook/send?key=k").
  std::string url(const std::string& path = "") const;

  void script(std::vector<ScriptedAnswer> answers);
  std::vector<HttpCall> calls() const;
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  std::unique_ptr<ServerCore> core_;
};

// Splits a multipart/form-data body (boundary from its Content-Type) into the call's form fields
// and file part. False when it is not such a body.
bool parse_multipart(const std::string& content_type, const std::string& body, RecordedCall& out);

}  // namespace supplybot::bot::loopback
