# tilsyn_module(NAME DEPS ...): one static library per folder under src/.
# Sources are globbed so a new file in a module needs no CMake edit.
function(tilsyn_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cc)
  if(NOT srcs)  # a module with headers only (so far)
    add_library(tilsyn_${name} INTERFACE)
    target_include_directories(tilsyn_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(tilsyn_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(tilsyn_${name} STATIC ${srcs})
  target_include_directories(tilsyn_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tilsyn_${name} PUBLIC ${ARG_DEPS})
endfunction()

# tilsyn_unit_test(NAME DEPS ...): one GoogleTest binary per module, from test/unit/NAME/*_test.cc.
function(tilsyn_unit_test name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/test/unit/${name}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name}_test ${srcs})
  target_include_directories(${name}_test PRIVATE ${PROJECT_SOURCE_DIR}/test ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} tilsyn_fakes GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
                       PROPERTIES ENVIRONMENT "TILSYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};TILSYN_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
