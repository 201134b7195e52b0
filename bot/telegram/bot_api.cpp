#include "bot/telegram/bot_api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "handlers/outbox_policy.hpp"

namespace supplybot::bot::telegram {

using nlohmann::json;

namespace {

// chat ids are 64-bit integers on Telegram; send them as numbers when they are.
json chat_id_value(const std::string& id) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec == std::errc{} && p == id.data() + id.size()) return v;
  return id;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The parts of sendMessage and sendDocument that say where the message goes.
json addressing(const handlers::OutgoingMessage& m) {
  json j = {{"chat_id", chat_id_value(m.chat_id)}};
  if (m.thread_id) j["message_thread_id"] = *m.thread_id;
  if (m.reply_to) {
    std::int64_t mid = 0;
    auto [p, ec] = std::from_chars(m.reply_to->data(), m.reply_to->data() + m.reply_to->size(), mid);
    if (ec == std::errc{} && p == m.reply_to->data() + m.reply_to->size())
      j["reply_parameters"] = {{"message_id", mid}, {"allow_sending_without_reply", true}};
  }
  if (!m.markup_json.empty()) {
    json markup = json::parse(m.markup_json, nullptr, false);
    if (!markup.is_discarded()) j["reply_markup"] = std::move(markup);
  }
  return j;
}

// A file name that cannot end the quoted Content-Disposition parameter or the header line.
std::string safe_filename(std::string_view name) {
  std::string out;
  for (char c : name) out += (c == '"' || c == '\\' || c == '\r' || c == '\n' || c == '\0') ? '_' : c;
  return out.empty() ? "file" : out;
}

bool ends_with_csv(std::string_view name) {
  if (name.size() < 4) return false;
  auto ext = name.substr(name.size() - 4);
  return ext[0] == '.' && std::tolower(static_cast<unsigned char>(ext[1])) == 'c' &&
         std::tolower(static_cast<unsigned char>(ext[2])) == 's' && std::tolower(static_cast<unsigned char>(ext[3])) == 'v';
}

}  // namespace

std::string send_message_body(const handlers::OutgoingMessage& m) {
  json j = addressing(m);
  j["text"] = m.text;
  return dump(j);
}

std::string answer_callback_body(std::string_view callback_query_id, std::string_view text) {
  json j = {{"callback_query_id", std::string(callback_query_id)}};
  if (!text.empty()) {
    if (handlers::utf16_length(text) <= k_callback_text_max) {
      j["text"] = std::string(text);
    } else {
      // "…" is one UTF-16 unit.
      j["text"] = std::string(handlers::utf16_prefix(text, k_callback_text_max - 1)) + "…";
    }
  }
  return dump(j);
}

MultipartBody send_document_body(const handlers::OutgoingMessage& m) {
  std::vector<std::pair<std::string, std::string>> fields;
  const json where = addressing(m);
  for (const auto& [key, value] : where.items())
    fields.emplace_back(key, value.is_string() ? value.get<std::string>() : dump(value));
  std::string filename = safe_filename(m.document_name);
  std::string file_type = ends_with_csv(m.document_name) ? "text/csv" : "application/octet-stream";

  // A boundary that occurs nowhere in what it separates.
  std::string boundary;
  for (unsigned n = 0;; ++n) {
    boundary = "supplybot-boundary-" + std::to_string(n);
    bool clash = m.text.find(boundary) != std::string::npos;
    for (const auto& f : fields) clash = clash || f.second.find(boundary) != std::string::npos;
    if (!clash) break;
  }
  std::string body;
  body.reserve(m.text.size() + 512);
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
    body += value;
    body += "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"" + filename +
          "\"\r\nContent-Type: " + file_type + "\r\n\r\n";
  body += m.text;
  body += "\r\n--" + boundary + "--\r\n";
  return MultipartBody{.content_type = "multipart/form-data; boundary=" + boundary, .body = std::move(body)};
}

SendResult interpret_response(int status, std::string_view body, std::string_view retry_after_header,
                              std::string_view transport_error) {
  SendResult r;
  if (status == 0) {
    r.outcome = SendOutcome::retry;
    r.reason = transport_error.empty() ? "no answer from the Bot API" : std::string(transport_error);
    return r;
  }
  json j = json::parse(body, nullptr, false);
  std::string description;
  if (j.is_object()) {
    if (auto d = j.find("description"); d != j.end() && d->is_string()) description = d->get<std::string>();
  }
  if (status == 200 && j.is_object() && j.value("ok", false)) {
    r.outcome = SendOutcome::sent;
    if (auto res = j.find("result"); res != j.end() && res->is_object()) {
      if (auto mid = res->find("message_id"); mid != res->end() && mid->is_number_integer())
        r.message_id = std::to_string(mid->get<std::int64_t>());
    }
    return r;
  }
  if (status == 429) {
    r.outcome = SendOutcome::rate_limited;
    int after = 0;
    if (j.is_object()) {
      if (auto p = j.find("parameters"); p != j.end() && p->is_object()) {
        if (auto ra = p->find("retry_after"); ra != p->end() && ra->is_number_integer()) after = ra->get<int>();
      }
    }
    if (after <= 0 && !retry_after_header.empty()) {
      std::from_chars(retry_after_header.data(), retry_after_header.data() + retry_after_header.size(), after);
    }
    r.retry_after_s = after > 0 ? after : 1;
    r.reason = "429 Too Many Requests" + (description.empty() ? "" : ": " + description);
    return r;
  }
  r.reason = std::to_string(status) + (description.empty() ? "" : ": " + description);
  if (status >= 500 || status == 200) {
    // 200 without ok:true is an answer we cannot trust: try again.
    r.outcome = SendOutcome::retry;
    return r;
  }
  r.outcome = SendOutcome::refused;
  return r;
}

}  // namespace supplybot::bot::telegram
