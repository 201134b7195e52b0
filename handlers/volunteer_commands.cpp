// Volunteer commands (issue 5): shifts, my tasks, my shopping list, claim / release, bought /
// delivered. Every status move tells the household; every refusal says why.

#include <algorithm>

#include "handlers/dispatch.hpp"
#include "handlers/logistics.hpp"
#include "handlers/logistics_texts.hpp"
#include "handlers/shopping.hpp"

namespace supplybot::handlers {

std::optional<OrderId> parse_order_no(std::string_view s) {
  if (s.rfind("＃", 0) == 0) s.remove_prefix(std::string_view("＃").size());
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return OrderId{v};
}

namespace {

// "已买好了" from a resident in the group is chat; a slash command or a private message is answered.
void refuse_non_volunteer(Turn& t, const Parsed& p) {
  if (quietly_ignored(t, p)) {
    t.result.outcome = "chat";
    return;
  }
  t.reply(texts::volunteers_only(t.lang));
  t.result.outcome = "refused_not_volunteer";
}

bool is_all(std::string_view s) { return s == "all" || s == "全部" || s == "所有" || s == "ALL" || s == "All"; }

// A list that names addresses goes to the volunteer's private chat when there is one; in a group
// without one, only numbers and buildings are shown.
void send_list(Turn& t, const std::string& full_text, const std::string& group_text) {
  if (t.in_private()) {
    t.reply(full_text);
    return;
  }
  if (auto priv = t.dispatch.private_chat_of(t, t.m.platform, t.m.sender_id)) {
    priv->text = full_text;
    t.send(std::move(*priv));
    t.reply(texts::sent_privately(t.lang));
    return;
  }
  t.reply(group_text == full_text ? group_text : group_text + "\n" + texts::private_hint(t.lang));
}

// The order a volunteer command is about, with the checks every such command shares.
std::optional<Order> order_for(Turn& t, const Parsed& p, std::string_view command) {
  if (p.args.empty()) {
    t.reply(texts::order_usage(t.lang, command));
    t.result.outcome = "usage";
    return std::nullopt;
  }
  auto id = parse_order_no(p.args[0]);
  std::optional<Order> o;
  if (id) o = t.tx.order(*id);
  if (!o) {
    t.reply(id ? texts::order_not_found(t.lang, std::to_string(id->value)) : texts::order_usage(t.lang, command));
    t.result.outcome = id ? "order_not_found" : "usage";
    return std::nullopt;
  }
  return o;
}

bool in_open_round(Turn& t, const Order& o) {
  if (o.round_id == 0) return false;
  auto r = t.tx.round(o.round_id);
  return r && r->closed_at == 0;
}

// Holder or coordinator may move an order along.
bool may_handle(Turn& t, const Order& o, const std::optional<VolunteerRecord>& me) {
  if (me && o.volunteer && *o.volunteer == me->id) return true;
  return is_coordinator(t);
}

void apply_now(Turn& t, const Outcome& out) {
  if (!out.assigned.empty() || !out.queued.empty()) t.deferred.emplace_back(out, std::nullopt);
}

void handle_shift(Turn& t, const VolunteerRecord& me, bool on) {
  auto& a = t.dispatch.assigner();
  auto out = a.set_on_shift(me.id, on, t.now);
  if (!out.ok()) {
    t.reply(texts::refusal(t.lang, *out.refusal, 0));
    t.result.outcome = "refused";
    return;
  }
  t.tx.set_on_shift(me.id, on, t.now);
  if (on) {
    std::vector<OrderId> taken;
    for (const auto& as : out.assigned) taken.push_back(as.order);
    t.reply(texts::shift_on(t.lang, me, taken, a.load(me.id)));
    t.result.outcome = "on_shift";
  } else {
    std::vector<Order> kept;
    for (auto id : out.kept)
      if (auto o = t.tx.order(id)) kept.push_back(std::move(*o));
    std::size_t handed_back = 0;
    for (const auto& as : out.assigned) handed_back += as.from && *as.from == me.id ? 1 : 0;
    handed_back += out.queued.size();
    t.reply(texts::shift_off(t.lang, handed_back, kept));
    t.result.outcome = "off_shift";
  }
  apply_now(t, out);
}

std::vector<Order> sorted_tasks(Turn& t, VolunteerId v) {
  auto orders = t.tx.orders_of_volunteer(v);
  std::stable_sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
    if (a.urgent != b.urgent) return a.urgent;
    auto ba = building_of(a.address), bb = building_of(b.address);
    if (ba != bb) return ba < bb;
    return a.no < b.no;
  });
  return orders;
}

void handle_tasks(Turn& t, const VolunteerRecord& me) {
  auto orders = sorted_tasks(t, me.id);
  if (orders.empty()) {
    t.reply(texts::no_tasks(t.lang, me.on_shift));
    t.result.outcome = "tasks";
    return;
  }
  send_list(t, texts::tasks_list(t.lang, orders, true), texts::tasks_list(t.lang, orders, false));
  t.result.outcome = "tasks";
}

