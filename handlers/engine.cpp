#include "handlers/engine.hpp"

#include <algorithm>

#include "handlers/dispatch.hpp"
#include "handlers/logistics.hpp"
#include "handlers/logistics_texts.hpp"
#include "handlers/outbox_policy.hpp"
#include "handlers/parse/household.hpp"
#include "handlers/parse/normalize.hpp"
#include "handlers/turn.hpp"

namespace supplybot::handlers {
namespace {

std::vector<OrderLine> to_lines(const std::vector<ParsedItem>& items) {
  std::vector<OrderLine> lines;
  lines.reserve(items.size());
  for (const auto& it : items) {
    lines.push_back(OrderLine{.name = it.name, .qty = it.qty, .unit = it.unit, .text = it.text,
                              .category = it.category, .note = it.note});
  }
  return lines;
}

// A modify message names some items with their new amounts: those replace the matching lines,
// the others are added; lines not named stay as they were.
std::vector<OrderLine> merge_lines(std::vector<OrderLine> current, const std::vector<ParsedItem>& changes) {
  for (const auto& c : changes) {
    auto it = std::find_if(current.begin(), current.end(), [&](const OrderLine& l) { return l.name == c.name; });
    OrderLine nl{.name = c.name, .qty = c.qty, .unit = c.unit, .text = c.text, .category = c.category, .note = c.note};
    if (it == current.end()) {
      current.push_back(std::move(nl));
    } else {
      if (nl.unit.empty()) nl.unit = it->unit;
      if (nl.note.empty()) nl.note = it->note;
      *it = std::move(nl);
    }
  }
  return current;
}

// Removes the named items; returns false when none of them was in the order.
bool remove_lines(std::vector<OrderLine>& current, const std::vector<ParsedItem>& items) {
  bool any = false;
  for (const auto& c : items) {
    auto before = current.size();
    std::erase_if(current, [&](const OrderLine& l) { return l.name == c.name; });
    any = any || current.size() != before;
  }
  return any;
}

std::string join_notes(const Parsed& p) { return p.notes.value_or(""); }

// The household a message speaks for: the address it names, else the sender's linked one.
std::optional<HouseholdId> household_for(Turn& t, const Parsed& p, std::string& address) {
  if (p.household) {
    address = *p.household;
    auto h = t.tx.upsert_household(*p.household, building_of(*p.household), t.now);
    // The first address a resident writes links their account (they can still order for a
    // neighbour later by naming the neighbour's address; that does not move their own link).
    auto member = t.tx.member(t.m.platform, t.m.sender_id);
    if (!member || !member->household) {
      t.tx.upsert_member(Member{.platform = t.m.platform, .user_id = t.m.sender_id, .display_name = t.m.sender_name,
                                .household = h, .language = ""},
                         t.now);
    }
    return h;
  }
  auto member = t.tx.member(t.m.platform, t.m.sender_id);
  if (member && member->household) {
    address = t.tx.household_address(*member->household).value_or("");
    return member->household;
  }
  return std::nullopt;
}

// A resident may change an order they placed, or one of the household their account is linked to.
bool owns(Turn& t, const Order& o) {
  if (!o.sender_id.empty() && o.sender_id == t.m.sender_id) return true;
  auto member = t.tx.member(t.m.platform, t.m.sender_id);
  return member && member->household && *member->household == o.household;
}

std::optional<Order> find_target_order(Turn& t, const Parsed& p, std::string& refusal) {
  std::optional<Order> o;
  std::string ref;
  if (p.order_ref) {
    // 1. An explicit number: "取消 #123".
    ref = *p.order_ref;
    std::int64_t id = 0;
    try {
      id = std::stoll(ref);
    } catch (const std::exception&) {
      refusal = texts::order_not_found(t.lang, ref);
      return std::nullopt;
    }
    o = t.tx.order(OrderId{id});
    if (!o) {
      refusal = texts::order_not_found(t.lang, ref);
      return std::nullopt;
    }
  } else if (t.m.reply_to) {
    // 2. A reply to the bot's confirmation or to an order message.
    if (auto no = t.tx.order_for_bot_message(t.m.platform, t.m.chat_id, *t.m.reply_to)) o = t.tx.order(*no);
    else o = t.tx.order_by_source(t.m.platform, t.m.chat_id, *t.m.reply_to);
  }
  if (!o) {
    // 3. The household's latest open order.
    auto member = t.tx.member(t.m.platform, t.m.sender_id);
    if (member && member->household) {
      auto open = t.tx.open_orders_of(*member->household);
      if (!open.empty()) return open.back();
    }
    refusal = texts::no_order_to_change(t.lang);
    return std::nullopt;
  }
  // Whichever way it was found, only its own household may change it.
  if (!owns(t, *o)) {
    refusal = texts::not_your_order(t.lang, std::to_string(o->no.value));
    return std::nullopt;
  }
  return o;
}

void handle_cancel(Turn& t, const Parsed& p) {
  std::string refusal;
  auto o = find_target_order(t, p, refusal);
  if (!o) {
    t.reply(refusal);
    t.result.outcome = "cancel_refused";
    return;
  }
  if (o->status == OrderStatus::cancelled) {
    t.reply(texts::already_cancelled(t.lang, *o));
    t.result.outcome = "cancel_refused";
    return;
  }
  if (!is_changeable(o->status)) {
    t.reply(texts::change_refused(t.lang, *o));
    t.result.outcome = "cancel_refused";
    return;
  }
  auto lines = o->lines;
  if (!p.items.empty() && !remove_lines(lines, p.items)) {
    // "取消 鸡蛋" when the order has no eggs: say so rather than cancel everything.
    t.reply(texts::item_not_in_order(t.lang, *o));
    t.result.outcome = "cancel_refused";
    return;
  }
  if (!p.items.empty() && !lines.empty()) {
    // Only some items cancelled: the order stays with the rest.
    t.tx.replace_lines(o->no, lines, o->notes, t.now);
    auto updated = t.tx.order(o->no);
    order_changed(t, *o, *updated);
    t.reply(texts::order_updated(t.lang, *updated), o->no.value);
    t.result.orders_changed.push_back(o->no);
    t.result.outcome = "items_cancelled";
    return;
  }
  t.tx.set_status(o->no, OrderStatus::cancelled, t.m.sender_id, "cancelled by resident", t.now);
  order_cancelled(t, *o);
  o->status = OrderStatus::cancelled;
  t.reply(texts::order_cancelled(t.lang, *o), o->no.value);
  t.result.orders_changed.push_back(o->no);
  t.result.outcome = "cancelled";
}

void handle_modify(Turn& t, const Parsed& p) {
  std::string refusal;
  auto o = find_target_order(t, p, refusal);
  if (!o) {
    t.reply(refusal);
    t.result.outcome = "modify_refused";
    return;
  }
  if (!is_changeable(o->status)) {
    t.reply(texts::change_refused(t.lang, *o));
    t.result.outcome = "modify_refused";
    return;
  }
  if (p.items.empty()) {
    t.reply(texts::ask_unclear(t.lang, p.unclear.empty() ? t.m.text : p.unclear));
    t.result.outcome = "unclear";
    return;
  }
  auto notes = p.notes ? *p.notes : o->notes;
  t.tx.replace_lines(o->no, merge_lines(o->lines, p.items), notes, t.now);
  auto updated = t.tx.order(o->no);
  order_changed(t, *o, *updated);
  t.reply(texts::order_updated(t.lang, *updated), o->no.value);
  t.result.orders_changed.push_back(o->no);
  t.result.outcome = "modified";
}

// Keeps order text until the sender tells us their address (appended to what is already held).
// True when nothing was held before, i.e. the bot should ask for the address now (only once).
bool hold_for_address(Turn& t, const std::string& text) {
  auto held = t.tx.held_order(t.m.platform, t.m.sender_id);
  t.tx.put_held_order(HeldOrder{.platform = t.m.platform,
                                .user_id = t.m.sender_id,
                                .chat_id = t.m.chat_id,
                                .thread_id = t.m.thread_id,
                                .message_id = t.m.message_id,
                                .text = held ? held->text + "\n" + text : text},
                      t.now);
  return !held;
}

// Stores a new order of the message. The Order is built from what was written, not read back:
// this runs inside the writer's transaction for every order.
Order store_order(Turn& t, HouseholdId household, std::string address, std::vector<OrderLine> lines,
                  std::string notes, bool urgent) {
  auto round = t.tx.open_round_of(t.m.platform, t.m.chat_id);
  NewOrder no{.household = household,
              .platform = t.m.platform,
              .chat_id = t.m.chat_id,
              .source_message_id = t.m.message_id,
              .sender_id = t.m.sender_id,
              .notes = std::move(notes),
              .urgent = urgent,
              .lines = std::move(lines),
              .round_id = round ? round->id : 0};
  auto id = t.tx.insert_order(no, t.now);
  t.result.orders_created.push_back(id);
  Order order{.no = id,
               .household = household,
               .address = std::move(address),
               .status = OrderStatus::pending,
               .platform = no.platform,
               .chat_id = std::move(no.chat_id),
               .source_message_id = std::move(no.source_message_id),
               .sender_id = std::move(no.sender_id),
               .notes = std::move(no.notes),
               .urgent = no.urgent,
               .lines = std::move(no.lines),
               .created_at = t.now,
               .updated_at = t.now,
               .round_id = no.round_id};
  place_new_order(t, order);
  return order;
}

// The confirmation of a new order, with its volunteer or its round when known already.
std::string confirmation(Turn& t, const Order& o) {
  auto text = texts::order_confirmed(t.lang, o);
  if (!o.volunteer_name.empty()) text += texts::assigned_line(t.lang, o.volunteer_name);
  if (o.round_id != 0)
    if (auto r = t.tx.round(o.round_id)) text += texts::round_line(t.lang, *r, t.config.utc_offset_minutes);
  return text;
}

// Stores a new order of the message and confirms it in full.
void create_order(Turn& t, HouseholdId household, std::string address, std::vector<OrderLine> lines,
                  std::string notes, bool urgent) {
  auto order = store_order(t, household, std::move(address), std::move(lines), std::move(notes), urgent);
  t.reply(confirmation(t, order), order.no.value, cancel_button(t.m.platform, order.no));
  t.result.outcome = "order";
}

// 同昨天 / same as yesterday: the household's last order again, confirmed back in full.
void handle_repeat(Turn& t, const Parsed& p) {
  std::string address;
  auto household = household_for(t, p, address);
  std::optional<Order> last;
  if (household) last = t.tx.last_order_of(*household);
  if (!last) {
    t.reply(texts::no_previous_order(t.lang));
    t.result.outcome = "no_previous_order";
    return;
  }
  auto lines = last->lines;
  for (auto& l : lines) l.missing = false;
  create_order(t, *household, address, std::move(lines), last->notes, last->urgent);
}

// The sender named their address: an order held for it becomes real.
bool release_held_order(Turn& t, const Parser& parser, HouseholdId household, const std::string& address,
                        double min_confidence) {
  auto held = t.tx.held_order(t.m.platform, t.m.sender_id);
  if (!held) return false;
  t.tx.drop_held_order(t.m.platform, t.m.sender_id);
  auto p = parser.parse(held->text);
  if (p.items.empty() || p.confidence < min_confidence) return false;
  create_order(t, household, address, to_lines(p.items), join_notes(p), p.urgent);
  return true;
}

// An order message: new, or (for an edited message) a change of the order it created.
void handle_order(Turn& t, const Parsed& p, double min_confidence) {
  if (t.m.edited) {
    if (auto existing = t.tx.order_by_source(t.m.platform, t.m.chat_id, t.m.message_id)) {
      if (!is_changeable(existing->status)) {
        t.reply(texts::change_refused(t.lang, *existing));
        t.result.outcome = "modify_refused";
        return;
      }
      if (p.confidence < min_confidence || p.items.empty()) {
        t.reply(texts::ask_unclear(t.lang, p.unclear.empty() ? t.m.text : p.unclear));
        t.result.outcome = "unclear";
        return;
      }
      if (p.household && *p.household != existing->address) {
        // The address itself was corrected: the order (and a link made from the typo) moves.
        auto h = t.tx.upsert_household(*p.household, building_of(*p.household), t.now);
        t.tx.move_order(existing->no, h, t.m.sender_id, t.now);
        auto member = t.tx.member(t.m.platform, t.m.sender_id);
        if (member && member->household && *member->household == existing->household) {
          member->household = h;
          t.tx.relink_member(t.m.platform, t.m.sender_id, h, t.now);
        }
      }
      t.tx.replace_lines(existing->no, to_lines(p.items), join_notes(p), t.now);
      auto updated = t.tx.order(existing->no);
      order_changed(t, *existing, *updated);
      t.reply(texts::order_updated(t.lang, *updated), existing->no.value);
      t.result.orders_changed.push_back(existing->no);
      t.result.outcome = "modified";
      return;
    }
  }
  if (p.same_as_yesterday && p.items.empty()) {
    handle_repeat(t, p);
    return;
  }
  if (p.confidence < min_confidence || p.items.empty()) {
    t.reply(texts::ask_unclear(t.lang, p.unclear.empty() ? t.m.text : p.unclear));
    t.result.outcome = "unclear";
    return;
  }
  std::string address;
  auto household = household_for(t, p, address);
  if (!household) {
    if (hold_for_address(t, t.m.text)) t.reply(texts::ask_address(t.lang));
    t.result.outcome = "held";
    return;
  }
  create_order(t, *household, address, to_lines(p.items), join_notes(p), p.urgent);
}

void handle_my_orders(Turn& t) {
  auto member = t.tx.member(t.m.platform, t.m.sender_id);
  if (!member || !member->household) {
    t.reply(texts::no_household(t.lang));
    t.result.outcome = "no_household";
    return;
  }
  auto address = t.tx.household_address(*member->household).value_or("");
  auto text = texts::open_orders(t.lang, address, t.tx.open_orders_of(*member->household));
  t.result.outcome = "my_orders";
  // A long list would flood the group: it goes to the resident's private chat when they opened
  // one with the bot.
  constexpr std::ptrdiff_t kLongList = 8;
  if (!t.in_private() && std::count(text.begin(), text.end(), '\n') >= kLongList) {
    if (auto priv = t.dispatch.private_chat_of(t, t.m.platform, t.m.sender_id)) {
      priv->text = std::move(text);
      t.send(std::move(*priv));
      t.reply(texts::sent_privately(t.lang));
      return;
    }
  }
  t.reply(text);
}

// 收到 / received: the household confirms its orders on the way (or delivered) have arrived.
void handle_received(Turn& t) {
  auto member = t.tx.member(t.m.platform, t.m.sender_id);
  std::vector<Order> received;
  if (member && member->household) {
    for (auto& o : t.tx.open_orders_of(*member->household)) {
      if (o.status != OrderStatus::purchased) continue;
      t.tx.set_status(o.no, OrderStatus::delivered, t.m.sender_id, "receipt confirmed by resident", t.now);
      t.tx.set_received(o.no, t.m.sender_id, t.now);
      received.push_back(std::move(o));
    }
    for (auto& o : t.tx.delivered_unconfirmed_of(*member->household)) {
      t.tx.set_received(o.no, t.m.sender_id, t.now);
      received.push_back(std::move(o));
    }
  }
  if (received.empty()) {
    t.reply(texts::nothing_to_receive(t.lang));
    t.result.outcome = "nothing_to_receive";
    return;
  }
  orders_received(t, received);
  for (const auto& o : received) t.result.orders_changed.push_back(o.no);
  t.reply(texts::receipt_thanks(t.lang, received));
  t.result.outcome = "received";
}

int parse_days(const std::string& s, int fallback) {
  try {
    std::size_t used = 0;
    int v = std::stoi(s, &used);
    return used == s.size() && v >= 0 && v <= 365 ? v : -1;
  } catch (const std::exception&) {
    return s.empty() ? fallback : -1;
  }
}

// Coordinators: /isolate 3-2-502 14 (0 days ends it) and /isolated [days without an order].
void handle_isolation(Turn& t, const Parsed& p) {
  if (!is_coordinator(t)) {
    t.reply(texts::coordinators_only(t.lang));
    t.result.outcome = "refused_not_coordinator";
    return;
  }
  if (p.command == "isolated") {
    int quiet = parse_days(p.args.empty() ? "" : p.args[0], 2);
    if (quiet < 0) quiet = 2;
    t.reply(texts::isolated_list(t.lang, t.tx.isolated_households(t.now), t.now, quiet));
    t.result.outcome = "isolated_list";
    return;
  }
  std::string joined;
  for (const auto& a : p.args) joined += (joined.empty() ? "" : " ") + a;
  auto found = find_household(normalize(joined));
  int days = p.args.size() >= 2 ? parse_days(p.args.back(), 14) : 14;
  if (!found || days < 0) {
    t.reply(texts::isolate_usage(t.lang));
    t.result.outcome = "isolate_usage";
    return;
  }
  auto h = t.tx.upsert_household(found->canonical, building_of(found->canonical), t.now);
  t.tx.set_isolation(h, t.now, t.now + static_cast<UnixTime>(days) * 86400);
  t.reply(days == 0 ? texts::isolation_ended(t.lang, found->canonical) : texts::isolation_set(t.lang, found->canonical, days));
  t.result.outcome = days == 0 ? "isolation_ended" : "isolated";
}

void handle_command(Turn& t, const Parsed& p, const Parser& parser) {
  const double min_confidence = t.config.min_confidence;
  const auto& c = p.command;
  if (!p.known_command) {
    t.reply(texts::unknown_command(t.lang, "/" + c));
    t.result.outcome = "unknown_command";
    return;
  }
  if (c == "start") {
    t.reply(texts::start(t.lang));
    t.result.outcome = "help";
  } else if (c == "help") {
    t.reply(texts::help(t.lang));
    t.result.outcome = "help";
  } else if (c == "my") {
    handle_my_orders(t);
  } else if (c == "register") {
    std::string joined;
    for (const auto& a : p.args) joined += (joined.empty() ? "" : " ") + a;
    auto found = find_household(normalize(joined));
    if (!found) {
      t.reply(texts::register_usage(t.lang));
      t.result.outcome = "register_usage";
      return;
    }
    const auto& address = found->canonical;
    auto h = t.tx.upsert_household(address, building_of(address), t.now);
    t.tx.upsert_member(Member{.platform = t.m.platform, .user_id = t.m.sender_id, .display_name = t.m.sender_name,
                              .household = h, .language = ""},
                       t.now);
    t.reply(texts::registered(t.lang, address));
    t.result.outcome = "registered";
    release_held_order(t, parser, h, address, min_confidence);
  } else if (c == "cancel") {
    handle_cancel(t, p);
  } else if (c == "received") {
    handle_received(t);
  } else if (c == "isolate" || c == "isolated") {
    handle_isolation(t, p);
  } else if (handle_volunteer_command(t, p, parser) || handle_coordinator_command(t, p)) {
    // done
  } else {
    t.reply(texts::not_available_yet(t.lang, "/" + c));
    t.result.outcome = "not_available";
  }
}

// A 接龙 list: every entry not seen before in this chat's chain becomes an order; an entry whose
// text changed modifies its order. Re-posted copies of the same list change nothing.
void handle_jielong(Turn& t, const Jielong& j, double min_confidence) {
  std::vector<ParsedItem> previous_items;
  std::string replies;
  std::int64_t last_order = 0;
  for (std::size_t i = 0; i < j.entries.size(); ++i) {
    const auto& e = j.entries[i];
    auto items = e.parsed.items;
    if (e.parsed.same_as_previous && !previous_items.empty()) items = previous_items;
    previous_items = items;
    std::string key = e.parsed.household ? *e.parsed.household : "#" + std::to_string(e.number);
    auto seen = t.tx.jielong_entry(t.m.platform, t.m.chat_id, j.header, key);
    if (seen && seen->text == e.text) continue;
    std::optional<OrderId> made;
    if (!items.empty() && e.parsed.confidence >= min_confidence) {
      std::optional<HouseholdId> household;
      std::string address;
      if (e.parsed.household) {
        address = *e.parsed.household;
        household = t.tx.upsert_household(address, building_of(address), t.now);
      } else if (i + 1 == j.entries.size()) {
        // The newest entry without an address is the sender's own.
        auto member = t.tx.member(t.m.platform, t.m.sender_id);
        if (member && member->household) {
          household = member->household;
          address = t.tx.household_address(*household).value_or("");
        }
      }
      if (seen && seen->order) {
        auto o = t.tx.order(*seen->order);
        // A copy of an older version of the list, posted by someone else, must not undo the
        // household's own change: only the order's own household changes it.
        if (o && !owns(t, *o)) continue;
        if (o && is_changeable(o->status)) {
          t.tx.replace_lines(o->no, to_lines(items), e.parsed.notes.value_or(o->notes), t.now);
          auto updated = t.tx.order(o->no);
          order_changed(t, *o, *updated);
          replies += (replies.empty() ? "" : "\n\n") + texts::order_updated(t.lang, *updated);
          t.result.orders_changed.push_back(o->no);
          last_order = o->no.value;
        } else if (o) {
          replies += (replies.empty() ? "" : "\n\n") + texts::change_refused(t.lang, *o);
        }
      } else if (!household && i + 1 == j.entries.size()) {
        // The sender's own new entry, but we do not know their flat yet: hold it and ask once.
        if (hold_for_address(t, e.text)) replies += (replies.empty() ? "" : "\n\n") + texts::ask_address(t.lang);
        continue;  // not recorded as seen: it is not an order yet
      } else if (household) {
        auto order = store_order(t, *household, address, to_lines(items), e.parsed.notes.value_or(""), e.parsed.urgent);
        made = order.no;
        replies += (replies.empty() ? "" : "\n\n") + confirmation(t, order);
        last_order = made->value;
      }
    }
    t.tx.put_jielong_entry(t.m.platform, t.m.chat_id, j.header, key, e.text, made, t.now);
  }
  // One answer for the whole list; a reply to it reaches the last order it names.
  t.reply(replies, last_order);
  t.result.outcome = replies.empty() ? "jielong_nothing_new" : "jielong";
}

}  // namespace

Lang reply_language(const ChatMessage& m, Lang fallback) {
  if (m.language_code.rfind("zh", 0) == 0) return Lang::zh;
  // A slash command ("/delivered 1", "/volunteer add @li zones=3") is written in Latin letters
  // whatever the sender's language: only the client's language or the default can tell.
  if (!m.text.empty() && m.text.front() == '/') return m.language_code.rfind("en", 0) == 0 ? Lang::en : fallback;
  // Script of the message: any CJK means Chinese; mostly Latin letters means English.
  std::size_t latin = 0, cjk = 0;
  for (std::size_t i = 0; i < m.text.size(); ++i) {
    auto c = static_cast<unsigned char>(m.text[i]);
    if (c >= 0xE4 && c <= 0xE9) ++cjk;
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ++latin;
  }
  if (cjk > 0) return Lang::zh;
  if (latin >= 3) return Lang::en;
  if (m.language_code.rfind("en", 0) == 0) return Lang::en;
  return fallback;
}

Engine::Engine(const Parser& parser, EngineConfig config)
    : parser_(std::shared_ptr<const Parser>(&parser, [](const Parser*) {})),  // not owned
      config_(std::move(config)),
      dispatch_(std::make_unique<Dispatch>()) {}

void Engine::set_parser(std::shared_ptr<const Parser> parser) { parser_.store(std::move(parser)); }

Engine::~Engine() = default;

void Engine::invalidate() { dispatch_->invalidate(); }

Understood Engine::understand(const ChatMessage& m) const {
  Understood u;
  if (m.callback_data) return u;
  auto parser = parser_.load();
  if (auto j = parse_jielong(*parser, m.text); j && !j->entries.empty()) {
    u.jielong = std::move(j);
    return u;
  }
  u.parsed = parser->parse(m.text);
  return u;
}

HandleResult Engine::handle(StoreTx& tx, const ChatMessage& m, UnixTime now) {
  return handle(tx, m, understand(m), now);
}

namespace {

// Announces what the assignment rules decided during the turn, after the turn's own replies.
void finish(Turn& t) {
  for (std::size_t i = 0; i < t.deferred.size(); ++i) {
    auto [out, quiet] = std::move(t.deferred[i]);
    t.dispatch.apply(t, out, t.m.sender_id.empty() ? "system" : t.m.sender_id, quiet);
  }
  t.deferred.clear();
  if (t.m.callback_data && t.m.callback_id) {
    // The button's answer: a short notice on the presser's screen (answerCallbackQuery).
    t.send(OutgoingMessage{.platform = t.m.platform,
                           .chat_id = t.m.chat_id,
                           .text = t.button_answer.empty() ? std::string("OK") : t.button_answer,
                           .callback_id = t.m.callback_id});
  }
}

void dispatch_message(Turn& t, const Understood& u, const Parser& parser) {
  const auto& m = t.m;
  const auto& config = t.config;
  if (m.callback_data) {
    const auto& data = *m.callback_data;
    if (data.rfind("cancel:", 0) == 0) {
      Parsed p;
      p.intent = Intent::cancel;
      p.order_ref = data.substr(7);
      handle_cancel(t, p);
    } else {
      handle_button(t, parser);
    }
    return;
  }
  if (u.jielong) {
    handle_jielong(t, *u.jielong, config.min_confidence);
    return;
  }
  Parsed p = u.parsed;
  // "3栋2单元502" on its own: the answer to our question about a held order.
  if (p.intent != Intent::order && p.intent != Intent::command && t.tx.held_order(m.platform, m.sender_id)) {
    if (!p.household)
      if (auto found = find_household(normalize(m.text))) p.household = found->canonical;
    if (p.household) {
      auto h = t.tx.upsert_household(*p.household, building_of(*p.household), t.now);
      auto member = t.tx.member(m.platform, m.sender_id);
      if (!member || !member->household)
        t.tx.upsert_member(Member{.platform = m.platform, .user_id = m.sender_id, .display_name = m.sender_name,
                                  .household = h, .language = ""},
                           t.now);
      if (release_held_order(t, parser, h, *p.household, config.min_confidence)) return;
    }
  }
  switch (p.intent) {
    case Intent::command: handle_command(t, p, parser); break;
    case Intent::order: handle_order(t, p, config.min_confidence); break;
    case Intent::cancel: handle_cancel(t, p); break;
    case Intent::modify: handle_modify(t, p); break;
    case Intent::query: handle_my_orders(t); break;
    case Intent::chat:
      // In a group the bot keeps quiet about chat that is not for it; in private it helps.
      if (m.chat_kind == ChatKind::private_chat) t.reply(texts::help(t.lang));
      t.result.outcome = "chat";
      break;
  }
}

}  // namespace

HandleResult Engine::handle(StoreTx& tx, const ChatMessage& m, const Understood& u, UnixTime now) {
  HandleResult result;
  if (!tx.insert_inbound(m, now)) {
    result.duplicate = true;
    result.outcome = "duplicate";
    return result;
  }
  Turn t{.tx = tx, .m = m, .now = now, .lang = reply_language(m, config_.default_language), .result = result,
         .config = config_, .dispatch = *dispatch_};
  dispatch_->ensure(t);
  // Who people are: names and @handles (so coordinators can name them), and a private chat the
  // bot may write lists to.
  if (!m.sender_id.empty()) {
    tx.touch_member(m.platform, m.sender_id, m.sender_name, m.sender_username, now);
    if (m.chat_kind == ChatKind::private_chat) tx.set_private_chat(m.platform, m.sender_id, m.chat_id, now);
  }
  auto parser = parser_.load();
  dispatch_message(t, u, *parser);
  finish(t);
  return result;
}

HandleResult Engine::tick(StoreTx& tx, UnixTime now) {
  HandleResult result;
  ChatMessage none;  // a tick answers nobody: replies go to the chats concerned
  Turn t{.tx = tx, .m = none, .now = now, .lang = config_.default_language, .result = result, .config = config_,
         .dispatch = *dispatch_};
  dispatch_->ensure(t);
  run_tick(t);
  finish(t);
  return result;
}

}  // namespace supplybot::handlers
