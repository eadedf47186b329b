# Bounded libFuzzer runs of the decoders: the binaries of the stoa_fuzzers sub-build (clang, ASan,
# UBSan; fuzz/CMakeLists.txt) for 10 s each, through scripts/fuzz.sh without its build step.
# Longer runs: scripts/fuzz.sh TARGET SECONDS.
if(STOA_FUZZ)
  file(GLOB STOA_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
  foreach(f ${STOA_FUZZ_TARGETS})
    get_filename_component(name ${f} NAME_WE)
    string(REGEX REPLACE "_fuzz$" "" target ${name})
    add_test(NAME fuzz.${target} COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz.sh ${target} 10)
    set_tests_properties(fuzz.${target} PROPERTIES TIMEOUT 120 LABELS "slow;fuzz"
                         ENVIRONMENT "FUZZ_NO_BUILD=1;BUILD_DIR=${CMAKE_BINARY_DIR}")
  endforeach()
endif()
