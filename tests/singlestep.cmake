# singlestep: the SingleStepTests hardware-captured vectors (MOO format) for
# the 8086 and the 80286 in real mode (see docs/singlestep.md).
# Included from tests/CMakeLists.txt:  include(singlestep.cmake)
#
# Each test passes when at least 99.9 % of the vectors that run pass.
add_executable(singlestep ${CMAKE_CURRENT_LIST_DIR}/singlestep.c ${CMAKE_CURRENT_LIST_DIR}/singlestep_meta.c
               ${CMAKE_CURRENT_LIST_DIR}/singlestep_moo.c)
target_link_libraries(singlestep PRIVATE tarsier_core ZLIB::ZLIB)
set(SINGLESTEP_DATA ${CMAKE_SOURCE_DIR}/../shared/testdata/singlestep)
add_test(NAME singlestep_8086 COMMAND singlestep 8086 ${SINGLESTEP_DATA}/8086/v1_binary)
add_test(NAME singlestep_286 COMMAND singlestep 286 ${SINGLESTEP_DATA}/80286/v1_real_mode)
