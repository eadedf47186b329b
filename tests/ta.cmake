# The transfer agent's tests (tests/ta/, docs/transfer-agent.md). One binary; one ctest per
# database back end (not one per test case, as gtest_discover_tests would make them), so that the
# PostgreSQL server the binary starts for itself (tests/ta/backends.h) starts once per run.
file(GLOB TESTS_ta CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ta/*.cc)
add_executable(ta_tests ${TESTS_ta})
add_dependencies(unit_tests ta_tests)
target_include_directories(ta_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ta_tests PRIVATE stoa_ta PkgConfig::HTTPLIB GTest::gtest_main GTest::gmock)
target_compile_definitions(ta_tests PRIVATE STOA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_test(NAME ta.sqlite COMMAND ta_tests --gtest_filter=-*/Postgres:CrossBackend.*)
set_tests_properties(ta.sqlite PROPERTIES TIMEOUT 300 LABELS "fast;unit;ta")
add_test(NAME ta.postgres COMMAND ta_tests --gtest_filter=*/Postgres:CrossBackend.*)
set_tests_properties(ta.postgres PROPERTIES TIMEOUT 300 LABELS "fast;unit;ta")
# SIGKILL during projection, restart, `stoa register check` (tests/ta_register_crash_test.sh).
add_test(NAME ta.register_crash
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ta_register_crash_test.sh $<TARGET_FILE:stoa>
                 $<TARGET_FILE:crash_load>)
set_tests_properties(ta.register_crash PROPERTIES TIMEOUT 300 RESOURCE_LOCK stoa_ports
                     LABELS "slow;ta")
# The holder list as XLSX opened with an independent reader (exceljs from npm).
add_test(NAME ta.xlsx COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ta_xlsx_test.sh
                              $<TARGET_FILE:ta_tests> ${CMAKE_SOURCE_DIR})
set_tests_properties(ta.xlsx PROPERTIES TIMEOUT 120 LABELS "fast;ta")
# The OCF v1.2.0 export validates with Ajv (npm) against the vendored schemas, cross-references
# checked (the golden package, which the golden test proves the export produces).
add_test(NAME ta.ocf COMMAND ${NODE_EXECUTABLE} ta_ocf_check.mjs ${CMAKE_CURRENT_SOURCE_DIR}/ta/golden/ocf
                             ${CMAKE_CURRENT_SOURCE_DIR}/ta/ocf-schema-v1.2.0/schema
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(ta.ocf PROPERTIES TIMEOUT 60 LABELS "fast;ta")
# `stoa apikey`, `document`, `lost-holder`, `statement` (tests/ta_access_cli_test.sh).
add_test(NAME ta.access_cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ta_access_cli_test.sh $<TARGET_FILE:stoa>)
set_tests_properties(ta.access_cli PROPERTIES TIMEOUT 60 LABELS "fast;ta")
# The transfer agent's bench at 2,000 holders (bench/ta_bench.cc): projection, the cap table at a
# past date, the holder list (CSV, XLSX), a dividend's DividendPaid events, the tax forms and a
# 3-for-2 split (every balance after it checked); it
# checks its answers and exits 1 on a wrong one. The 1,000,000-holder figures (docs/PERFORMANCE.md)
# are not run in CI.
add_test(NAME bench.ta_smoke COMMAND ta_bench)
set_tests_properties(bench.ta_smoke PROPERTIES
  ENVIRONMENT "STOA_TA_BENCH_HOLDERS=2000;STOA_TA_BENCH_PER_BLOCK=500;STOA_TA_BENCH_REPS=1"
  LABELS "fast;bench;ta"
  TIMEOUT 120)
# OCF import into a new security on a real node: the mints replayed with batchMint, the same cap
# table as the exported one, and the refusals sending nothing (tests/ta_ocf_import_test.sh).
add_test(NAME ta.ocf_import
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ta_ocf_import_test.sh $<TARGET_FILE:stoa>)
set_tests_properties(ta.ocf_import PROPERTIES TIMEOUT 120 RESOURCE_LOCK stoa_ports
                     LABELS "slow;ta")
