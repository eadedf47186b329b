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
  set_tests_properties(scenario.demo_command PROPERTIES PASS_REGULAR_EXPRESSION "Cap table"
                       LABELS "fast;scenario")
endif()
