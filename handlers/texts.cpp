#include "handlers/texts.hpp"

#include <cmath>
#include <cstdio>

namespace supplybot::handlers::texts {

std::string help(Lang l) {
  if (l == Lang::en)
    return "I collect grocery orders for households in isolation.\n"
           "• Order by writing your flat and what you need, e.g. \"3-2-502 2 cabbages, a box of eggs\".\n"
           "• Change it: reply to my confirmation with \"make it 3 cabbages\", or cancel with \"cancel\".\n"
           "• /my – your open orders and their status\n"
           "• /register 3-2-502 – link your account to your flat\n"
           "• /help – this message\n"
           "Volunteers: /on, /off, /tasks, /list, /claim N, /bought N, /delivered N. "
           "Coordinators: /volunteer add, /assign N @name, /round open 20:00, /summary, /shopping, /export.";
  return "我负责为居家隔离的住户登记买菜需求。\n"
         "• 下单：直接写门牌号和需要的东西，例如「3栋2单元502 白菜2斤 鸡蛋一盒」。\n"
         "• 修改：回复我的确认消息，如「白菜改成3斤」；取消请回复「取消」。\n"
         "• 我的订单（/my）：查看未完成的订单和进度\n"
         "• 登记 3-2-502（/register）：绑定您的门牌号\n"
         "• 帮助（/help）：显示本说明\n"
         "志愿者：上班、下班、我的任务、购物清单、认领 N、已购 N、已送达 N。"
         "协调员：志愿者 添加、分配 N @姓名、轮次 开始 20:00、统计、采购汇总、导出。";
}

std::string start(Lang l) {
  return (l == Lang::en ? std::string("Hello! ") : std::string("您好！")) + help(l);
}

std::string unknown_command(Lang l, std::string_view command) {
  if (l == Lang::en) return "I don't know the command " + std::string(command) + ". Send /help to see what I can do.";
  return "我不认识指令「" + std::string(command) + "」。发送「帮助」查看可用的指令。";
}

std::string not_available_yet(Lang l, std::string_view command) {
  if (l == Lang::en)
    return "The command " + std::string(command) + " is not available in this version yet. Please contact your coordinator.";
  return "指令「" + std::string(command) + "」在当前版本尚未开放，请联系协调员。";
}

std::string file_not_sent_here(Lang l, std::string_view file_name) {
  if (l == Lang::en)
    return "The file " + std::string(file_name) +
           " is ready, but files cannot be sent in this chat. A coordinator can get it on the server with "
           "`supplybot export`.";
  return "文件「" + std::string(file_name) + "」已生成，但无法在这个聊天里发送文件。请协调员在服务器上用 supplybot export 导出。";
}

std::string format_qty(double qty) {
  if (std::fabs(qty - std::round(qty)) < 1e-9) return std::to_string(static_cast<long long>(std::llround(qty)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", qty);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string line_text(const OrderLine& line) {
  std::string s = line.name + " " + format_qty(line.qty);
  if (!line.unit.empty()) s += line.unit.size() > 3 ? " " + line.unit : line.unit;
  if (!line.note.empty()) s += " (" + line.note + ")";
  return s;
}

std::string status_name(Lang l, OrderStatus s) {
  if (l == Lang::en) {
    switch (s) {
      case OrderStatus::pending: return "waiting for a volunteer";
      case OrderStatus::assigned: return "assigned to a volunteer";
      case OrderStatus::purchased: return "bought, on the way";
      case OrderStatus::delivered: return "delivered";
      case OrderStatus::cancelled: return "cancelled";
    }
  }
  switch (s) {
    case OrderStatus::pending: return "等待分配志愿者";
    case OrderStatus::assigned: return "已分配志愿者";
    case OrderStatus::purchased: return "已购买，配送中";
    case OrderStatus::delivered: return "已送达";
    case OrderStatus::cancelled: return "已取消";
  }
  return "";
}

namespace {

std::string lines_block(const Order& o) {
  std::string s;
  for (const auto& line : o.lines) s += "\n• " + line_text(line);
  return s;
}

std::string notes_line(Lang l, const Order& o) {
  if (o.notes.empty()) return "";
  return (l == Lang::en ? "\nNotes: " : "\n备注：") + o.notes;
}

}  // namespace

std::string order_confirmed(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en)
    return "Order " + no + " for " + o.address + " received:" + lines_block(o) + notes_line(l, o) +
           (o.urgent ? "\nMarked urgent." : "") +
           "\nTo change it, reply to this message (e.g. \"make it 3 milk\"); to cancel, reply \"cancel\".";
  return "已收到 " + o.address + " 的订单 " + no + "：" + lines_block(o) + notes_line(l, o) +
         (o.urgent ? "\n已标记为加急。" : "") + "\n如需修改，请回复本消息（如「白菜改成3斤」）；取消请回复「取消」。";
}

std::string order_updated(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en) return "Order " + no + " for " + o.address + " updated:" + lines_block(o) + notes_line(l, o);
  return "订单 " + no + "（" + o.address + "）已更新：" + lines_block(o) + notes_line(l, o);
}

std::string order_cancelled(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en) return "Order " + no + " for " + o.address + " is cancelled.";
  return "订单 " + no + "（" + o.address + "）已取消。";
}

