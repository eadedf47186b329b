# Bounded libFuzzer runs of the decoders (clang, ASan, UBSan). Longer runs: scripts/fuzz.sh.
file(GLOB STOA_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(f ${STOA_FUZZ_TARGETS})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX REPLACE "_fuzz$" "" target ${name})
  add_test(NAME fuzz.${target} COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz.sh ${target} 10
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 300)
endforeach()