void handle_list(Turn& t, const VolunteerRecord& me) {
  auto orders = sorted_tasks(t, me.id);
  // What is still to buy: orders not bought yet, plus what was short on bought ones.
  std::vector<Order> to_buy;
  for (auto& o : orders) {
    if (o.status == OrderStatus::assigned) to_buy.push_back(o);
    else if (std::any_of(o.lines.begin(), o.lines.end(), [](const OrderLine& l) { return l.missing; })) {
      Order only_missing = o;
      std::erase_if(only_missing.lines, [](const OrderLine& l) { return !l.missing; });
      to_buy.push_back(std::move(only_missing));
    }
  }
  if (to_buy.empty()) {
    t.reply(texts::nothing_to_buy(t.lang));
    t.result.outcome = "list";
    return;
  }
  auto totals = shopping_totals(to_buy);
  auto text = texts::shopping_list_text(t.lang, totals, to_buy.size());
  // A shopping list names no addresses, so the group may see it when there is no private chat;
  // with one it goes there, like the task list.
  send_list(t, text, text);
  t.result.outcome = "list";
}

// "缺 鸡蛋 牛奶" / "missing eggs": marks those lines of o missing; returns their names.
std::vector<std::string> mark_missing(Turn& t, Order& o, const std::vector<std::string>& words, const Parser& parser) {
  std::vector<std::string> marked;
  std::string rest;
  for (const auto& w : words) rest += (rest.empty() ? "" : " ") + w;
  if (rest.empty()) return marked;
  std::vector<std::string> names;
  for (const auto& it : parser.parse(rest).items) names.push_back(it.name);
  for (const auto& w : words) names.push_back(w);
  for (auto& l : o.lines) {
    bool hit = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return !n.empty() && (l.name == n || l.name.find(n) != std::string::npos || l.text.find(n) != std::string::npos);
    });
    if (hit && !l.missing) {
      l.missing = true;
      marked.push_back(l.name);
    }
  }
  return marked;
}

bool is_missing_word(std::string_view w) {
  return w == "缺" || w == "缺货" || w == "没有" || w == "没买到" || w == "missing" || w == "Missing" || w == "short";
}

// assigned -> purchased for one order; false (with the reply said) when refused.
bool buy_one(Turn& t, Order o, const std::optional<VolunteerRecord>& me, const std::vector<std::string>& missing_words,
             const Parser& parser, bool quiet_reply) {
  std::string no = std::to_string(o.no.value);
  if (!may_handle(t, o, me)) {
    if (!quiet_reply) t.reply(texts::refusal(t.lang, Refusal::not_yours, o.no.value));
    return false;
  }
  if (o.status != OrderStatus::assigned) {
    if (!quiet_reply) t.reply(texts::transition_refused(t.lang, o, OrderStatus::purchased));
    return false;
  }
  auto out = t.dispatch.assigner().mark_purchased(o.no);
  if (!out.ok() && out.refusal != Refusal::order_not_found) {
    if (!quiet_reply) t.reply(texts::refusal(t.lang, *out.refusal, o.no.value));
    return false;
  }
  auto missing = mark_missing(t, o, missing_words, parser);
  if (!missing.empty()) t.tx.replace_lines(o.no, o.lines, o.notes, t.now);
  t.tx.set_status(o.no, OrderStatus::purchased, t.m.sender_id, missing.empty() ? "bought" : "bought, some items missing", t.now);
  o.status = OrderStatus::purchased;
  t.result.orders_changed.push_back(o.no);
  t.send(OutgoingMessage{.platform = o.platform,
                         .chat_id = o.chat_id,
                         .text = texts::bought_household(order_language(o, t.config.default_language), o, missing),
                         .reply_to = o.source_message_id,
                         .order_no = o.no.value});
  if (!quiet_reply) t.reply(texts::bought_done(t.lang, o, missing), o.no.value, task_buttons(t.m.platform, o.no, o.status));
  return true;
}

void handle_bought(Turn& t, const Parsed& p, const Parser& parser) {
  auto me = active_volunteer(t);
  if (!me && !is_coordinator(t)) {
    refuse_non_volunteer(t, p);
    return;
  }
  if (!p.args.empty() && is_all(p.args[0])) {
    if (!me) {
      t.reply(texts::order_usage(t.lang, "bought"));
      t.result.outcome = "usage";
      return;
    }
    std::vector<OrderId> done;
    for (auto& o : t.tx.orders_of_volunteer(me->id)) {
      if (o.status != OrderStatus::assigned) continue;
      if (buy_one(t, o, me, {}, parser, true)) done.push_back(o.no);
    }
    t.reply(texts::bought_all(t.lang, done));
    t.result.outcome = done.empty() ? "nothing_to_buy" : "bought";
    return;
  }
  auto o = order_for(t, p, "bought");
  if (!o) return;
  std::vector<std::string> missing_words;
  bool after_marker = false;
  for (std::size_t i = 1; i < p.args.size(); ++i) {
    if (is_missing_word(p.args[i])) after_marker = true;
    else if (after_marker) missing_words.push_back(p.args[i]);
  }
  t.result.outcome = buy_one(t, *o, me, missing_words, parser, false) ? "bought" : "refused";
}

