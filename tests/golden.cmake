# The golden data directory (tests/golden): every build opens, replays and verifies a data
# directory written by an older stoa to the same head and state root.
add_test(NAME golden.replay COMMAND ${CMAKE_SOURCE_DIR}/tests/golden/check.sh $<TARGET_FILE:stoa>)
set_tests_properties(golden.replay PROPERTIES TIMEOUT 300 RESOURCE_LOCK stoa_ports
                     LABELS "fast;journal")
