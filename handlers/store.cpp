#include "handlers/store.hpp"

namespace supplybot::handlers {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::resident: return "resident";
    case Role::volunteer: return "volunteer";
    case Role::coordinator: return "coordinator";
  }
  return "resident";
}

}  // namespace supplybot::handlers
