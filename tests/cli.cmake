# The CLI's end-to-end flow against a real `stoa serve --dev` (tests/cli_flow.sh; needs jq, curl).
add_test(NAME cli.flow COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli_flow.sh $<TARGET_FILE:stoa>)
set_tests_properties(cli.flow PROPERTIES TIMEOUT 300 RESOURCE_LOCK stoa_ports
                     LABELS "slow;cli")
# Every subcommand's --help, `stoa help`, `stoa --version`, and missing arguments by name.
add_test(NAME cli.help COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli_help_test.sh $<TARGET_FILE:stoa>)
set_tests_properties(cli.help PROPERTIES TIMEOUT 60 LABELS "fast;cli")
