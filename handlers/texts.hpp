#pragma once
// Every word the bot says, in Chinese and English, in one place so a translator finds it.
// Pure functions of their arguments.

#include <string>
#include <string_view>
#include <vector>

#include "handlers/order.hpp"
#include "handlers/store.hpp"

namespace supplybot::handlers {

enum class Lang { zh, en };

namespace texts {

std::string help(Lang l);
std::string start(Lang l);
std::string unknown_command(Lang l, std::string_view command);
std::string not_available_yet(Lang l, std::string_view command);
// Said instead of sending a file where the bot cannot send files (a WeCom group robot).
std::string file_not_sent_here(Lang l, std::string_view file_name);

std::string format_qty(double qty);
std::string line_text(const OrderLine& line);
std::string status_name(Lang l, OrderStatus s);

std::string order_confirmed(Lang l, const Order& o);
std::string order_updated(Lang l, const Order& o);
std::string order_cancelled(Lang l, const Order& o);
std::string change_refused(Lang l, const Order& o);
std::string already_cancelled(Lang l, const Order& o);
std::string no_order_to_change(Lang l);
std::string order_not_found(Lang l, std::string_view ref);
std::string not_your_order(Lang l, std::string_view ref);
std::string ask_address(Lang l);
std::string ask_unclear(Lang l, std::string_view unclear);
std::string registered(Lang l, std::string_view address);
std::string register_usage(Lang l);
std::string open_orders(Lang l, std::string_view address, const std::vector<Order>& orders);
std::string no_household(Lang l);
std::string no_previous_order(Lang l);
std::string item_not_in_order(Lang l, const Order& o);
std::string coordinators_only(Lang l);
std::string isolate_usage(Lang l);
std::string isolation_set(Lang l, std::string_view address, int days);
std::string isolation_ended(Lang l, std::string_view address);
// days_quiet: households that have not ordered for that many days are marked for a call.
std::string isolated_list(Lang l, const std::vector<IsolatedHousehold>& list, UnixTime now, int days_quiet);
std::string receipt_thanks(Lang l, const std::vector<Order>& orders);
std::string nothing_to_receive(Lang l);


}  // namespace texts
}  // namespace supplybot::handlers
