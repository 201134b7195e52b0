# supplybot_test(NAME SOURCES... LIBS lib...) builds one doctest executable and registers it
# with ctest. Each suite has one main (doctest_main.cpp); tests run from a temp dir of their own.
function(supplybot_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${PROJECT_SOURCE_DIR}/tests/doctest_main.cpp ${T_SOURCES})
  target_link_libraries(${name} PRIVATE supplybot_options doctest::doctest ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
