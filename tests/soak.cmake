# A short soak (bench/soak/soak.sh, 25 s): normal JSON-RPC load with signed transfers while
# 2,000 idle connections, slowloris clients, oversized and chunked bodies and deeply nested JSON
# hit the node. Asserts correctness only: every normal request answered correctly, every
# acknowledged transfer with a receipt, every hostile request refused, the node alive and its
# SIGTERM exit clean. The 10-minute run is documented in docs/NODE.md.
if(NOT TARGET stoa OR NOT TARGET stoa_soak)
  message(FATAL_ERROR "node.soak needs the stoa and stoa_soak targets")
endif()
add_test(NAME node.soak
         COMMAND bash ${CMAKE_SOURCE_DIR}/bench/soak/soak.sh $<TARGET_FILE:stoa>
                 $<TARGET_FILE:stoa_soak> 25)
set_tests_properties(node.soak PROPERTIES TIMEOUT 180 RESOURCE_LOCK stoa_ports LABELS "slow")
