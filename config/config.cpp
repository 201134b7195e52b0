#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;

namespace supplybot::config {
namespace {

// Every key is read as text (from TOML scalars or the environment) and parsed by its setter, so
// a file and an environment variable are validated by the same code.
using Setter = std::function<std::string(Config&, const std::string&)>;  // returns error or ""

struct Key {
  const char* name;  // "section.key"
  Setter set;
};

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

template <typename T>
std::string parse_uint(const std::string& v, T& out, unsigned long long lo, unsigned long long hi) {
  unsigned long long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc{} || p != v.data() + v.size() || x < lo || x > hi) {
    return "expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
           ", got '" + v + "'";
  }
  out = static_cast<T>(x);
  return {};
}

std::string parse_double(const std::string& v, double& out, double lo, double hi) {
  try {
    std::size_t used = 0;
    double x = std::stod(v, &used);
    if (used != v.size() || x < lo || x > hi) throw std::invalid_argument("range");
    out = x;
    return {};
  } catch (const std::exception&) {
    return "expected a number between " + std::to_string(lo) + " and " + std::to_string(hi) +
           ", got '" + v + "'";
  }
}

std::string set_string(std::string& field, const std::string& v) {
  field = v;
  return {};
}

std::string set_listen(Config& c, const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos) return "expected host:port, got '" + v + "'";
  std::string host = v.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return "expected host:port, got '" + v + "'";
  std::uint16_t port = 0;
  if (auto e = parse_uint(v.substr(colon + 1), port, 0, 65535); !e.empty()) return "port: " + e;
  c.server.host = host;
  c.server.port = port;
  return {};
}

