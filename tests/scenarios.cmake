# Scenario files (docs/scenarios.md): one CTest test per tests/scenarios/*.scn and examples/*.scn,
# each run by the stoa binary itself (`stoa scenario FILE`), plus `stoa demo`.
if(TARGET stoa)
  file(GLOB STOA_SCENARIO_FILES CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/*.scn ${CMAKE_SOURCE_DIR}/examples/*.scn)
  foreach(f ${STOA_SCENARIO_FILES})
    get_filename_component(stoa_scn_name ${f} NAME_WE)
    add_test(NAME scenario.${stoa_scn_name} COMMAND $<TARGET_FILE:stoa> scenario ${f})
    set_tests_properties(scenario.${stoa_scn_name} PROPERTIES LABELS "fast;scenario")
  endforeach()
  add_test(NAME scenario.demo_command COMMAND $<TARGET_FILE:stoa> demo)
  # The printed cap table shows the dividend round, the split with its fractions and their cash in
  # lieu (issue 16).
  set_tests_properties(
    scenario.demo_command
    PROPERTIES PASS_REGULAR_EXPRESSION
               "Cap table.*Total +1,274,999 +100.00%.*Dividends — .*round 1: 85,000.00 USD.*round 2: 4.00 USD cash in lieu of split 1's fractions — 2 payments, net 4.00 USD.*Splits — .*split 1: 3-for-2 on [0-9-]+ — supply 850,000 → 1,274,999; 1 share in fractions, paid as cash in lieu by round 2"
               LABELS "fast;scenario")
endif()
