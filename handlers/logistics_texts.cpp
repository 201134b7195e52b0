#include "handlers/logistics_texts.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace supplybot::handlers::texts {
namespace {

bool en(Lang l) { return l == Lang::en; }
std::string no(const Order& o) { return "#" + std::to_string(o.no.value); }
std::string no(OrderId id) { return "#" + std::to_string(id.value); }

// "3栋" / "bldg 3" for a numbered building; a label such as "12B" (a flat without a building
// number) stays as it is.
std::string building_label(Lang l, const Building& b) {
  bool numbered = !b.empty() && std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numbered) return b;
  return en(l) ? "bldg " + b : b + "栋";
}

std::string items_inline(Lang l, const Order& o) {
  std::string s;
  for (const auto& line : o.lines) {
    s += (s.empty() ? "" : (en(l) ? ", " : "、")) + line_text(line);
    if (line.missing) s += en(l) ? " (missing)" : "（缺货）";
  }
  return s;
}

std::string numbers(const std::vector<Order>& orders) {
  std::string s;
  for (const auto& o : orders) s += (s.empty() ? "" : " ") + no(o);
  return s;
}

std::string names_joined(Lang l, const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : (en(l) ? ", " : "、")) + n;
  return s;
}

// "#12 3栋" or "#12 3-2-502: 白菜 2斤、鸡蛋 1盒" (full), urgent marked.
std::string task_line(Lang l, const Order& o, bool full) {
  std::string s = (o.urgent ? (en(l) ? "[URGENT] " : "【急】") : "") + no(o) + " ";
  if (!full) return s + building_label(l, building_of(o.address)) +
                    (o.status == OrderStatus::purchased ? (en(l) ? " (bought)" : "（已购）") : "");
  s += o.address + (en(l) ? ": " : "：") + items_inline(l, o);
  if (!o.notes.empty()) s += (en(l) ? " — notes: " : "；备注：") + o.notes;
  if (o.status == OrderStatus::purchased) s += en(l) ? " (bought, to deliver)" : "（已购，待送达）";
  return s;
}

// Catalog category keys (config/catalog.toml) as shoppers read them; an unknown key as it is.
std::string category_label(Lang l, const std::string& key) {
  struct Label {
    const char* key;
    const char* zh;
    const char* en;
  };
  static const Label labels[] = {
      {"vegetable", "蔬菜", "Vegetables"},   {"fruit", "水果", "Fruit"},
      {"meat", "肉类", "Meat"},              {"seafood", "水产", "Fish and seafood"},
      {"eggs", "蛋类", "Eggs"},              {"tofu", "豆制品", "Tofu"},
      {"staple", "米面粮食", "Rice, flour, noodles"}, {"oil_seasoning", "油和调料", "Oil and seasoning"},
      {"dairy", "奶制品", "Dairy"},          {"drinks", "饮料", "Drinks"},
      {"frozen", "冷冻食品", "Frozen"},       {"bakery", "面包糕点", "Bakery"},
      {"snacks", "零食", "Snacks"},           {"baby", "母婴", "Baby"},
      {"medicine", "药品", "Medicine"},       {"hygiene", "个人护理", "Hygiene"},
      {"cleaning", "清洁用品", "Cleaning"},   {"household", "日用品", "Household"},
      {"pet", "宠物用品", "Pet"},
  };
  for (const auto& x : labels)
    if (key == x.key) return en(l) ? x.en : x.zh;
  if (key.empty()) return en(l) ? "Other" : "其他";
  return key;
}

}  // namespace

std::string clock(UnixTime at, int utc_offset_minutes) {
  UnixTime local = at + static_cast<UnixTime>(utc_offset_minutes) * 60;
  UnixTime secs = ((local % 86400) + 86400) % 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(secs / 3600), static_cast<int>(secs % 3600 / 60));
  return buf;
}

// --- residents -----------------------------------------------------------------------------

std::string assigned_line(Lang l, std::string_view volunteer) {
  if (en(l)) return "\nVolunteer " + std::string(volunteer) + " will buy and bring it.";
  return "\n已安排志愿者 " + std::string(volunteer) + " 采购配送。";
}