// An outbound endpoint: empty (none) or an http(s) URL with a host. The value is not repeated in
// the error, since a webhook URL carries its key.
std::string set_outbound_url(std::string& field, const std::string& v) {
  std::string_view rest = v;
  if (rest.rfind("https://", 0) == 0) rest.remove_prefix(8);
  else if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
  else if (!v.empty()) return "must be an http:// or https:// URL";
  if (!v.empty()) {
    auto host = rest.substr(0, rest.find_first_of("/?#"));
    bool bad = host.empty() || host.front() == ':' ||
               std::any_of(host.begin(), host.end(), [](unsigned char ch) { return std::isspace(ch) || ch == '@'; }) ||
               std::any_of(rest.begin(), rest.end(), [](unsigned char ch) { return ch < 0x20 || ch == ' '; });
    if (bad) return "must be an http:// or https:// URL with a host name and no spaces";
  }
  field = v;
  return {};
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  std::string part;
  while (std::getline(ss, part, ',')) {
    part = trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"server.listen", set_listen},
      {"server.threads", [](Config& c, const std::string& v) { return parse_uint(v, c.server.threads, 0, 256); }},
      {"server.body_limit", [](Config& c, const std::string& v) { return parse_uint(v, c.server.body_limit, 1024, 64ull << 20); }},
      {"server.read_timeout", [](Config& c, const std::string& v) { return parse_uint(v, c.server.read_timeout_s, 1, 3600); }},
      {"server.idle_timeout", [](Config& c, const std::string& v) { return parse_uint(v, c.server.idle_timeout_s, 1, 86400); }},
      {"server.max_connections", [](Config& c, const std::string& v) { return parse_uint(v, c.server.max_connections, 1, 1000000); }},
      {"server.log_level", [](Config& c, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error")
           return "expected debug, info, warn or error, got '" + v + "'";
         c.server.log_level = v;
         return std::string();
       }},
      {"storage.path", [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("must not be empty");
         c.storage.path = v;
         return std::string();
       }},
      {"storage.synchronous", [](Config& c, const std::string& v) {
         std::string u = v;
         std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
         if (u != "FULL" && u != "NORMAL" && u != "EXTRA") return "expected FULL, NORMAL or EXTRA, got '" + v + "'";
         c.storage.synchronous = u;
         return std::string();
       }},
      {"storage.batch_max", [](Config& c, const std::string& v) { return parse_uint(v, c.storage.batch_max, 1, 100000); }},
      {"telegram.bot_token", [](Config& c, const std::string& v) { return set_string(c.telegram.bot_token, v); }},
      {"telegram.secret_token", [](Config& c, const std::string& v) {
         // Telegram allows 1-256 characters A-Z a-z 0-9 _ -
         bool ok = v.size() <= 256 && std::all_of(v.begin(), v.end(), [](unsigned char ch) {
                     return std::isalnum(ch) || ch == '_' || ch == '-';
                   });
         if (!ok) return std::string("must be up to 256 characters of A-Z, a-z, 0-9, _ and -");
         c.telegram.secret_token = v;
         return std::string();
       }},
      {"telegram.api_root", [](Config& c, const std::string& v) {
         if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
           return "must start with http:// or https://, got '" + v + "'";
         std::string root = v;
         while (!root.empty() && root.back() == '/') root.pop_back();
         c.telegram.api_root = root;
         return std::string();
       }},
      {"telegram.bot_username", [](Config& c, const std::string& v) {
         c.telegram.bot_username = (!v.empty() && v.front() == '@') ? v.substr(1) : v;
         return std::string();
       }},
      {"telegram.global_rate", [](Config& c, const std::string& v) { return parse_double(v, c.telegram.global_rate, 0.1, 1000); }},
      {"telegram.per_chat_per_minute", [](Config& c, const std::string& v) { return parse_uint(v, c.telegram.per_chat_per_minute, 1, 10000); }},
      {"telegram.ca_file", [](Config& c, const std::string& v) { return set_string(c.telegram.ca_file, v); }},
      {"wechat.token", [](Config& c, const std::string& v) { return set_string(c.wechat.token, v); }},
      {"wechat.encoding_aes_key", [](Config& c, const std::string& v) {
         if (!v.empty() && v.size() != 43) return std::string("must be exactly 43 characters (the EncodingAESKey)");
         c.wechat.encoding_aes_key = v;
         return std::string();
       }},
      {"wechat.app_id", [](Config& c, const std::string& v) { return set_string(c.wechat.app_id, v); }},
      {"wechat.outbound_url", [](Config& c, const std::string& v) { return set_outbound_url(c.wechat.outbound_url, v); }},
      {"bridge.token", [](Config& c, const std::string& v) { return set_string(c.bridge.token, v); }},
      {"bridge.callback_url", [](Config& c, const std::string& v) { return set_outbound_url(c.bridge.callback_url, v); }},
      {"bot.language", [](Config& c, const std::string& v) {
         if (v != "zh" && v != "en") return "expected zh or en, got '" + v + "'";
         c.bot.language = v;
         return std::string();
       }},
      {"bot.catalog", [](Config& c, const std::string& v) {
         c.bot.catalog = v;
         return std::string();
       }},
      {"bot.utc_offset", [](Config& c, const std::string& v) {
         // "+08:00", "-05:30", "+8", "0"
         std::string t = v;
         int sign = 1;
         if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
           sign = t[0] == '-' ? -1 : 1;
           t = t.substr(1);
         }
         unsigned h = 0, m = 0;
         auto colon = t.find(':');
         std::string err = parse_uint(t.substr(0, colon), h, 0, 14);
         if (err.empty() && colon != std::string::npos) err = parse_uint(t.substr(colon + 1), m, 0, 59);
         if (!err.empty()) return "expected an offset like \"+08:00\", got '" + v + "'";
         c.bot.utc_offset_minutes = sign * static_cast<int>(h * 60 + m);
         return std::string();
       }},
      {"logistics.default_capacity", [](Config& c, const std::string& v) { return parse_uint(v, c.logistics.default_capacity, 1, 1000); }},
      {"logistics.escalate_after_minutes", [](Config& c, const std::string& v) { return parse_uint(v, c.logistics.escalate_after_minutes, 1, 7 * 24 * 60); }},
      {"logistics.auto_receipt_hours", [](Config& c, const std::string& v) { return parse_uint(v, c.logistics.auto_receipt_hours, 1, 30 * 24); }},
      {"logistics.tick_seconds", [](Config& c, const std::string& v) { return parse_uint(v, c.logistics.tick_seconds, 1, 3600); }},
      {"limits.sender_per_minute", [](Config& c, const std::string& v) { return parse_uint(v, c.limits.sender_per_minute, 0, 100000); }},
      {"limits.sender_burst", [](Config& c, const std::string& v) { return parse_uint(v, c.limits.sender_burst, 1, 100000); }},
      {"limits.chat_per_minute", [](Config& c, const std::string& v) { return parse_uint(v, c.limits.chat_per_minute, 0, 1000000); }},
      {"limits.chat_burst", [](Config& c, const std::string& v) { return parse_uint(v, c.limits.chat_burst, 1, 1000000); }},
      {"limits.tracked_keys", [](Config& c, const std::string& v) { return parse_uint(v, c.limits.tracked_keys, 100, 10000000); }},
      {"roles.coordinators", [](Config& c, const std::string& v) {
         auto list = split_list(v);
         for (const auto& e : list) {
           auto colon = e.find(':');
           if (colon == std::string::npos || colon == 0 || colon + 1 == e.size())
             return "entries look like \"telegram:123456\", got '" + e + "'";
         }
         c.roles.coordinators = std::move(list);
         return std::string();
       }},
  };
  return k;
}

