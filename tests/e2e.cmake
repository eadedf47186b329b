# The end-to-end suite: node's test runner with ethers v6 and viem (npm) against a real `stoa serve --dev`.
find_program(NODE_EXECUTABLE node)
if(NOT NODE_EXECUTABLE)
  message(FATAL_ERROR "node is required for tests/e2e: run scripts/install-deps.sh")
endif()
add_test(NAME e2e.ethers
         COMMAND ${NODE_EXECUTABLE} --test --test-concurrency=1 ethers.test.js kyc.test.js openapi.test.js quickstart.test.js websocket.test.js viem.test.js eth_compat.test.js artifacts.test.js balance.test.js history.test.js corporate.test.js dividends.test.js siwe.test.js split.test.js
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(e2e.ethers PROPERTIES ENVIRONMENT "STOA_BIN=$<TARGET_FILE:stoa>" TIMEOUT 600
                     RESOURCE_LOCK stoa_ports LABELS "slow;e2e")
# A browser dapp: Debian's headless Chromium (playwright-core) loads a page from another origin
# that calls the node with viem (CORS, issue 13 item 5).
add_test(NAME e2e.browser
         COMMAND ${NODE_EXECUTABLE} --test --test-concurrency=1 browser.test.js
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(e2e.browser PROPERTIES ENVIRONMENT "STOA_BIN=$<TARGET_FILE:stoa>" TIMEOUT 120
                     RESOURCE_LOCK stoa_ports LABELS "slow;e2e")
# docs/openapi.json passes Redocly's recommended rules (npm @redocly/cli, run offline).
add_test(NAME lint.openapi_redocly
         COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/node_modules/.bin/redocly lint
                 ${CMAKE_SOURCE_DIR}/docs/openapi.json --format=summary
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(lint.openapi_redocly PROPERTIES
                     ENVIRONMENT "REDOCLY_TELEMETRY=off;REDOCLY_SUPPRESS_UPDATE_NOTICE=true"
                     TIMEOUT 60 LABELS "fast;lint")
# stoa driven with T-REX's and ONCHAINID's own artifact ABIs (npm @tokenysolutions/t-rex,
# @onchain-id/solidity; issue 13 item 3).
add_test(NAME e2e.trex
         COMMAND ${NODE_EXECUTABLE} --test --test-concurrency=1 trex.test.js
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(e2e.trex PROPERTIES ENVIRONMENT "STOA_BIN=$<TARGET_FILE:stoa>" TIMEOUT 120
                     RESOURCE_LOCK stoa_ports LABELS "slow;e2e")
# Every T-REX v4 / ONCHAINID selector and event is in docs/abi (or a listed deliberate
# difference) and docs/erc3643-compatibility.md is current (node tests/e2e/erc3643_table.mjs).
add_test(NAME lint.erc3643_table
         COMMAND ${NODE_EXECUTABLE} erc3643_table.mjs --check
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(lint.erc3643_table PROPERTIES TIMEOUT 60 LABELS "fast;lint")
# A 2-of-3 MultisigAdmin administering a security: two owners' keys confirm and execute an
# issuance and a seizure, read from the Gnosis-style events (docs/multisig.md; issue 16 item 5).
add_test(NAME e2e.multisig
         COMMAND ${NODE_EXECUTABLE} --test --test-concurrency=1 multisig.test.js
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/e2e)
set_tests_properties(e2e.multisig PROPERTIES ENVIRONMENT "STOA_BIN=$<TARGET_FILE:stoa>" TIMEOUT 120
                     RESOURCE_LOCK stoa_ports LABELS "slow;e2e")
