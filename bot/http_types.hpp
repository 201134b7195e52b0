#pragma once
// Plain request and response values between the Beast session and the route handlers, so the
// handlers (and their tests) need no Beast headers.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace supplybot::bot {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path?query
  std::string path;    // target without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  // First header with that name (case-insensitive), empty when absent.
  std::string_view header(std::string_view name) const;
  // First query parameter with that name, empty when absent.
  std::string_view param(std::string_view name) const;
  bool has_param(std::string_view name) const;
};

struct HttpResponse {
  int status{200};
  std::string content_type{"application/json"};
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"error": code, "message": text} with the status, as DESIGN.md specifies.
HttpResponse json_error(int status, std::string_view code, std::string_view message);
HttpResponse json_ok(std::string body = "{\"ok\":true}");

// Splits target into path and decoded query parameters (percent-decoding, '+' as space).
void split_target(std::string_view target, std::string& path, std::vector<std::pair<std::string, std::string>>& query);

// Compares two secrets in time independent of where they differ (length leaks, content not).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace supplybot::bot