std::string change_refused(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en)
    return "Sorry, order " + no + " can no longer be changed: it is " + status_name(l, o.status) +
           ". Please place a new order for anything else you need.";
  return "抱歉，订单 " + no + " 已经" + status_name(l, o.status) + "，无法再修改。如还需要其他物品，请重新下单。";
}

std::string already_cancelled(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en) return "Order " + no + " was already cancelled.";
  return "订单 " + no + " 之前已经取消了。";
}

std::string no_order_to_change(Lang l) {
  if (l == Lang::en) return "I could not find an open order of yours to change. Reply to my confirmation message, or write the order number, e.g. \"cancel #12\".";
  return "没有找到您可修改的订单。请回复我的确认消息，或写上订单号，例如「取消 #12」。";
}

std::string order_not_found(Lang l, std::string_view ref) {
  if (l == Lang::en) return "There is no order #" + std::string(ref) + ".";
  return "没有找到订单 #" + std::string(ref) + "。";
}

std::string not_your_order(Lang l, std::string_view ref) {
  if (l == Lang::en) return "Order #" + std::string(ref) + " belongs to another household; only that household can change it.";
  return "订单 #" + std::string(ref) + " 属于其他住户，只有该住户可以修改。";
}

std::string ask_address(Lang l) {
  if (l == Lang::en) return "Thank you! Which flat is this for? Please write it like \"3-2-502\" (building-unit-room) and send the order again with it.";
  return "收到！请问是哪一户？请写上门牌号，例如「3栋2单元502」，连同需要的东西再发一次。";
}

std::string ask_unclear(Lang l, std::string_view unclear) {
  if (l == Lang::en)
    return "Sorry, I am not sure what you need" + (unclear.empty() ? std::string() : " in \"" + std::string(unclear) + "\"") +
           ". Could you write it as item and amount, e.g. \"rice 5kg, milk x2\"?";
  return "抱歉，我没看懂" + (unclear.empty() ? std::string("您的需求") : "「" + std::string(unclear) + "」") +
         "。请按「物品+数量」再写一次，例如「大米10斤，牛奶2盒」。";
}

std::string registered(Lang l, std::string_view address) {
  if (l == Lang::en) return "Your account is now linked to " + std::string(address) + ". You can order without writing the flat from now on.";
  return "已将您的账号绑定到 " + std::string(address) + "，以后下单可以不写门牌号。";
}

std::string register_usage(Lang l) {
  if (l == Lang::en) return "Please write your flat after the command, e.g. \"/register 3-2-502\".";
  return "请在指令后写上门牌号，例如「登记 3-2-502」。";
}

std::string open_orders(Lang l, std::string_view address, const std::vector<Order>& orders) {
  if (orders.empty()) {
    if (l == Lang::en) return std::string(address) + " has no open orders.";
    return std::string(address) + " 目前没有未完成的订单。";
  }
  std::string s = l == Lang::en ? "Open orders for " + std::string(address) + ":" : std::string(address) + " 的未完成订单：";
  for (const auto& o : orders) {
    s += "\n#" + std::to_string(o.no.value) + " " + status_name(l, o.status) + (l == Lang::en ? ": " : "：");
    bool first = true;
    for (const auto& line : o.lines) {
      s += (first ? "" : (l == Lang::en ? ", " : "、")) + line_text(line);
      first = false;
    }
  }
  return s;
}

