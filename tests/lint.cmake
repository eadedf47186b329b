# Source lints run as tests (each first checks itself on a built-in bad example):
#   lint.function_size  no function body over 70 lines; the allow-listed ones may only shrink
#                       (scripts/lint_function_size.py, scripts/function_size_allowlist.txt)
#   lint.core_purity    no clocks, randomness, threads, environment or I/O in the deterministic
#                       core (scripts/lint_core_purity.py)
#   lint.rpc_docs       every JSON-RPC method served is in docs/NODE.md's method table
#                       (scripts/lint_rpc_docs.py)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME lint.function_size
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/lint_function_size.py)
add_test(NAME lint.core_purity
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/lint_core_purity.py)
add_test(NAME lint.rpc_docs COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/lint_rpc_docs.py)
add_test(NAME lint.rpc_docs_self_test
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/lint_rpc_docs.py --self-test)
set_tests_properties(lint.function_size lint.core_purity lint.rpc_docs lint.rpc_docs_self_test
                     PROPERTIES LABELS "fast;lint" TIMEOUT 60)