std::string round_line(Lang l, const Round& r, int off) {
  std::string at = clock(r.closes_at, off);
  if (en(l)) return "\nThis round closes at " + at + "; orders are then shared among the volunteers.";
  return "\n本轮接龙 " + at + " 截止，截止后统一分配给志愿者采购。";
}

std::string assigned_to_household(Lang l, const Order& o, std::string_view volunteer) {
  if (en(l)) return "Order " + no(o) + ": volunteer " + std::string(volunteer) + " will buy and bring it.";
  return "订单 " + no(o) + " 已安排志愿者 " + std::string(volunteer) + " 采购配送。";
}

std::string bought_household(Lang l, const Order& o, const std::vector<std::string>& missing) {
  std::string s = en(l) ? "Order " + no(o) + " is bought and on its way." : "订单 " + no(o) + " 已买好，正在配送。";
  if (!missing.empty())
    s += en(l) ? " Sorry, these could not be bought: " + names_joined(l, missing) + "."
               : "抱歉，以下物品没有买到：" + names_joined(l, missing) + "。";
  return s;
}

std::string delivered_household(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " has been delivered to your door. Please reply \"received\" once you have it.";
  return "订单 " + no(o) + " 已送到门口，请查收。收到后请回复「收到」。";
}

// --- volunteers ----------------------------------------------------------------------------

std::string volunteers_only(Lang l) {
  if (en(l)) return "Sorry, this command is for the logistics volunteers. A coordinator can add you with /volunteer add.";
  return "抱歉，这个指令是物流志愿者使用的。如想加入，请联系协调员添加。";
}

std::string new_task(Lang l, const Order& o, std::string_view volunteer, AssignReason why, bool full) {
  std::string head;
  if (en(l)) head = std::string(why == AssignReason::claimed ? "You claimed " : "New task for ") +
                    (why == AssignReason::claimed ? "" : std::string(volunteer) + ": ");
  else head = why == AssignReason::claimed ? "您已认领：" : "新任务（" + std::string(volunteer) + "）：";
  std::string s = head + task_line(l, o, full);
  if (!full) s += en(l) ? "\nOpen a private chat with me (/start) to get addresses and lists there."
                        : "\n私聊我（发送 /start）即可收到完整地址和清单。";
  s += en(l) ? "\nWhen bought: /bought " + std::to_string(o.no.value) + "; when delivered: /delivered " +
                   std::to_string(o.no.value)
             : "\n买好后回复「已购 " + std::to_string(o.no.value) + "」，送达后回复「已送达 " + std::to_string(o.no.value) + "」。";
  return s;
}

std::string task_moved_away(Lang l, const Order& o, std::string_view from, std::string_view to) {
  if (en(l)) return std::string(from) + ", order " + no(o) + " now goes to " + std::string(to) + ".";
  return std::string(from) + "，订单 " + no(o) + " 已改由 " + std::string(to) + " 负责。";
}

std::string cancelled_to_volunteer(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " (" + building_label(l, building_of(o.address)) + ") was cancelled: do not buy it.";
  return "订单 " + no(o) + "（" + building_label(l, building_of(o.address)) + "）已取消，无需采购。";
}

std::string changed_to_volunteer(Lang l, const Order& o, bool full) {
  // In a group: the building and the items, never the flat.
  std::string now = full ? task_line(l, o, true) : task_line(l, o, false) + (en(l) ? ": " : "：") + items_inline(l, o);
  if (en(l)) return "Order " + no(o) + " was changed by the household. Now: " + now;
  return "订单 " + no(o) + " 住户有修改，现在是：" + now;
}

std::string received_to_volunteer(Lang l, const Order& o) {
  if (en(l)) return "The household confirmed receipt of order " + no(o) + ". Thank you!";
  return "住户已确认收到订单 " + no(o) + "，辛苦了！";
}