const Key* find_key(std::string_view name) {
  for (const auto& k : keys())
    if (name == k.name) return &k;
  return nullptr;
}

std::string env_name(std::string_view key) {
  std::string out = "SUPPLYBOT_";
  for (char ch : key) out += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// TOML scalar or array → the text form setters take; nullopt for a type no key accepts.
std::optional<std::string> as_text(const toml::node& n) {
  if (auto s = n.as_string()) return s->get();
  if (auto i = n.as_integer()) return std::to_string(i->get());
  if (auto f = n.as_floating_point()) {
    std::ostringstream o;
    o << f->get();
    return o.str();
  }
  if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = n.as_array()) {
    std::string out;
    for (const auto& e : *a) {
      auto s = e.as_string();
      if (!s) return std::nullopt;
      if (!out.empty()) out += ",";
      out += s->get();
    }
    return out;
  }
  return std::nullopt;
}

void finish(LoadResult& r, const Environment& env) {
  for (const auto& k : keys()) {
    auto it = env.find(env_name(k.name));
    if (it == env.end()) continue;
    if (auto e = k.set(r.config, it->second); !e.empty())
      r.errors.push_back(std::string(k.name) + " (from " + it->first + "): " + e);
  }
  const auto& t = r.config.telegram;
  if (!t.bot_token.empty() && t.secret_token.empty())
    r.errors.push_back("telegram.secret_token: required when telegram.bot_token is set");
  // A robot's webhook reaches robot chats; with an Official Account or a WeCom app (their id set)
  // it could post residents' private replies into a group.
  if (!r.config.wechat.outbound_url.empty() && !r.config.wechat.app_id.empty())
    r.errors.push_back("wechat.outbound_url: a WeCom group robot's webhook, only for a robot (wechat.app_id empty)");
  if (!r.config.bridge.callback_url.empty() && r.config.bridge.token.empty())
    r.errors.push_back("bridge.callback_url: needs bridge.token, which is sent with every callback");
  // wechat.app_id may be empty in safe mode: WeCom group robots seal messages with an empty id.
}

void apply_table(LoadResult& r, const toml::table& root) {
  for (const auto& [section, node] : root) {
    const auto* table = node.as_table();
    if (!table) {
      r.errors.push_back(std::string(section.str()) + ": expected a [section] table");
      continue;
    }
    for (const auto& [key, value] : *table) {
      std::string name = std::string(section.str()) + "." + std::string(key.str());
      const Key* k = find_key(name);
      if (!k) {
        r.errors.push_back(name + ": unknown key");
        continue;
      }
      auto text = as_text(value);
      if (!text) {
        r.errors.push_back(name + ": unsupported value type");
        continue;
      }
      if (auto e = k->set(r.config, *text); !e.empty()) r.errors.push_back(name + ": " + e);
    }
  }
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("SUPPLYBOT_", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

LoadResult load_from_string(std::string_view toml_text, const Environment& env) {
  LoadResult r;
  try {
    auto table = toml::parse(toml_text);
    apply_table(r, table);
  } catch (const toml::parse_error& e) {
    std::ostringstream o;
    o << "config: TOML syntax error at line " << e.source().begin.line << ": " << e.description();
    r.errors.push_back(o.str());
  }
  finish(r, env);
  return r;
}

LoadResult load(const std::filesystem::path& file, const Environment& env) {
  if (file.empty()) {
    LoadResult r;
    finish(r, env);
    return r;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.errors.push_back("config: cannot read file " + file.string());
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = load_from_string(ss.str(), env);
  r.config.source = file;
  for (auto& e : r.errors) e = file.filename().string() + ": " + e;
  return r;
}

}  // namespace supplybot::config
