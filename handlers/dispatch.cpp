#include "handlers/dispatch.hpp"

#include <algorithm>

#include "handlers/logistics_texts.hpp"

namespace supplybot::handlers {

void Dispatch::rebuild(StoreTx& tx) {
  Assigner fresh;
  for (const auto& v : tx.active_volunteers())
    fresh.restore_volunteer(v.id, v.zones, v.capacity, v.on_shift, v.last_assigned);
  for (const auto& o : tx.assignable_orders()) {
    std::optional<VolunteerId> holder = o.status == OrderStatus::pending ? std::nullopt : o.volunteer;
    auto building = building_of(o.address);
    auto r = fresh.restore_order(o.no, building, o.urgent, o.created_at, holder, o.assigned_at,
                                 o.status == OrderStatus::purchased);
    if (r.refusal == Refusal::volunteer_not_found && holder) {
      // Held by a volunteer who was removed since: they still deliver what they hold.
      if (auto v = tx.volunteer(*holder)) {
        fresh.restore_volunteer(v->id, v->zones, v->capacity, false, v->last_assigned);
        fresh.restore_order(o.no, building, o.urgent, o.created_at, holder, o.assigned_at,
                            o.status == OrderStatus::purchased);
      }
    }
  }
  assigner_ = std::move(fresh);
  dirty_ = false;
}

void Dispatch::ensure(Turn& t) {
  if (!dirty_) return;
  rebuild(t.tx);
  auto out = assigner_.drain_queue(t.now);
  if (!out.assigned.empty()) apply(t, out, "system");
}

std::optional<OutgoingMessage> Dispatch::private_chat_of(Turn& t, Platform p, std::string_view user_id) {
  auto m = t.tx.member(p, user_id);
  if (!m || !m->private_chat_id) return std::nullopt;
  return OutgoingMessage{.platform = p, .chat_id = *m->private_chat_id};
}

std::vector<OutgoingMessage> Dispatch::coordinator_chats(Turn& t) {
  std::vector<OutgoingMessage> out;
  auto add = [&](Platform p, const std::string& user) {
    if (auto chat = private_chat_of(t, p, user)) {
      bool seen = std::any_of(out.begin(), out.end(), [&](const OutgoingMessage& o) {
        return o.platform == chat->platform && o.chat_id == chat->chat_id;
      });
      if (!seen) out.push_back(std::move(*chat));
    }
  };
  for (const auto& key : t.config.coordinators) {
    auto colon = key.find(':');
    if (colon == std::string::npos) continue;
    if (auto p = platform_from_string(key.substr(0, colon))) add(*p, key.substr(colon + 1));
  }
  for (const auto& m : t.tx.members_with_role(Role::coordinator)) add(m.platform, m.user_id);
  return out;
}

namespace {

std::string reason_detail(const Assignment& a) {
  std::string d = "assigned (" + std::string(to_string(a.reason)) + ")";
  if (a.from) d += " from volunteer " + std::to_string(a.from->value);
  return d;
}

}  // namespace

void Dispatch::apply(Turn& t, const Outcome& out, std::string_view actor, std::optional<OrderId> quiet,
                     bool announce) {
  const Lang lang = t.config.default_language;
  for (const auto& a : out.assigned) {
    t.tx.set_holder(a.order, a.volunteer, actor, reason_detail(a), t.now);
    auto o = t.tx.order(a.order);
    auto v = t.tx.volunteer(a.volunteer);
    if (!o || !v) continue;
    if (!quiet || *quiet != a.order) t.result.orders_changed.push_back(a.order);
    if (!announce) continue;
    if (!quiet || *quiet != a.order) {
      t.send(OutgoingMessage{.platform = o->platform,
                             .chat_id = o->chat_id,
                             .text = texts::assigned_to_household(order_language(*o, lang), *o, v->display_name),
                             .reply_to = o->source_message_id,
                             .order_no = o->no.value});
    }
    // The volunteer: the whole task privately when they can be written to, else in the order's
    // chat with the number and building only (no address, no list in a group).
    auto priv = private_chat_of(t, v->platform, v->user_id);
    OutgoingMessage card = priv ? *priv : OutgoingMessage{.platform = o->platform, .chat_id = o->chat_id};
    card.text = texts::new_task(lang, *o, v->display_name, a.reason, priv.has_value());
    card.markup_json = task_buttons(card.platform, o->no, o->status);
    card.order_no = o->no.value;
    t.send(std::move(card));
    if (a.from) {
      if (auto prev = t.tx.volunteer(*a.from)) {
        auto p = private_chat_of(t, prev->platform, prev->user_id);
        OutgoingMessage note = p ? *p : OutgoingMessage{.platform = o->platform, .chat_id = o->chat_id};
        note.text = texts::task_moved_away(lang, *o, prev->display_name, v->display_name);
        t.send(std::move(note));
      }
    }
  }
  // Coordinators hear of waiting orders only once the neighbourhood has volunteers at all:
  // without any, every order waits and the queue is what /summary shows.
  const bool tell = announce && assigner_.volunteer_count() > 0;
  std::vector<Order> queued;
  for (const auto& id : out.queued) {
    // A new order (quiet) has no holder to clear: with nobody to tell it needs no read at all,
    // which keeps intake fast where assignment is not in use.
    if (quiet && *quiet == id && !tell) continue;
    auto o = t.tx.order(id);
    if (!o) continue;
    if (o->volunteer) {
      t.tx.set_holder(id, std::nullopt, actor, "back to the queue", t.now);
      t.result.orders_changed.push_back(id);
    }
    queued.push_back(std::move(*o));
  }
  if (tell && !queued.empty()) {
    auto chats = coordinator_chats(t);
    if (chats.empty()) chats.push_back(OutgoingMessage{.platform = queued.front().platform, .chat_id = queued.front().chat_id});
    for (auto& c : chats) {
      c.text = texts::queued_notice(lang, queued);
      if (queued.size() == 1) c.markup_json = claim_button(c.platform, queued.front().no);
      t.send(std::move(c));
    }
  }
}

}  // namespace supplybot::handlers