std::string shift_on(Lang l, const VolunteerRecord& v, const std::vector<OrderId>& taken, std::int32_t load) {
  std::string zones;
  for (const auto& z : v.zones) zones += (zones.empty() ? "" : ",") + z;
  std::string s = en(l) ? "You are on shift (buildings " + (zones.empty() ? std::string("none yet") : zones) + ", up to " +
                              std::to_string(v.capacity) + " orders)."
                        : "已上班（负责 " + (zones.empty() ? std::string("暂无楼栋") : zones + " 栋") + "，最多 " +
                              std::to_string(v.capacity) + " 单）。";
  if (!taken.empty()) {
    std::string ids;
    for (auto id : taken) ids += (ids.empty() ? "" : " ") + no(id);
    s += en(l) ? " Waiting orders given to you: " + ids + "." : "已为您分配等待中的订单：" + ids + "。";
  }
  s += en(l) ? " You now carry " + std::to_string(load) + ". /tasks shows them." : "当前共 " + std::to_string(load) + " 单，发送「我的任务」查看。";
  return s;
}

std::string shift_off(Lang l, std::size_t handed_back, const std::vector<Order>& kept) {
  std::string s = en(l) ? "You are off shift. Thank you!" : "已下班，辛苦了！";
  if (handed_back > 0)
    s += en(l) ? " " + std::to_string(handed_back) + " order(s) not yet bought went back to the team."
               : std::to_string(handed_back) + " 单未购买的订单已交回，重新分配。";
  if (!kept.empty())
    s += en(l) ? " Still to deliver (already bought): " + numbers(kept) + "."
               : "您已买好、仍需送达的订单：" + numbers(kept) + "。";
  return s;
}

std::string no_tasks(Lang l, bool on_shift) {
  if (en(l)) return on_shift ? "You have no open tasks right now." : "You have no open tasks. Send /on to start taking orders.";
  return on_shift ? "您目前没有待办任务。" : "您目前没有待办任务。发送「上班」开始接单。";
}

std::string tasks_list(Lang l, const std::vector<Order>& orders, bool full) {
  std::string s = en(l) ? "Your tasks (" + std::to_string(orders.size()) + "):" : "我的任务（" + std::to_string(orders.size()) + " 单）：";
  std::string current;
  for (const auto& o : orders) {
    auto b = building_of(o.address);
    if (full && b != current && !o.urgent) {
      s += "\n" + building_label(l, b) + (en(l) ? ":" : "：");
      current = b;
    }
    s += "\n• " + task_line(l, o, full);
  }
  return s;
}

std::string nothing_to_buy(Lang l) {
  if (en(l)) return "Nothing left to buy.";
  return "目前没有需要采购的物品。";
}

std::string shopping_list_text(Lang l, const std::vector<ShoppingTotal>& totals, std::size_t orders, std::string_view scope) {
  std::string s = en(l) ? "Shopping list" + (scope.empty() ? std::string() : " (" + std::string(scope) + ")") + ", " +
                              std::to_string(orders) + " order(s):"
                        : "购物清单" + (scope.empty() ? std::string() : "（" + std::string(scope) + "）") + "，共 " +
                              std::to_string(orders) + " 单：";
  std::string category = "\x01";
  for (const auto& t : totals) {
    if (t.category != category) {
      category = t.category;
      s += "\n【" + category_label(l, category) + "】";
    }
    std::string unit = t.unit.size() > 3 ? " " + t.unit : t.unit;
    s += "\n• " + t.name + " " + (t.qty > 0 ? format_qty(t.qty) + unit : std::string());
    if (t.missing_qty > 0)
      s += en(l) ? " (missing " + format_qty(t.missing_qty) + unit + ")" : "（缺 " + format_qty(t.missing_qty) + unit + "）";
    if (t.urgent) s += en(l) ? " [urgent]" : "【急】";
  }
  return s;
}

std::string sent_privately(Lang l) {
  if (en(l)) return "I sent it to you in a private chat.";
  return "已私信发给您。";
}

std::string private_hint(Lang l) {
  if (en(l)) return "(Open a private chat with me and send /start to get addresses and items there.)";
  return "（私聊我并发送 /start，即可在私聊中收到完整地址和物品。）";
}

std::string order_usage(Lang l, std::string_view command) {
  std::string c(command);
  if (en(l)) return "Please add the order number, e.g. \"/" + c + " 12\".";
  static const std::map<std::string, std::string> zh = {
      {"bought", "已购"}, {"delivered", "已送达"}, {"claim", "认领"}, {"release", "释放"}};
  auto it = zh.find(c);
  return "请写上订单号，例如「" + (it == zh.end() ? c : it->second) + " 12」。";
}

