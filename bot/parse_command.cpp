#include "bot/parse_command.hpp"

#include "config/catalog_loader.hpp"
#include "handlers/parse/parser.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <istream>
#include <ostream>

namespace supplybot::bot {
namespace {

// ordered_json keeps the key order of the DESIGN.md example (id, intent, household, ...).
using json = nlohmann::ordered_json;

json qty_json(double q) {
  double r = std::round(q);
  if (std::fabs(q - r) < 1e-9 && std::fabs(q) < 1e15) return static_cast<long long>(r);
  return q;
}

// The DESIGN.md shape; `details` adds the fields beyond the contract (category, notes per item,
// command and arguments, order ref, unclear text, flags).
json to_json(const handlers::Parsed& p, bool details) {
  json j = json::object();
  j["intent"] = std::string(handlers::to_string(p.intent));
  j["household"] = p.household ? json(*p.household) : json(nullptr);
  json items = json::array();
  for (const auto& it : p.items) {
    json ji = json::object();
    ji["name"] = it.name;
    ji["qty"] = qty_json(it.qty);
    ji["unit"] = it.unit.empty() ? json(nullptr) : json(it.unit);
    ji["text"] = it.text;
    if (details) {
      if (!it.category.empty()) ji["category"] = it.category;
      ji["in_catalog"] = it.in_catalog;
      if (!it.note.empty()) ji["note"] = it.note;
    }
    items.push_back(std::move(ji));
  }
  j["items"] = std::move(items);
  j["notes"] = p.notes ? json(*p.notes) : json(nullptr);
  j["confidence"] = std::round(p.confidence * 100) / 100;
  if (!details) return j;
  if (p.urgent) j["urgent"] = true;
  if (p.intent == handlers::Intent::command) {
    j["command"] = p.command;
    j["args"] = p.args;
  }
  if (p.order_ref) j["order_ref"] = *p.order_ref;
  if (!p.unclear.empty()) j["unclear"] = p.unclear;
  if (p.same_as_previous) j["same_as_previous"] = true;
  if (p.same_as_yesterday) j["same_as_yesterday"] = true;
  return j;
}

std::string format_qty(double q) {
  json j = qty_json(q);
  return j.dump();
}

void print_readable(const handlers::Parsed& p, std::ostream& out) {
  out << "intent: " << handlers::to_string(p.intent) << "\n";
  if (p.household) out << "household: " << *p.household << "\n";
  if (p.intent == handlers::Intent::command) {
    out << "command: " << p.command;
    for (const auto& a : p.args) out << " " << a;
    out << "\n";
  }
  for (const auto& it : p.items) {
    out << "  - " << it.name << " " << format_qty(it.qty) << (it.unit.empty() ? "" : " " + it.unit);
    if (!it.in_catalog) out << " (not in catalog)";
    if (!it.note.empty()) out << " [" << it.note << "]";
    out << "   <- " << it.text << "\n";
  }
  if (p.notes) out << "notes: " << *p.notes << "\n";
  if (p.order_ref) out << "order: #" << *p.order_ref << "\n";
  if (p.same_as_previous) out << "same as previous\n";
  if (p.same_as_yesterday) out << "same as yesterday\n";
  if (p.urgent) out << "urgent\n";
  if (!p.unclear.empty()) out << "unclear: " << p.unclear << "\n";
  out << "confidence: " << std::round(p.confidence * 100) / 100 << "\n";
}

}  // namespace

std::string parsed_to_json_line(const std::string& id_json, const handlers::Parsed& parsed) {
  json j = json::object();
  j["id"] = json::parse(id_json, nullptr, false);
  json body = to_json(parsed, true);
  for (auto& [k, v] : body.items()) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

int run_parse(const ParseOptions& opts, std::istream& in, std::ostream& out, std::ostream& err) {
  if (opts.text && opts.jsonl) {
    err << "supplybot parse: give TEXT or --jsonl, not both\n";
    return 2;
  }
  std::filesystem::path path = opts.catalog.empty()
                                   ? std::filesystem::path(SUPPLYBOT_SOURCE_DIR) / "config" / "catalog.toml"
                                   : opts.catalog;
  auto loaded = config::load_catalog(path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) err << e << "\n";
    return 1;
  }
  handlers::Parser parser(std::move(loaded.catalog), opts.bot_username);
  if (!opts.jsonl) {
    std::string text;
    if (opts.text) {
      text = *opts.text;
    } else {
      std::string line;
      while (std::getline(in, line)) text += line + "\n";
    }
    print_readable(parser.parse(text), out);
    return 0;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    json result = json::object();
    if (j.is_discarded() || !j.is_object()) {
      result["id"] = nullptr;
      result["error"] = "line is not a JSON object";
    } else if (!j.contains("text") || !j["text"].is_string()) {
      result["id"] = j.contains("id") ? j["id"] : json(nullptr);
      result["error"] = "missing string field \"text\"";
    } else {
      result["id"] = j.contains("id") ? j["id"] : json(nullptr);
      auto parsed = parser.parse(j["text"].get_ref<const std::string&>());
      json body = to_json(parsed, opts.details);
      for (auto& [k, v] : body.items()) result[k] = v;
    }
    out << result.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  return 0;
}

}  // namespace supplybot::bot
