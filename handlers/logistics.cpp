// What residents' order changes mean for the logistics team, button presses, roles, and the
// periodic tick (round cut-offs, overdue purchases, automatic receipts).

#include <algorithm>
#include <functional>

#include "handlers/dispatch.hpp"
#include "handlers/logistics.hpp"
#include "handlers/logistics_texts.hpp"

namespace supplybot::handlers {

bool is_coordinator(Turn& t) {
  std::string key = std::string(to_string(t.m.platform)) + ":" + t.m.sender_id;
  if (std::find(t.config.coordinators.begin(), t.config.coordinators.end(), key) != t.config.coordinators.end())
    return true;
  auto m = t.tx.member(t.m.platform, t.m.sender_id);
  return m && m->role == Role::coordinator;
}

std::optional<VolunteerRecord> active_volunteer(Turn& t) {
  auto v = t.tx.volunteer_by_user(t.m.platform, t.m.sender_id);
  if (!v || !v->active) return std::nullopt;
  return v;
}

bool quietly_ignored(const Turn& t, const Parsed& p) {
  return !t.in_private() && p.args.empty() && !t.m.callback_data && (t.m.text.empty() || t.m.text.front() != '/');
}

Lang order_language(const Order& o, Lang fallback) {
  std::size_t latin = 0;
  for (const auto& l : o.lines) {
    for (unsigned char c : l.text) {
      if (c >= 0xE4 && c <= 0xE9) return Lang::zh;
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ++latin;
    }
  }
  return latin >= 3 ? Lang::en : fallback;
}

namespace {

std::string button(std::string_view label, std::string_view data) {
  // Labels and data are our own constants and digits: nothing to escape.
  return "{\"text\":\"" + std::string(label) + "\",\"callback_data\":\"" + std::string(data) + "\"}";
}

std::string keyboard(const std::vector<std::string>& buttons) {
  std::string row;
  for (const auto& b : buttons) row += (row.empty() ? "" : ",") + b;
  return "{\"inline_keyboard\":[[" + row + "]]}";
}

}  // namespace

std::string task_buttons(Platform p, OrderId id, OrderStatus status) {
  if (p != Platform::telegram) return {};
  auto n = std::to_string(id.value);
  if (status == OrderStatus::assigned)
    return keyboard({button("已购 Bought", "bought:" + n), button("已送达 Delivered", "delivered:" + n)});
  if (status == OrderStatus::purchased) return keyboard({button("已送达 Delivered", "delivered:" + n)});
  return {};
}

std::string cancel_button(Platform p, OrderId id) {
  if (p != Platform::telegram) return {};
  return keyboard({button("取消 Cancel", "cancel:" + std::to_string(id.value))});
}

std::string claim_button(Platform p, OrderId id) {
  if (p != Platform::telegram) return {};
  return keyboard({button("认领 Claim", "claim:" + std::to_string(id.value))});
}

void place_new_order(Turn& t, Order& o) {
  if (o.round_id != 0) return;  // collects until the round's cut-off
  auto out = t.dispatch.assigner().add_order(o.no, building_of(o.address), o.urgent, t.now);
  if (!out.ok()) return;
  for (const auto& a : out.assigned) {
    if (a.order != o.no) continue;
    o.status = OrderStatus::assigned;
    o.volunteer = a.volunteer;
    if (auto v = t.tx.volunteer(a.volunteer)) o.volunteer_name = v->display_name;
  }
  t.deferred.emplace_back(std::move(out), o.no);
}

namespace {

// Tells the volunteer holding `o` what changed: privately when they opened a chat with the bot,
// else in the order's chat, where text_for(false) names no address.
void tell_holder(Turn& t, const Order& o, const std::function<std::string(bool full)>& text_for) {
  if (!o.volunteer) return;
  auto v = t.tx.volunteer(*o.volunteer);
  if (!v) return;
  auto priv = t.dispatch.private_chat_of(t, v->platform, v->user_id);
  OutgoingMessage msg = priv ? *priv : OutgoingMessage{.platform = o.platform, .chat_id = o.chat_id};
  msg.text = text_for(priv.has_value());
  msg.order_no = o.no.value;
  t.send(std::move(msg));
}

}  // namespace

void order_cancelled(Turn& t, const Order& before) {
  auto out = t.dispatch.assigner().cancel(before.no, t.now);
  if (before.volunteer && before.status != OrderStatus::pending)
    tell_holder(t, before, [&](bool) { return texts::cancelled_to_volunteer(t.config.default_language, before); });
  if (out.ok() && (!out.assigned.empty() || !out.queued.empty())) t.deferred.emplace_back(std::move(out), std::nullopt);
}

void order_changed(Turn& t, const Order& before, const Order& after) {
  auto& a = t.dispatch.assigner();
  if (!a.order(after.no)) return;  // in an open round, or not open
  if (building_of(before.address) != building_of(after.address)) {
    // Moved to another building: placed again by the rules (its volunteer may not cover it).
    a.cancel(after.no, t.now);
    auto out = a.add_order(after.no, building_of(after.address), after.urgent, t.now);
    bool same_holder = std::any_of(out.assigned.begin(), out.assigned.end(), [&](const Assignment& x) {
      return before.volunteer && x.volunteer == *before.volunteer;
    });
    if (before.volunteer && !same_holder) tell_holder(t, before, [&](bool) { return texts::cancelled_to_volunteer(t.config.default_language, before); });
    else if (before.volunteer) tell_holder(t, after, [&](bool full) { return texts::changed_to_volunteer(t.config.default_language, after, full); });
    if (!out.assigned.empty() || !out.queued.empty()) {
      if (same_holder) std::erase_if(out.assigned, [&](const Assignment& x) { return x.volunteer == *before.volunteer; });
      // The holder stays: keep the store's record, only say what changed.
      t.deferred.emplace_back(std::move(out), std::nullopt);
    }
    return;
  }
  if (before.urgent != after.urgent) a.set_urgent(after.no, after.urgent);
  if (before.volunteer && after.status != OrderStatus::pending)
    tell_holder(t, after, [&](bool full) { return texts::changed_to_volunteer(t.config.default_language, after, full); });
}

void orders_received(Turn& t, const std::vector<Order>& orders) {
  for (const auto& o : orders) {
    if (o.status == OrderStatus::purchased) {
      auto out = t.dispatch.assigner().complete(o.no, t.now);
      if (out.ok() && (!out.assigned.empty() || !out.queued.empty())) t.deferred.emplace_back(std::move(out), std::nullopt);
    }
    tell_holder(t, o, [&](bool) { return texts::received_to_volunteer(t.config.default_language, o); });
  }
}

void handle_button(Turn& t, const Parser& parser) {
  // "bought:12": the command twin with the order number. ("cancel:12" is the resident's and is
  // run by the engine.)
  const auto& data = *t.m.callback_data;
  auto colon = data.find(':');
  auto verb = data.substr(0, colon);
  Parsed p;
  p.intent = Intent::command;
  p.known_command = true;
  p.command = verb;
  if (colon != std::string::npos) p.args.push_back(data.substr(colon + 1));
  if (verb == "bought" || verb == "delivered" || verb == "claim") {
    handle_volunteer_command(t, p, parser);
    return;
  }
  t.reply(texts::stale_button(t.lang));
  t.result.outcome = "stale_button";
}

void run_tick(Turn& t) {
  for (const auto& r : t.tx.rounds_due(t.now)) close_round(t, r);
  // Overdue purchases, each reported once.
  std::vector<Order> overdue;
  for (const auto& od : t.dispatch.assigner().overdue(t.now, t.config.escalate_after_s)) {
    auto o = t.tx.order(od.id);
    if (!o || o->escalated_at != 0) continue;
    t.tx.set_escalated(o->no, t.now);
    overdue.push_back(std::move(*o));
  }
  if (!overdue.empty()) {
    auto chats = t.dispatch.coordinator_chats(t);
    if (chats.empty()) chats.push_back(OutgoingMessage{.platform = overdue.front().platform, .chat_id = overdue.front().chat_id});
    for (auto& c : chats) {
      c.text = texts::overdue_notice(t.config.default_language, overdue, t.now);
      t.send(std::move(c));
    }
  }
  for (const auto& o : t.tx.delivered_unconfirmed(t.now - t.config.auto_receipt_s, 500)) {
    t.tx.set_received(o.no, "system (no answer)", t.now);
    t.result.orders_changed.push_back(o.no);
  }
  t.result.outcome = "tick";
}

}  // namespace supplybot::handlers
