# difftest: differential tester of the CPU core against the host processor
# (and optionally Unicorn).  See docs/difftest.md.
# Included from tests/CMakeLists.txt:  include(difftest/difftest.cmake)
#
# The native helper runs the generated code on the host, so it is built only
# on an x86-64 host with a 64-bit compiler.  Unicorn (Debian libunicorn-dev)
# is optional: with it, BCD and PUSHA/POPA sequences are checked too.
set(DIFFTEST_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(difftest ${DIFFTEST_DIR}/difftest.c ${DIFFTEST_DIR}/runners.c ${DIFFTEST_DIR}/compare.c
               ${DIFFTEST_DIR}/gen.c ${DIFFTEST_DIR}/gen_alu.c ${DIFFTEST_DIR}/gen_move.c ${DIFFTEST_DIR}/gen_fpu.c)
target_link_libraries(difftest PRIVATE tarsier_core)
pkg_check_modules(UNICORN QUIET IMPORTED_TARGET unicorn)
if(UNICORN_FOUND)
  target_include_directories(difftest PRIVATE ${UNICORN_INCLUDE_DIRS})
  target_link_libraries(difftest PRIVATE ${CMAKE_DL_LIBS})
  target_compile_definitions(difftest PRIVATE DT_HAVE_UNICORN=1)
endif()

set(DIFFTEST_NATIVE OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(DIFFTEST_NATIVE ON)
  add_executable(dt_native ${DIFFTEST_DIR}/native_helper.c)
  # the helper jumps into generated code and catches its faults: no sanitizers
  target_compile_options(dt_native PRIVATE -fno-sanitize=all -O2)
  target_link_options(dt_native PRIVATE -fno-sanitize=all)
  # difftest finds the helper next to itself
  set_target_properties(dt_native PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_target_properties(difftest PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  add_dependencies(difftest dt_native)
endif()

if(DIFFTEST_NATIVE OR UNICORN_FOUND)
  # 10 % of the sequences unmask x87 exceptions (docs/difftest.md class 13)
  add_test(NAME difftest_seeded COMMAND difftest -s 20260301 -n 300000 -E 10 -q)
  set_tests_properties(difftest_seeded PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
