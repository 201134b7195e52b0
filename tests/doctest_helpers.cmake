# supplybot_test(NAME SOURCES... LIBS lib...) builds one doctest executable and registers it
# with ctest. Every suite links the one doctest main (doctest_main.cpp), compiled once: doctest's
# implementation is the heaviest translation unit of a small suite, twice so under sanitizers.
if(NOT TARGET supplybot_doctest_main)
  add_library(supplybot_doctest_main STATIC ${PROJECT_SOURCE_DIR}/tests/doctest_main.cpp)
  target_link_libraries(supplybot_doctest_main PUBLIC supplybot_options doctest::doctest)
endif()
function(supplybot_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE supplybot_options supplybot_doctest_main doctest::doctest ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