std::string no_household(Lang l) {
  if (l == Lang::en) return "I don't know your flat yet. Send /register 3-2-502 (with your own flat) or include it in your order.";
  return "还不知道您的门牌号。请发送「登记 3-2-502」（换成您的门牌号），或在下单时写上门牌号。";
}

std::string no_previous_order(Lang l) {
  if (l == Lang::en) return "I could not find an earlier order for your flat to repeat. Please write what you need.";
  return "没有找到您家之前的订单，无法照上次下单。请直接写需要的东西。";
}

std::string item_not_in_order(Lang l, const Order& o) {
  std::string no = "#" + std::to_string(o.no.value);
  if (l == Lang::en) return "Order " + no + " does not have that item, so nothing was cancelled. It has:" + lines_block(o);
  return "订单 " + no + " 里没有这样东西，所以没有取消。订单现在是：" + lines_block(o);
}

std::string coordinators_only(Lang l) {
  if (l == Lang::en) return "Sorry, only the community's coordinators can use this command.";
  return "抱歉，这个指令只有社区协调员可以使用。";
}

std::string isolate_usage(Lang l) {
  if (l == Lang::en) return "Write the flat and the number of days, e.g. \"/isolate 3-2-502 14\" (0 days ends it).";
  return "请写门牌号和天数，例如「隔离 3-2-502 14」（0 天表示解除）。";
}

std::string isolation_set(Lang l, std::string_view address, int days) {
  if (l == Lang::en) return std::string(address) + " is marked as isolated for " + std::to_string(days) + " days.";
  return std::string(address) + " 已登记居家隔离 " + std::to_string(days) + " 天。";
}

std::string isolation_ended(Lang l, std::string_view address) {
  if (l == Lang::en) return "Isolation of " + std::string(address) + " has ended.";
  return std::string(address) + " 的居家隔离已解除。";
}

std::string isolated_list(Lang l, const std::vector<IsolatedHousehold>& list, UnixTime now, int days_quiet) {
  if (list.empty()) return l == Lang::en ? "No household is isolated at the moment." : "目前没有居家隔离的住户。";
  std::string s = l == Lang::en ? "Isolated households (" + std::to_string(list.size()) + "):"
                                : "居家隔离住户（" + std::to_string(list.size()) + " 户）：";
  int quiet = 0;
  for (const auto& h : list) {
    auto days_left = (h.until - now + 86399) / 86400;
    bool needs_call = h.last_order_at == 0 || now - h.last_order_at >= static_cast<UnixTime>(days_quiet) * 86400;
    quiet += needs_call ? 1 : 0;
    if (l == Lang::en) {
      s += "\n• " + h.address + ", " + std::to_string(days_left) + " days left" +
           (h.last_order_at == 0 ? ", never ordered" : "") + (needs_call ? "  ← call them" : "");
    } else {
      s += "\n• " + h.address + "，还剩 " + std::to_string(days_left) + " 天" +
           (h.last_order_at == 0 ? "，从未下单" : "") + (needs_call ? "  ← 请电话联系" : "");
    }
  }
  if (l == Lang::en)
    s += "\n" + std::to_string(quiet) + " have not ordered for " + std::to_string(days_quiet) + " days or more.";
  else
    s += "\n其中 " + std::to_string(quiet) + " 户已 " + std::to_string(days_quiet) + " 天或更久没有下单。";
  return s;
}

std::string receipt_thanks(Lang l, const std::vector<Order>& orders) {
  std::string nos;
  for (const auto& o : orders) nos += (nos.empty() ? "#" : ", #") + std::to_string(o.no.value);
  if (l == Lang::en) return "Thank you for confirming! Order " + nos + " is marked as received.";
  return "谢谢确认！订单 " + nos + " 已标记为收到。";
}

std::string nothing_to_receive(Lang l) {
  if (l == Lang::en) return "None of your orders is on its way yet, so there is nothing to confirm.";
  return "您的订单还没有在配送中，暂时无需确认收货。";
}


}  // namespace supplybot::handlers::texts
