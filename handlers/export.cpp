#include "handlers/export.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace supplybot::handlers {
namespace {

// All wording of the spreadsheets, in one place: Chinese first, then English, so one file
// serves both kinds of coordinator.
constexpr std::array<std::string_view, 19> k_order_header = {
    "订单号 Order",      "地址 Address",       "楼栋 Building",     "状态 Status",
    "加急 Urgent",       "志愿者 Volunteer",   "轮次 Round",        "物品 Item",
    "数量 Qty",          "单位 Unit",          "类别 Category",     "物品备注 Item note",
    "缺货 Missing",      "订单备注 Order notes", "下单时间 Created", "分配时间 Assigned",
    "购买时间 Purchased", "送达时间 Delivered", "签收时间 Received"};
constexpr std::array<std::string_view, 6> k_shopping_header = {
    "类别 Category", "物品 Item", "数量 Qty", "单位 Unit", "订单数 Orders", "缺货数量 Missing qty"};
constexpr std::string_view k_yes = "是 yes";
constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_crlf = "\r\n";

std::string_view status_label(OrderStatus s) {
  switch (s) {
    case OrderStatus::pending: return "待分配 pending";
    case OrderStatus::assigned: return "已分配 assigned";
    case OrderStatus::purchased: return "已购买 purchased";
    case OrderStatus::delivered: return "已送达 delivered";
    case OrderStatus::cancelled: return "已取消 cancelled";
  }
  return "";
}

// Text we produced ourselves (numbers, times, labels): only RFC 4180 quoting.
void put_cell(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Text from residents and volunteers: a cell starting with = + - @ (or a tab / CR, which some
// spreadsheets skip before looking) would be run as a formula; a leading ' makes it plain text.
void put_text_cell(std::string& out, std::string_view v) {
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos) {
    put_cell(out, "'" + std::string(v));
    return;
  }
  put_cell(out, v);
}

template <std::size_t N>
void put_header(std::string& out, const std::array<std::string_view, N>& header) {
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ',';
    put_cell(out, header[i]);
  }
  out += k_crlf;
}

std::string number(std::int64_t v) { return std::to_string(v); }

bool needs_buying(OrderStatus s) {
  return s == OrderStatus::pending || s == OrderStatus::assigned || s == OrderStatus::purchased;
}

struct LocalTime {
  int year;
  unsigned month, day;
  long hour, minute, second;
};

LocalTime local_time(UnixTime t, int utc_offset_minutes) {
  using namespace std::chrono;
  sys_seconds tp{seconds{t + static_cast<std::int64_t>(utc_offset_minutes) * 60}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  return LocalTime{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                   static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                   static_cast<long>(hms.seconds().count())};
}

}  // namespace

std::string format_export_qty(double qty) {
  if (!std::isfinite(qty)) return "";
  double r = std::round(qty * 1000) / 1000;
  if (r == 0) r = 0;  // no "-0"
  std::array<char, 400> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), r, std::chars_format::fixed, 3);
  if (ec != std::errc{}) return "";
  std::string s(buf.data(), end);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string format_local_minute(UnixTime t, int utc_offset_minutes) {
  if (t == 0) return "";
  auto lt = local_time(t, utc_offset_minutes);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld", lt.year, lt.month, lt.day, lt.hour, lt.minute);
  return buf;
}

std::string format_iso8601(UnixTime t, int utc_offset_minutes) {
  if (t == 0) return "";
  auto lt = local_time(t, utc_offset_minutes);
  int off = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02d:%02d", lt.year, lt.month, lt.day, lt.hour,
                lt.minute, lt.second, utc_offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::vector<ExportRow> export_rows(const Order& order) {
  ExportRow base{.order_no = order.no,
                 .address = order.address,
                 .building = building_of(order.address),
                 .status = order.status,
                 .urgent = order.urgent,
                 .volunteer = order.volunteer_name,
                 .round_id = order.round_id,
                 .notes = order.notes,
                 .created_at = order.created_at,
                 .assigned_at = order.assigned_at,
                 .purchased_at = order.purchased_at,
                 .delivered_at = order.delivered_at,
                 .received_at = order.received_at};
  std::vector<ExportRow> rows;
  if (order.lines.empty()) rows.push_back(base);
  for (const auto& line : order.lines) {
    ExportRow r = base;
    r.item_name = line.name;
    r.qty = line.qty;
    r.unit = line.unit;
    r.category = line.category;
    r.item_note = line.note;
    r.missing = line.missing;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string orders_csv(const std::vector<ExportRow>& rows, int utc_offset_minutes) {
  std::string out(k_bom);
  put_header(out, k_order_header);
  for (const auto& r : rows) {
    const bool item = !r.item_name.empty();
    put_cell(out, number(r.order_no.value));
    out += ',';
    put_text_cell(out, r.address);
    out += ',';
    put_text_cell(out, r.building);
    out += ',';
    put_cell(out, status_label(r.status));
    out += ',';
    put_cell(out, r.urgent ? k_yes : "");
    out += ',';
    put_text_cell(out, r.volunteer);
    out += ',';
    put_cell(out, r.round_id ? number(r.round_id) : "");
    out += ',';
    put_text_cell(out, r.item_name);
    out += ',';
    put_cell(out, item ? format_export_qty(r.qty) : "");
    out += ',';
    put_text_cell(out, item ? r.unit : "");
    out += ',';
    put_text_cell(out, item ? r.category : "");
    out += ',';
    put_text_cell(out, item ? r.item_note : "");
    out += ',';
    put_cell(out, item && r.missing ? k_yes : "");
    out += ',';
    put_text_cell(out, r.notes);
    for (UnixTime t : {r.created_at, r.assigned_at, r.purchased_at, r.delivered_at, r.received_at}) {
      out += ',';
      put_cell(out, format_local_minute(t, utc_offset_minutes));
    }
    out += k_crlf;
  }
  return out;
}

std::vector<ShoppingLine> shopping_list(const std::vector<ExportRow>& rows) {
  ShoppingTally tally;
  for (const auto& r : rows) {
    if (r.item_name.empty() || !needs_buying(r.status)) continue;
    tally.add(r.order_no.value, r.urgent, r.category, r.item_name, r.unit, r.qty, r.missing);
  }
  return tally.totals();
}

std::string shopping_csv(const std::vector<ShoppingLine>& lines) {
  std::string out(k_bom);
  put_header(out, k_shopping_header);
  for (const auto& l : lines) {
    put_text_cell(out, l.category.empty() ? k_other_category : std::string_view(l.category));
    out += ',';
    put_text_cell(out, l.name);
    out += ',';
    put_cell(out, format_export_qty(l.qty));
    out += ',';
    put_text_cell(out, l.unit);
    out += ',';
    put_cell(out, number(l.orders));
    out += ',';
    put_cell(out, format_export_qty(l.missing_qty));
    out += k_crlf;
  }
  return out;
}

}  // namespace supplybot::handlers
