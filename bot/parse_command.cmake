# `supplybot parse` as a library, included from bot/CMakeLists.txt; main wires it to CLI11.
add_library(supplybot_parse_command STATIC ${CMAKE_CURRENT_LIST_DIR}/parse_command.cpp)
target_link_libraries(supplybot_parse_command
  PUBLIC supplybot_options supplybot_parse supplybot_catalog_loader
  PRIVATE nlohmann_json::nlohmann_json)
