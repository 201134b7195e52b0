// Coordinator commands (issue 5): who is a volunteer or coordinator, moving orders by hand,
// ordering rounds with a cut-off, and the numbers (/summary, /shopping, /export).

#include <algorithm>
#include <map>

#include "handlers/dispatch.hpp"
#include "handlers/export.hpp"
#include "handlers/logistics.hpp"
#include "handlers/logistics_texts.hpp"
#include "handlers/shopping.hpp"

namespace supplybot::handlers {
namespace {

struct Target {
  std::string user_id;
  std::string name;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_key_value(std::string_view s) { return s.find('=') != std::string_view::npos || s.find("：") != std::string_view::npos; }

// The member a coordinator command names: "@handle", a platform user id, or (with neither) the
// author of the message the command replies to.
std::optional<Target> resolve_target(Turn& t, const std::vector<std::string>& args, std::size_t from) {
  for (std::size_t i = from; i < args.size(); ++i) {
    const auto& a = args[i];
    if (is_key_value(a)) continue;
    if (a.size() > 1 && (a.front() == '@' || a.rfind("＠", 0) == 0)) {
      auto handle = a.front() == '@' ? a.substr(1) : a.substr(std::string_view("＠").size());
      if (auto m = t.tx.member_by_username(t.m.platform, handle))
        return Target{m->user_id, m->display_name.empty() ? "@" + handle : m->display_name};
      return Target{"", "@" + handle};  // unknown handle: the caller says so
    }
    // Telegram ids are numbers; WeCom / bridge ids are words ("zhangsan").
    if (t.m.platform == Platform::telegram ? all_digits(a) : a.find(':') == std::string::npos) {
      auto m = t.tx.member(t.m.platform, a);
      return Target{a, m && !m->display_name.empty() ? m->display_name : a};
    }
  }
  if (t.m.reply_to) {
    if (auto sender = t.tx.sender_of_message(t.m.platform, t.m.chat_id, *t.m.reply_to)) {
      auto m = t.tx.member(t.m.platform, *sender);
      return Target{*sender, m && !m->display_name.empty() ? m->display_name : *sender};
    }
  }
  return std::nullopt;
}

// "zones=1,2,3" "楼栋=1-5" "capacity=15" "容量=15"; commas may be Chinese (，、).
struct VolunteerTerms {
  std::optional<std::vector<Building>> zones;
  std::optional<std::int32_t> capacity;
  bool bad{false};
};

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
  return s;
}

VolunteerTerms parse_terms(const std::vector<std::string>& args) {
  VolunteerTerms terms;
  for (auto a : args) {
    a = replace_all(replace_all(replace_all(std::move(a), "：", "="), "，", ","), "、", ",");
    auto eq = a.find('=');
    if (eq == std::string::npos) continue;
    auto key = a.substr(0, eq);
    auto value = a.substr(eq + 1);
    if (key == "zones" || key == "zone" || key == "楼栋" || key == "楼" || key == "区域" || key == "buildings") {
      std::vector<Building> zones;
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        auto part = value.substr(start, comma - start);
        start = comma + 1;
        if (part.empty()) continue;
        // "1-5": buildings 1 to 5.
        auto dash = part.find('-');
        if (dash != std::string::npos && all_digits(part.substr(0, dash)) && all_digits(part.substr(dash + 1)) &&
            dash < 6 && part.size() - dash < 7) {
          int lo = std::stoi(part.substr(0, dash)), hi = std::stoi(part.substr(dash + 1));
          if (hi < lo || hi - lo > 500) {
            terms.bad = true;
            continue;
          }
          for (int b = lo; b <= hi; ++b) zones.push_back(std::to_string(b));
        } else {
          // Household labels are canonical in upper case ("12B"); commands may arrive lowered.
          for (auto& ch : part)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
          zones.push_back(building_of(part));
        }
      }
      std::sort(zones.begin(), zones.end());
      zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
      terms.zones = std::move(zones);
    } else if (key == "capacity" || key == "cap" || key == "容量" || key == "单数") {
      if (all_digits(value) && value.size() < 5) terms.capacity = std::stoi(value);
      else terms.bad = true;
    } else {
      terms.bad = true;
    }
  }
  return terms;
}

// The parser splits "楼栋=3,5" at the comma: put following building numbers back on their key.
std::vector<std::string> merge_zone_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool in_zones = false;
  for (const auto& a : args) {
    // "5", "1-3", "12B": short labels (a Telegram user id is longer, and is never a zone).
    bool zone_like = !a.empty() && a.size() <= 5 && std::all_of(a.begin(), a.end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
    if (in_zones && zone_like) {
      out.back() += "," + a;
      continue;
    }
    auto eq = a.find('=');
    auto key = a.substr(0, eq == std::string::npos ? a.find("：") : eq);
    in_zones = (eq != std::string::npos || a.find("：") != std::string::npos) &&
               (key == "zones" || key == "zone" || key == "楼栋" || key == "楼" || key == "区域" || key == "buildings");
    out.push_back(a);
  }
  return out;
}

bool word_in(std::string_view w, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

void handle_volunteer_admin(Turn& t, const Parsed& parsed) {
  Parsed p = parsed;
  p.args = merge_zone_args(p.args);
  std::string verb = p.args.empty() ? "list" : p.args[0];
  if (word_in(verb, {"list", "列表", "名单"}) || p.args.empty()) {
    auto vols = t.tx.active_volunteers();
    std::vector<std::pair<VolunteerRecord, std::int32_t>> loads;
    for (auto& v : vols) loads.emplace_back(v, t.dispatch.assigner().load(v.id));
    t.reply(texts::volunteer_list(t.lang, loads));
    t.result.outcome = "volunteer_list";
    return;
  }
  bool add = word_in(verb, {"add", "添加", "加", "增加", "set", "设置", "修改"});
  bool remove = word_in(verb, {"remove", "删除", "移除", "del"});
  if (!add && !remove) {
    t.reply(texts::volunteer_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  auto target = resolve_target(t, p.args, 1);
  if (!target || target->user_id.empty()) {
    t.reply(target ? texts::unknown_member(t.lang, target->name) : texts::volunteer_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  auto existing = t.tx.volunteer_by_user(t.m.platform, target->user_id);
  if (remove) {
    if (!existing || !existing->active) {
      t.reply(texts::not_a_volunteer(t.lang, target->name));
      t.result.outcome = "usage";
      return;
    }
    // Off shift first: unbought orders go back to the pool; bought ones they still deliver.
    auto out = t.dispatch.assigner().set_on_shift(existing->id, false, t.now);
    t.dispatch.assigner().upsert_volunteer(existing->id, {}, 0, t.now);
    t.tx.set_volunteer_active(existing->id, false, t.now);
    t.tx.set_role(t.m.platform, target->user_id, Role::resident, t.now);
    t.reply(texts::volunteer_removed(t.lang, existing->display_name, out.kept.size()));
    t.result.outcome = "volunteer_removed";
    if (!out.assigned.empty() || !out.queued.empty()) t.deferred.emplace_back(out, std::nullopt);
    return;
  }
  auto terms = parse_terms(p.args);
  if (terms.bad) {
    t.reply(texts::volunteer_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  VolunteerRecord v{.platform = t.m.platform, .user_id = target->user_id, .display_name = target->name};
  v.zones = terms.zones ? *terms.zones : (existing ? existing->zones : std::vector<Building>{});
  v.capacity = terms.capacity ? *terms.capacity : (existing ? existing->capacity : t.config.default_capacity);
  v.id = t.tx.upsert_volunteer(v, t.m.sender_id, t.now);
  t.tx.set_role(t.m.platform, target->user_id, Role::volunteer, t.now);
  auto out = t.dispatch.assigner().upsert_volunteer(v.id, v.zones, v.capacity, t.now);
  t.reply(texts::volunteer_added(t.lang, v, existing && existing->active));
  t.result.outcome = "volunteer_added";
  if (!out.assigned.empty() || !out.queued.empty()) t.deferred.emplace_back(out, std::nullopt);
}

void handle_coordinator_admin(Turn& t, const Parsed& p) {
  std::string verb = p.args.empty() ? "" : p.args[0];
  bool add = word_in(verb, {"add", "添加", "加"});
  bool remove = word_in(verb, {"remove", "删除", "移除"});
  auto target = (add || remove) ? resolve_target(t, p.args, 1) : std::nullopt;
  if (!target || target->user_id.empty()) {
    t.reply(target ? texts::unknown_member(t.lang, target->name) : texts::coordinator_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  t.tx.set_role(t.m.platform, target->user_id, add ? Role::coordinator : Role::resident, t.now);
  t.reply(add ? texts::coordinator_added(t.lang, target->name) : texts::coordinator_removed(t.lang, target->name));
  t.result.outcome = add ? "coordinator_added" : "coordinator_removed";
}

void handle_assign(Turn& t, const Parsed& p) {
  auto id = p.args.empty() ? std::nullopt : parse_order_no(p.args[0]);
  auto target = id ? resolve_target(t, p.args, 1) : std::nullopt;
  if (!id || !target) {
    t.reply(texts::assign_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  auto o = t.tx.order(*id);
  if (!o) {
    t.reply(texts::order_not_found(t.lang, std::to_string(id->value)));
    t.result.outcome = "order_not_found";
    return;
  }
  auto v = target->user_id.empty() ? std::nullopt : t.tx.volunteer_by_user(t.m.platform, target->user_id);
  if (!v || !v->active) {
    t.reply(texts::not_a_volunteer(t.lang, target->name));
    t.result.outcome = "refused";
    return;
  }
  if (!is_open(o->status)) {
    t.reply(texts::transition_refused(t.lang, *o, OrderStatus::assigned));
    t.result.outcome = "refused";
    return;
  }
  auto& a = t.dispatch.assigner();
  if (!a.order(o->no)) {
    // Still collecting in an open round: the coordinator's word takes it out of the round's split.
    a.add_order(o->no, building_of(o->address), o->urgent, t.now);
  }
  auto out = a.force_assign(o->no, v->id, t.now);
  if (!out.ok()) {
    t.reply(texts::refusal(t.lang, *out.refusal, o->no.value));
    t.result.outcome = "refused";
    return;
  }
  t.reply(texts::assigned_by_coordinator(t.lang, *o, v->display_name, out.warnings));
  t.result.outcome = "assigned";
  t.deferred.emplace_back(out, std::nullopt);
}

// "20:00" / "20：00" / "20点" → the next time the neighbourhood's clock shows it.
std::optional<UnixTime> next_clock_time(std::string s, UnixTime now, int offset_minutes) {
  s = replace_all(replace_all(std::move(s), "：", ":"), "点", ":");
  if (!s.empty() && s.back() == ':') s += "00";
  auto colon = s.find(':');
  if (colon == std::string::npos || !all_digits(s.substr(0, colon)) || !all_digits(s.substr(colon + 1)) || colon > 2 ||
      s.size() - colon != 3)
    return std::nullopt;
  int h = std::stoi(s.substr(0, colon)), m = std::stoi(s.substr(colon + 1));
  if (h > 23 || m > 59) return std::nullopt;
  const UnixTime offset = static_cast<UnixTime>(offset_minutes) * 60;
  UnixTime local = now + offset;
  UnixTime day = local - ((local % 86400) + 86400) % 86400;
  UnixTime at = day + h * 3600 + m * 60 - offset;
  if (at <= now) at += 86400;
  return at;
}

void handle_round(Turn& t, const Parsed& p) {
  std::string verb = p.args.empty() ? "" : p.args[0];
  auto open = t.tx.open_round_of(t.m.platform, t.m.chat_id);
  if (word_in(verb, {"open", "开始", "开", "start"})) {
    if (open) {
      t.reply(texts::round_already_open(t.lang, *open, t.config.utc_offset_minutes));
      t.result.outcome = "refused";
      return;
    }
    auto at = p.args.size() >= 2 ? next_clock_time(p.args[1], t.now, t.config.utc_offset_minutes) : std::nullopt;
    if (!at) {
      t.reply(texts::round_usage(t.lang));
      t.result.outcome = "usage";
      return;
    }
    Round r{.platform = t.m.platform, .chat_id = t.m.chat_id, .thread_id = t.m.thread_id,
            .language = t.lang == Lang::en ? "en" : "zh", .opened_by = t.m.sender_id, .opened_at = t.now, .closes_at = *at};
    r.id = t.tx.open_round(r);
    t.reply(texts::round_opened(t.lang, r, t.config.utc_offset_minutes));
    t.result.outcome = "round_opened";
    return;
  }
  if (word_in(verb, {"close", "结束", "截止", "关闭", "end"})) {
    if (!open) {
      t.reply(texts::no_open_round(t.lang));
      t.result.outcome = "refused";
      return;
    }
    close_round(t, *open);
    t.result.outcome = "round_closed";
    return;
  }
  if (!verb.empty() && !word_in(verb, {"status", "状态"})) {
    t.reply(texts::round_usage(t.lang));
    t.result.outcome = "usage";
    return;
  }
  if (!open) {
    t.reply(texts::no_open_round(t.lang) + "\n" + texts::round_usage(t.lang));
  } else {
    t.reply(texts::round_status(t.lang, *open, t.tx.orders_of_round(open->id).size(), t.config.utc_offset_minutes));
  }
  t.result.outcome = "round_status";
}

// Local midnight of the neighbourhood's clock.
UnixTime start_of_day(UnixTime now, int offset_minutes) {
  const UnixTime offset = static_cast<UnixTime>(offset_minutes) * 60;
  UnixTime local = now + offset;
  return local - ((local % 86400) + 86400) % 86400 - offset;
}

void handle_summary(Turn& t) {
  auto& a = t.dispatch.assigner();
  std::vector<std::pair<VolunteerRecord, std::int32_t>> loads;
  for (auto& v : t.tx.active_volunteers()) loads.emplace_back(v, a.load(v.id));
  texts::Summary s{.by_status = t.tx.status_counts(),
                   .households_served_today = t.tx.households_delivered_since(start_of_day(t.now, t.config.utc_offset_minutes)),
                   .queue = a.queue(),
                   .volunteers = std::move(loads)};
  t.reply(texts::summary(t.lang, s));
  t.result.outcome = "summary";
}

// The orders a shopping list or an export covers: the chat's open (or latest) round, else
// every open order.
std::vector<Order> orders_in_scope(Turn& t, std::string& scope) {
  auto r = t.tx.open_round_of(t.m.platform, t.m.chat_id);
  if (!r) r = t.tx.latest_round_of(t.m.platform, t.m.chat_id);
  if (r && r->closed_at == 0) {
    scope = t.lang == Lang::en ? "round #" + std::to_string(r->id) : "第 " + std::to_string(r->id) + " 轮";
    return t.tx.orders_of_round(r->id);
  }
  scope.clear();
  return t.tx.open_orders();
}

void handle_shopping(Turn& t) {
  std::string scope;
  auto orders = orders_in_scope(t, scope);
  std::erase_if(orders, [](const Order& o) { return o.status == OrderStatus::purchased; });
  if (orders.empty()) {
    t.reply(texts::nothing_to_buy(t.lang));
    t.result.outcome = "shopping";
    return;
  }
  t.reply(texts::shopping_list_text(t.lang, shopping_totals(orders), orders.size(), scope));
  t.result.outcome = "shopping";
}

// /export [round N]: the orders spreadsheet (CSV with BOM) as a file. It holds addresses, so it
// goes to the coordinator's private chat only.
void handle_export(Turn& t, const Parsed& p) {
  std::optional<std::int64_t> round;
  for (const auto& a : p.args)
    if (all_digits(a) && a.size() < 12) round = std::stoll(a);
  std::optional<OutgoingMessage> target;
  if (t.in_private()) target = OutgoingMessage{.platform = t.m.platform, .chat_id = t.m.chat_id};
  else target = t.dispatch.private_chat_of(t, t.m.platform, t.m.sender_id);
  if (!target) {
    t.reply(texts::export_private_only(t.lang));
    t.result.outcome = "export_private_only";
    return;
  }
  auto rows = t.tx.export_rows(round);
  target->text = orders_csv(rows, t.config.utc_offset_minutes);
  auto stamp = format_local_minute(t.now, t.config.utc_offset_minutes);  // "2025-11-28 11:20"
  for (auto& ch : stamp)
    if (ch == ' ' || ch == ':') ch = '-';
  target->document_name = "orders-" + (round ? "round" + std::to_string(*round) + "-" : std::string()) + stamp + ".csv";
  t.send(std::move(*target));
  if (!t.in_private()) t.reply(texts::sent_privately(t.lang));
  t.result.outcome = "export";
}

}  // namespace

// Closes a round: its orders are split among the volunteers by building (one trip each), each
// volunteer gets their list, and the chat gets who carries what (numbers and buildings only).
void close_round(Turn& t, const Round& r) {
  t.tx.close_round(r.id, t.now);
  auto orders = t.tx.orders_of_round(r.id);
  auto& a = t.dispatch.assigner();
  std::vector<RoundOrder> batch;
  for (const auto& o : orders) {
    if (o.status != OrderStatus::pending || a.order(o.no)) continue;  // taken by hand meanwhile
    batch.push_back(RoundOrder{.id = o.no, .building = building_of(o.address), .urgent = o.urgent, .created_at = o.created_at});
  }
  auto split = a.split_round(batch, t.now);
  t.dispatch.apply(t, split.outcome, "round", std::nullopt, false);
  const Lang lang = r.language == "en" ? Lang::en : Lang::zh;
  std::vector<texts::RoundShare> shares;
  for (const auto& list : split.lists) {
    auto v = t.tx.volunteer(list.volunteer);
    if (!v) continue;
    std::vector<Order> theirs;
    for (auto id : list.orders)
      if (auto o = t.tx.order(id)) theirs.push_back(std::move(*o));
    shares.push_back(texts::RoundShare{.volunteer = v->display_name, .orders = theirs});
    if (auto priv = t.dispatch.private_chat_of(t, v->platform, v->user_id)) {
      priv->text = texts::round_list_private(lang, r, theirs, shopping_totals(theirs));
      t.send(std::move(*priv));
    }
  }
  std::vector<Order> waiting;
  for (auto id : split.outcome.queued)
    if (auto o = t.tx.order(id)) waiting.push_back(std::move(*o));
  t.send(OutgoingMessage{.platform = r.platform,
                         .chat_id = r.chat_id,
                         .thread_id = r.thread_id,
                         .text = texts::round_closed(lang, r, batch.size(), shares, waiting)});
  if (!waiting.empty()) {
    for (auto& c : t.dispatch.coordinator_chats(t)) {
      c.text = texts::queued_notice(lang, waiting);
      t.send(std::move(c));
    }
  }
}

bool handle_coordinator_command(Turn& t, const Parsed& p) {
  const auto& c = p.command;
  if (c != "volunteer" && c != "coordinator" && c != "assign" && c != "round" && c != "summary" && c != "shopping" &&
      c != "export")
    return false;
  if (!is_coordinator(t)) {
    // "志愿者辛苦了" in a group is thanks, not a command: only a slash command, a private chat or
    // a command with arguments is answered.
    if (!quietly_ignored(t, p)) t.reply(texts::coordinators_only(t.lang));
    t.result.outcome = quietly_ignored(t, p) ? "chat" : "refused_not_coordinator";
    return true;
  }
  if (c == "volunteer") handle_volunteer_admin(t, p);
  else if (c == "coordinator") handle_coordinator_admin(t, p);
  else if (c == "assign") handle_assign(t, p);
  else if (c == "round") handle_round(t, p);
  else if (c == "summary") handle_summary(t);
  else if (c == "shopping") handle_shopping(t);
  else handle_export(t, p);
  return true;
}

}  // namespace supplybot::handlers
