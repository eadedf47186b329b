# The side-by-side load run, reduced: 20 investors, 400 signed transfers on stoa and 100 on the
# ERC-3643 reference (T-REX on Hardhat's in-process EVM), one run each, through the same C++
# JSON-RPC client. It checks every send, every receipt's status against the prediction, the
# exact refused-by-compliance count and every investor's final balance on both sides; it asserts
# nothing about speed. Needs bench/load/node_modules (scripts/install-deps.sh installs them).
find_program(NODE_EXECUTABLE node)
if(NOT NODE_EXECUTABLE OR NOT TARGET stoa_load)
  message(FATAL_ERROR "bench.load_smoke needs node and the stoa_load target")
endif()
add_test(NAME bench.load_smoke
         COMMAND ${NODE_EXECUTABLE} run.mjs --investors 20 --transfers 400
                 --reference-transfers 100 --runs 1 --concurrency 2 --batch 20
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/bench/load)
set_tests_properties(bench.load_smoke PROPERTIES
  ENVIRONMENT "STOA_BIN=$<TARGET_FILE:stoa>;STOA_LOAD_BIN=$<TARGET_FILE:stoa_load>"
  LABELS "slow;bench"
  TIMEOUT 240
  RESOURCE_LOCK stoa_ports)