std::string refusal(Lang l, Refusal r, std::int64_t order_no) {
  std::string n = "#" + std::to_string(order_no);
  switch (r) {
    case Refusal::order_not_found:
      return en(l) ? "Order " + n + " is not open (unknown, delivered or cancelled)." : "订单 " + n + " 不在进行中（不存在、已送达或已取消）。";
    case Refusal::not_in_queue:
      return en(l) ? "Order " + n + " already has a volunteer." : "订单 " + n + " 已经有志愿者负责了。";
    case Refusal::not_assigned:
      return en(l) ? "Order " + n + " is still waiting for a volunteer." : "订单 " + n + " 还在等待分配。";
    case Refusal::not_yours:
      return en(l) ? "Order " + n + " is not one of your tasks." : "订单 " + n + " 不是您的任务。";
    case Refusal::already_yours:
      return en(l) ? "Order " + n + " is already yours." : "订单 " + n + " 已经是您的了。";
    case Refusal::already_purchased:
      return en(l) ? "Order " + n + " is already bought." : "订单 " + n + " 已经买好了。";
    case Refusal::zone_not_covered:
      return en(l) ? "Order " + n + " is outside your buildings; ask a coordinator to /assign it to you."
                   : "订单 " + n + " 不在您负责的楼栋，如需接单请联系协调员分配。";
    case Refusal::at_capacity:
      return en(l) ? "You already carry as many orders as you can. Deliver some first, or ask a coordinator."
                   : "您的任务已满，请先完成部分订单，或联系协调员。";
    case Refusal::off_shift:
      return en(l) ? "You are off shift. Send /on first." : "您目前是下班状态，请先发送「上班」。";
    case Refusal::volunteer_not_found:
      return en(l) ? "You are not registered as a volunteer." : "您还不是登记的志愿者。";
    case Refusal::order_exists:
    case Refusal::invalid_capacity:
      break;
  }
  return en(l) ? "That cannot be done right now." : "暂时无法办理。";
}

std::string transition_refused(Lang l, const Order& o, OrderStatus to) {
  std::string now = status_name(l, o.status);
  std::string want = status_name(l, to);
  if (o.status == OrderStatus::cancelled)
    return en(l) ? "Order " + no(o) + " was cancelled by the household: nothing to do." : "订单 " + no(o) + " 已被住户取消，无需处理。";
  if (o.status == OrderStatus::delivered)
    return en(l) ? "Order " + no(o) + " is already delivered." : "订单 " + no(o) + " 已经送达了。";
  if (o.status == OrderStatus::pending)
    return en(l) ? "Order " + no(o) + " is still waiting for a volunteer; claim it first (/claim " + std::to_string(o.no.value) + ")."
                 : "订单 " + no(o) + " 还在等待分配，请先认领（认领 " + std::to_string(o.no.value) + "）。";
  return en(l) ? "Order " + no(o) + " is " + now + ", so it cannot be marked " + want + "."
               : "订单 " + no(o) + " 当前状态是「" + now + "」，不能改为「" + want + "」。";
}

std::string bought_done(Lang l, const Order& o, const std::vector<std::string>& missing) {
  std::string s = en(l) ? "Order " + no(o) + " marked bought." : "订单 " + no(o) + " 已标记为已购。";
  if (!missing.empty()) s += en(l) ? " Missing: " + names_joined(l, missing) + " (the household is told)."
                                   : "缺货：" + names_joined(l, missing) + "（已告知住户）。";
  s += en(l) ? " Send /delivered " + std::to_string(o.no.value) + " once it is at the door."
             : "送到后请回复「已送达 " + std::to_string(o.no.value) + "」。";
  return s;
}

std::string bought_all(Lang l, const std::vector<OrderId>& done) {
  if (done.empty()) return en(l) ? "None of your orders is waiting to be bought." : "您没有待采购的订单。";
  std::string ids;
  for (auto id : done) ids += (ids.empty() ? "" : " ") + no(id);
  return en(l) ? "Marked bought: " + ids + ". The households are told." : "已标记为已购：" + ids + "，已通知住户。";
}

