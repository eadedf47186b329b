# The crash test (tests/crash_test.sh): `stoa serve --sync-submit` under continuous signed load,
# killed with SIGKILL at random moments for ~60 s (STOA_CRASH_SECONDS for longer runs), then
# every acknowledged transaction must be there, `stoa verify` must pass, and the digest must
# equal a clean replay's.
if(NOT TARGET stoa OR NOT TARGET stoa_cli)
  message(FATAL_ERROR "the journal tests need the stoa and stoa_cli targets")
endif()
add_executable(crash_load ${CMAKE_CURRENT_SOURCE_DIR}/crash/crash_load.cc)
target_link_libraries(crash_load PRIVATE stoa_cli stoa_chain)
add_test(NAME journal.crash
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/crash_test.sh $<TARGET_FILE:stoa>
                 $<TARGET_FILE:crash_load>)
set_tests_properties(journal.crash PROPERTIES TIMEOUT 600 RESOURCE_LOCK stoa_ports
                     LABELS "slow;journal")
# The corruption cases end-to-end through the binary (tests/journal_cli_test.sh).
add_test(NAME journal.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/journal_cli_test.sh $<TARGET_FILE:stoa>
                 $<TARGET_FILE:crash_load>)
set_tests_properties(journal.cli PROPERTIES TIMEOUT 300 RESOURCE_LOCK stoa_ports
                     LABELS "slow;journal")
# SIGTERM with idle keep-alive clients and signed load: exit status 0, acknowledged = durable
# (tests/shutdown_test.sh).
add_test(NAME node.shutdown_with_idle_clients
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/shutdown_test.sh $<TARGET_FILE:stoa>
                 $<TARGET_FILE:crash_load>)
set_tests_properties(node.shutdown_with_idle_clients PROPERTIES TIMEOUT 120
                     RESOURCE_LOCK stoa_ports LABELS "slow")
