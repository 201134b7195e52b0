#pragma once
// Internal to handlers/: everything one message's (or one tick's) handling needs, shared by the
// resident, volunteer and coordinator command files so each helper stays short.

#include <optional>
#include <string>
#include <vector>

#include "handlers/assign/outcome.hpp"
#include "handlers/chat_message.hpp"
#include "handlers/engine.hpp"
#include "handlers/outbox_policy.hpp"
#include "handlers/parse/parser.hpp"
#include "handlers/store.hpp"
#include "handlers/texts.hpp"

namespace supplybot::handlers {

class Dispatch;

struct Turn {
  StoreTx& tx;
  const ChatMessage& m;
  UnixTime now;
  Lang lang;
  HandleResult& result;
  const EngineConfig& config;
  Dispatch& dispatch;
  // A button press: the first reply becomes the button's answer (a short notice) instead of a
  // chat message; see Engine::handle.
  std::string button_answer{};
  // Assignment decisions to announce once this turn's own replies are queued (so a resident's
  // confirmation comes before the volunteer's task card in the same chat). The OrderId is a
  // new order whose confirmation already named its volunteer.
  std::vector<std::pair<Outcome, std::optional<OrderId>>> deferred{};

  // Queues a reply to the message (split when longer than Telegram allows).
  void reply(const std::string& text, std::int64_t order_no = 0, std::string markup = {}) {
    if (text.empty()) return;
    if (m.callback_data) {
      if (button_answer.empty()) {
        button_answer = text;
        return;
      }
    }
    send(OutgoingMessage{.platform = m.platform,
                         .chat_id = m.chat_id,
                         .thread_id = m.thread_id,
                         .text = text,
                         .reply_to = m.callback_data ? m.reply_to : std::optional<std::string>(m.message_id),
                         .markup_json = std::move(markup),
                         .order_no = order_no});
  }

  // Queues any message (to another chat, a file, a button answer).
  // A chat message longer than Telegram allows is split, the buttons kept on the last piece;
  // files and button answers are never split.
  void send(OutgoingMessage out) {
    if (out.text.empty()) return;
    auto pieces = out.document_name.empty() && !out.callback_id ? split_message(out.text) : std::vector<std::string>{};
    if (pieces.size() > 1) {
      auto markup = std::move(out.markup_json);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        OutgoingMessage piece = out;
        piece.text = std::move(pieces[i]);
        piece.markup_json = i + 1 == pieces.size() ? markup : std::string();
        result.reply_ids.push_back(tx.enqueue_outbox(piece, now, now));
        result.replies.push_back(std::move(piece));
      }
      return;
    }
    result.reply_ids.push_back(tx.enqueue_outbox(out, now, now));
    result.replies.push_back(std::move(out));
  }

  bool in_private() const { return m.chat_kind == ChatKind::private_chat; }
};

// Roles. Coordinators come from the config (never from typing) or were added by a coordinator.
bool is_coordinator(Turn& t);
std::optional<VolunteerRecord> active_volunteer(Turn& t);

// A logistics command word from someone without the role, in a group, with no arguments and no
// slash ("志愿者辛苦了", "下班"): ordinary chat, the bot keeps quiet.
bool quietly_ignored(const Turn& t, const Parsed& p);

// The language to write to a household in: the script its order was written in.
Lang order_language(const Order& o, Lang fallback);

// Telegram inline keyboards (empty on other platforms: WeChat has no buttons; every button has a
// text command twin).
std::string task_buttons(Platform p, OrderId id, OrderStatus status);
std::string cancel_button(Platform p, OrderId id);
std::string claim_button(Platform p, OrderId id);

}  // namespace supplybot::handlers