std::string delivered_done(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " marked delivered. Thank you!";
  return "订单 " + no(o) + " 已标记送达，辛苦了！";
}

std::string in_open_round(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " belongs to a round that is still collecting; it is shared out at the cut-off.";
  return "订单 " + no(o) + " 属于尚未截止的接龙轮次，截止后统一分配。";
}

std::string claimed(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " (" + building_label(l, building_of(o.address)) + ") is yours now.";
  return "订单 " + no(o) + "（" + building_label(l, building_of(o.address)) + "）已由您认领。";
}

std::string released(Lang l, const Order& o) {
  if (en(l)) return "Order " + no(o) + " went back to the team.";
  return "订单 " + no(o) + " 已交回，重新分配。";
}

std::string queue_list(Lang l, const std::vector<OrderView>& queue) {
  if (queue.empty()) return en(l) ? "No order is waiting for a volunteer." : "目前没有等待分配的订单。";
  std::string s = en(l) ? "Waiting for a volunteer (" + std::to_string(queue.size()) + "):"
                        : "等待分配的订单（" + std::to_string(queue.size()) + " 单）：";
  for (const auto& v : queue)
    s += "\n• " + std::string(v.urgent ? (en(l) ? "[URGENT] " : "【急】") : "") + no(v.id) + " " + building_label(l, v.building);
  s += en(l) ? "\nVolunteers: /claim N takes one." : "\n志愿者可发送「认领 N」接单。";
  return s;
}

std::string stale_button(Lang l) {
  if (en(l)) return "This button is no longer valid.";
  return "这个按钮已失效。";
}

// --- coordinators --------------------------------------------------------------------------

std::string queued_notice(Lang l, const std::vector<Order>& orders) {
  std::string list;
  for (const auto& o : orders)
    list += (list.empty() ? "" : " ") + std::string(o.urgent ? (en(l) ? "[URGENT]" : "【急】") : "") + no(o) + "(" +
            building_label(l, building_of(o.address)) + ")";
  if (en(l)) return "No volunteer can take these now; they wait in the queue: " + list + ". Volunteers can /claim them.";
  return "以下订单暂无志愿者可接，正在排队等待：" + list + "。志愿者可发送「认领 N」接单。";
}

std::string overdue_notice(Lang l, const std::vector<Order>& orders, UnixTime now) {
  std::string s = en(l) ? "Not bought yet, long after assignment:" : "以下订单分配后长时间未购买：";
  for (const auto& o : orders) {
    auto mins = (now - o.assigned_at) / 60;
    s += "\n• " + no(o) + " " + building_label(l, building_of(o.address)) + " — " + o.volunteer_name + ", " +
         (en(l) ? std::to_string(mins) + " min" : std::to_string(mins) + " 分钟");
  }
  s += en(l) ? "\nMove one with /assign N @name." : "\n可用「分配 N @姓名」改派。";
  return s;
}

std::string volunteer_usage(Lang l) {
  if (en(l))
    return "Usage: reply to a member's message with \"/volunteer add zones=1,2,3 capacity=15\", or name them: "
           "\"/volunteer add @name zones=1-5\". \"/volunteer remove @name\", \"/volunteer list\".";
  return "用法：回复某位成员的消息发送「志愿者 添加 楼栋=1,2,3 容量=15」，或写上对方：「志愿者 添加 @用户名 楼栋=1-5」。"
         "移除：「志愿者 删除 @用户名」；名单：「志愿者 列表」。";
}

std::string volunteer_list(Lang l, const std::vector<std::pair<VolunteerRecord, std::int32_t>>& loads) {
  if (loads.empty()) return en(l) ? "No volunteers yet. Add one with /volunteer add." : "还没有志愿者。请用「志愿者 添加」登记。";
  std::string s = en(l) ? "Volunteers (" + std::to_string(loads.size()) + "):" : "志愿者（" + std::to_string(loads.size()) + " 人）：";
  for (const auto& [v, load] : loads) {
    std::string zones;
    for (const auto& z : v.zones) zones += (zones.empty() ? "" : ",") + z;
    s += "\n• " + v.display_name + " — " + (v.on_shift ? (en(l) ? "on shift" : "在岗") : (en(l) ? "off" : "下班")) + ", " +
         std::to_string(load) + "/" + std::to_string(v.capacity) + (en(l) ? ", bldg " : "，楼栋 ") + (zones.empty() ? "-" : zones);
  }
  return s;
}

