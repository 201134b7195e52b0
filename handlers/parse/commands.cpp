#include "handlers/parse/commands.hpp"

#include <array>

namespace supplybot::handlers {
namespace {

using W = std::string_view;
constexpr W kStart[] = {"开始", "start"};
constexpr W kHelp[] = {"帮助", "help", "使用说明", "怎么用"};
constexpr W kRegister[] = {"登记", "注册", "register"};
constexpr W kMy[] = {"我的订单", "查订单", "my orders", "my order"};
constexpr W kCancel[] = {"取消订单", "取消", "cancel order", "cancel"};
constexpr W kTasks[] = {"我的任务", "tasks", "my tasks"};
constexpr W kList[] = {"购物清单", "清单", "shopping list"};
constexpr W kBought[] = {"已购", "已买", "买好了", "bought"};
constexpr W kDelivered[] = {"已送达", "已送", "送达", "delivered"};
constexpr W kClaim[] = {"认领", "接单", "claim"};
constexpr W kRelease[] = {"释放", "退回", "release"};
constexpr W kOn[] = {"上班", "on duty", "on"};
constexpr W kOff[] = {"下班", "off duty", "off"};
constexpr W kAssign[] = {"分配", "assign"};
constexpr W kVolunteer[] = {"志愿者", "volunteer"};
constexpr W kCoordinator[] = {"协调员", "coordinator"};
constexpr W kRound[] = {"接龙轮次", "轮次", "round"};
constexpr W kSummary[] = {"统计", "summary"};
constexpr W kShopping[] = {"采购汇总", "shopping"};
constexpr W kExport[] = {"导出", "export"};
constexpr W kIsolate[] = {"隔离", "isolate"};
constexpr W kIsolated[] = {"隔离名单", "isolated"};
constexpr W kReceived[] = {"收到", "已收到", "received"};
constexpr W kQueue[] = {"待分配", "queue"};

constexpr std::array kCommands = {
    CommandSpec{"start", kStart, false},        CommandSpec{"help", kHelp, false},
    CommandSpec{"register", kRegister, true},   CommandSpec{"my", kMy, false},
    CommandSpec{"cancel", kCancel, false},      CommandSpec{"tasks", kTasks, false},
    CommandSpec{"list", kList, false},          CommandSpec{"bought", kBought, false},
    CommandSpec{"delivered", kDelivered, false}, CommandSpec{"claim", kClaim, false},
    CommandSpec{"release", kRelease, false},    CommandSpec{"on", kOn, false},
    CommandSpec{"off", kOff, false},            CommandSpec{"assign", kAssign, false},
    CommandSpec{"volunteer", kVolunteer, false}, CommandSpec{"coordinator", kCoordinator, false},
    CommandSpec{"round", kRound, true},         CommandSpec{"summary", kSummary, false},
    CommandSpec{"shopping", kShopping, false},  CommandSpec{"export", kExport, true},
    CommandSpec{"isolate", kIsolate, true},     CommandSpec{"isolated", kIsolated, false},
    CommandSpec{"received", kReceived, false},  CommandSpec{"queue", kQueue, false},
};

}  // namespace

std::span<const CommandSpec> command_table() { return kCommands; }

std::string_view find_command(std::string_view word) {
  for (const auto& c : kCommands) {
    if (c.name == word) return c.name;
    for (auto w : c.words) {
      if (w == word) return c.name;
    }
  }
  return {};
}

}  // namespace supplybot::handlers
