# U256 arithmetic against Python's big integers (tests/common/u256_oracle.py): random and edge
# values through add/sub/mul/div/mod/mul_div_floor and decimal round trips.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_executable(u256_oracle ${CMAKE_CURRENT_SOURCE_DIR}/common/u256_oracle.cc)
target_link_libraries(u256_oracle PRIVATE stoa_common)
add_test(NAME common.u256_oracle
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/common/u256_oracle.py
                 $<TARGET_FILE:u256_oracle>)
set_tests_properties(common.u256_oracle PROPERTIES LABELS "fast;unit" TIMEOUT 120)
add_dependencies(unit_tests u256_oracle)  # also run under ASan + UBSan by make sanitize