std::string volunteer_added(Lang l, const VolunteerRecord& v, bool updated) {
  std::string zones;
  for (const auto& z : v.zones) zones += (zones.empty() ? "" : ",") + z;
  if (en(l))
    return std::string(updated ? "Updated" : "Added") + " volunteer " + v.display_name + ": buildings " +
           (zones.empty() ? std::string("none") : zones) + ", up to " + std::to_string(v.capacity) +
           " orders. They send /on to start taking orders.";
  return std::string(updated ? "已更新" : "已添加") + "志愿者 " + v.display_name + "：负责 " +
         (zones.empty() ? std::string("（未设楼栋）") : zones + " 栋") + "，最多 " + std::to_string(v.capacity) +
         " 单。请其发送「上班」开始接单。";
}

std::string volunteer_removed(Lang l, std::string_view name, std::size_t still_to_deliver) {
  std::string s = en(l) ? std::string(name) + " is no longer a volunteer; orders not yet bought went back to the team."
                        : std::string(name) + " 已不再是志愿者，未购买的订单已重新分配。";
  if (still_to_deliver > 0)
    s += en(l) ? " They still deliver the " + std::to_string(still_to_deliver) + " order(s) already bought."
               : "已买好的 " + std::to_string(still_to_deliver) + " 单仍由其送达。";
  return s;
}

std::string unknown_member(Lang l, std::string_view name) {
  if (en(l)) return "I don't know " + std::string(name) + " yet: they need to write in the group once, or reply to one of their messages.";
  return "还不认识 " + std::string(name) + "：请对方先在群里发一条消息，或直接回复对方的消息来操作。";
}

std::string not_a_volunteer(Lang l, std::string_view name) {
  if (en(l)) return std::string(name) + " is not a volunteer.";
  return std::string(name) + " 不是志愿者。";
}

std::string coordinator_usage(Lang l) {
  if (en(l)) return "Usage: \"/coordinator add @name\" (or reply to their message), \"/coordinator remove @name\".";
  return "用法：「协调员 添加 @用户名」（或回复对方的消息），「协调员 删除 @用户名」。";
}

std::string coordinator_added(Lang l, std::string_view name) {
  if (en(l)) return std::string(name) + " is now a coordinator.";
  return std::string(name) + " 已设为协调员。";
}

std::string coordinator_removed(Lang l, std::string_view name) {
  if (en(l)) return std::string(name) + " is no longer a coordinator (those named in the config always are).";
  return std::string(name) + " 已不再是协调员（配置文件中指定的协调员除外）。";
}

std::string assign_usage(Lang l) {
  if (en(l)) return "Usage: \"/assign 12 @name\" (or reply to the volunteer's message with \"/assign 12\").";
  return "用法：「分配 12 @用户名」（或回复志愿者的消息发送「分配 12」）。";
}

std::string assigned_by_coordinator(Lang l, const Order& o, std::string_view volunteer, const ForceWarnings& w) {
  std::string s = en(l) ? "Order " + no(o) + " is now with " + std::string(volunteer) + "."
                        : "订单 " + no(o) + " 已分配给 " + std::string(volunteer) + "。";
  std::vector<std::string> notes;
  if (w.over_capacity) notes.push_back(en(l) ? "over their capacity" : "超出其容量");
  if (w.zone_not_covered) notes.push_back(en(l) ? "outside their buildings" : "不在其负责楼栋");
  if (w.off_shift) notes.push_back(en(l) ? "they are off shift" : "对方目前下班");
  if (!notes.empty()) s += (en(l) ? " Note: " : "注意：") + names_joined(l, notes) + (en(l) ? "." : "。");
  return s;
}

std::string export_private_only(Lang l) {
  if (en(l)) return "The export holds addresses, so I send it only in a private chat: open one with me (/start) and send /export there.";
  return "导出文件含住户地址，只能私聊发送：请私聊我（发送 /start），再发送「导出」。";
}