void handle_delivered(Turn& t, const Parsed& p) {
  auto me = active_volunteer(t);
  if (!me && !is_coordinator(t)) {
    refuse_non_volunteer(t, p);
    return;
  }
  auto o = order_for(t, p, "delivered");
  if (!o) return;
  if (!may_handle(t, *o, me)) {
    t.reply(texts::refusal(t.lang, Refusal::not_yours, o->no.value));
    t.result.outcome = "refused";
    return;
  }
  // Bought and brought in one go is fine; anything else is the wrong step.
  if (o->status != OrderStatus::purchased && o->status != OrderStatus::assigned) {
    t.reply(texts::transition_refused(t.lang, *o, OrderStatus::delivered));
    t.result.outcome = "refused";
    return;
  }
  if (o->status == OrderStatus::assigned)
    t.tx.set_status(o->no, OrderStatus::purchased, t.m.sender_id, "bought (with delivery)", t.now);
  t.tx.set_status(o->no, OrderStatus::delivered, t.m.sender_id, "delivered", t.now);
  o->status = OrderStatus::delivered;
  apply_now(t, t.dispatch.assigner().complete(o->no, t.now));
  t.result.orders_changed.push_back(o->no);
  t.send(OutgoingMessage{.platform = o->platform,
                         .chat_id = o->chat_id,
                         .text = texts::delivered_household(order_language(*o, t.config.default_language), *o),
                         .reply_to = o->source_message_id,
                         .order_no = o->no.value});
  t.reply(texts::delivered_done(t.lang, *o), o->no.value);
  t.result.outcome = "delivered";
}

void handle_claim(Turn& t, const Parsed& p, const VolunteerRecord& me) {
  auto o = order_for(t, p, "claim");
  if (!o) return;
  if (in_open_round(t, *o)) {
    t.reply(texts::in_open_round(t.lang, *o));
    t.result.outcome = "refused";
    return;
  }
  if (o->status != OrderStatus::pending) {
    t.reply(o->volunteer && *o->volunteer == me.id ? texts::refusal(t.lang, Refusal::already_yours, o->no.value)
                                                    : texts::transition_refused(t.lang, *o, OrderStatus::assigned));
    t.result.outcome = "refused";
    return;
  }
  auto out = t.dispatch.assigner().claim(o->no, me.id, t.now);
  if (!out.ok()) {
    t.reply(texts::refusal(t.lang, *out.refusal, o->no.value));
    t.result.outcome = "refused";
    return;
  }
  t.reply(texts::claimed(t.lang, *o));
  t.result.outcome = "claimed";
  apply_now(t, out);
}

void handle_release(Turn& t, const Parsed& p, const VolunteerRecord& me) {
  auto o = order_for(t, p, "release");
  if (!o) return;
  auto out = t.dispatch.assigner().release(o->no, me.id, t.now);
  if (!out.ok()) {
    t.reply(out.refusal == Refusal::already_purchased ? texts::transition_refused(t.lang, *o, OrderStatus::pending)
                                                      : texts::refusal(t.lang, *out.refusal, o->no.value));
    t.result.outcome = "refused";
    return;
  }
  t.reply(texts::released(t.lang, *o));
  t.result.outcome = "released";
  apply_now(t, out);
}

void handle_queue(Turn& t) {
  auto views = t.dispatch.assigner().queue();
  t.reply(texts::queue_list(t.lang, views));
  t.result.outcome = "queue";
}

}  // namespace

bool handle_volunteer_command(Turn& t, const Parsed& p, const Parser& parser) {
  const auto& c = p.command;
  if (c == "bought") {
    handle_bought(t, p, parser);
    return true;
  }
  if (c == "delivered") {
    handle_delivered(t, p);
    return true;
  }
  if (c != "on" && c != "off" && c != "tasks" && c != "list" && c != "claim" && c != "release" && c != "queue")
    return false;
  if (c == "queue" && is_coordinator(t)) {
    handle_queue(t);
    return true;
  }
  auto me = active_volunteer(t);
  if (!me) {
    if (quietly_ignored(t, p)) {
      t.result.outcome = "chat";
      return true;
    }
    t.reply(texts::volunteers_only(t.lang));
    t.result.outcome = "refused_not_volunteer";
    return true;
  }
  if (c == "on") handle_shift(t, *me, true);
  else if (c == "off") handle_shift(t, *me, false);
  else if (c == "tasks") handle_tasks(t, *me);
  else if (c == "list") handle_list(t, *me);
  else if (c == "claim") handle_claim(t, p, *me);
  else if (c == "release") handle_release(t, p, *me);
  else handle_queue(t);
  return true;
}

}  // namespace supplybot::handlers
