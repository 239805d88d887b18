# decoder_xcheck: the instruction decoder cross-checked against capstone on
# random byte sequences (see docs/decoder-xcheck.md).
# Included from tests/CMakeLists.txt:  include(decoder_xcheck.cmake)
#
# The test runs 200,000 seeded sequences in each of 16- and 32-bit mode;
# the full measurement is `decoder_xcheck 1000000 1 both`.
add_executable(decoder_xcheck ${CMAKE_CURRENT_LIST_DIR}/decoder_xcheck.c
               ${CMAKE_CURRENT_LIST_DIR}/decoder_xcheck_classify.c)
target_link_libraries(decoder_xcheck PRIVATE tarsier_core PkgConfig::CAPSTONE)
add_test(NAME decoder_xcheck COMMAND decoder_xcheck 200000 12345 both)