std::string round_usage(Lang l) {
  if (en(l)) return "Usage: \"/round open 20:00\" starts collecting orders until 20:00; \"/round close\" closes it now; \"/round\" shows it.";
  return "用法：「轮次 开始 20:00」开始收集订单到 20:00 截止；「轮次 截止」立即截止；「轮次」查看状态。";
}

std::string round_opened(Lang l, const Round& r, int off) {
  auto at = clock(r.closes_at, off);
  if (en(l)) return "Ordering round #" + std::to_string(r.id) + " is open until " + at + ". Write your orders now; they are shared among the volunteers at the cut-off.";
  return "第 " + std::to_string(r.id) + " 轮接龙开始，" + at + " 截止。请在截止前下单，截止后统一分配给志愿者采购。";
}

std::string round_already_open(Lang l, const Round& r, int off) {
  if (en(l)) return "A round is already open here until " + clock(r.closes_at, off) + ".";
  return "本群已有进行中的轮次，" + clock(r.closes_at, off) + " 截止。";
}

std::string no_open_round(Lang l) {
  if (en(l)) return "No ordering round is open in this chat.";
  return "本群目前没有进行中的接龙轮次。";
}

std::string round_status(Lang l, const Round& r, std::size_t orders, int off) {
  if (en(l)) return "Round #" + std::to_string(r.id) + ": " + std::to_string(orders) + " order(s) so far, closes at " + clock(r.closes_at, off) + ".";
  return "第 " + std::to_string(r.id) + " 轮：已收到 " + std::to_string(orders) + " 单，" + clock(r.closes_at, off) + " 截止。";
}

std::string round_closed(Lang l, const Round& r, std::size_t orders, const std::vector<RoundShare>& shares,
                         const std::vector<Order>& waiting) {
  std::string s = en(l) ? "Round #" + std::to_string(r.id) + " is closed: " + std::to_string(orders) + " order(s)."
                        : "第 " + std::to_string(r.id) + " 轮接龙已截止，共 " + std::to_string(orders) + " 单。";
  for (const auto& sh : shares) {
    std::map<std::string, std::vector<std::string>> by_building;
    for (const auto& o : sh.orders) by_building[building_of(o.address)].push_back(no(o));
    std::string parts;
    for (const auto& [b, ids] : by_building) {
      std::string joined;
      for (const auto& id : ids) joined += (joined.empty() ? "" : " ") + id;
      parts += (parts.empty() ? "" : "; ") + building_label(l, b) + " " + joined;
    }
    s += "\n• " + sh.volunteer + (en(l) ? ": " : "：") + parts;
  }
  if (!waiting.empty())
    s += en(l) ? "\nStill without a volunteer: " + numbers(waiting) : "\n暂无志愿者：" + numbers(waiting);
  return s;
}

std::string round_list_private(Lang l, const Round& r, const std::vector<Order>& orders,
                               const std::vector<ShoppingTotal>& totals) {
  std::string head = en(l) ? "Round #" + std::to_string(r.id) + " — your share:\n" : "第 " + std::to_string(r.id) + " 轮，您负责的订单：\n";
  return head + tasks_list(l, orders, true) + "\n\n" + shopping_list_text(l, totals, orders.size());
}

std::string summary(Lang l, const Summary& s) {
  std::string out = en(l) ? "Summary" : "统计";
  out += en(l) ? "\nOrders by status:" : "\n订单状态：";
  std::int64_t total = 0;
  for (auto st : {OrderStatus::pending, OrderStatus::assigned, OrderStatus::purchased, OrderStatus::delivered, OrderStatus::cancelled}) {
    std::int64_t n = 0;
    for (const auto& [k, v] : s.by_status)
      if (k == st) n = v;
    total += n;
    out += "\n• " + status_name(l, st) + (en(l) ? ": " : "：") + std::to_string(n);
  }
  out += en(l) ? "\nTotal orders: " + std::to_string(total) : "\n订单总数：" + std::to_string(total);
  out += en(l) ? "\nHouseholds served today: " + std::to_string(s.households_served_today)
               : "\n今日已送达住户：" + std::to_string(s.households_served_today) + " 户";
  out += "\n" + queue_list(l, s.queue);
  out += "\n" + volunteer_list(l, s.volunteers);
  return out;
}

}  // namespace supplybot::handlers::texts
