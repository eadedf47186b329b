# A smoke run of bench/journal_bench (small sizes): it checks its own results (replayed head and
# digest, restored snapshot digest) and exits non-zero on a wrong answer; no speed is asserted.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/journal_bench.cc)
  add_test(NAME journal.bench_smoke COMMAND journal_bench)
  set_tests_properties(journal.bench_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_HOLDERS=1000;STOA_BENCH_REPLAY_BLOCKS=5;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/journal-bench-smoke"
    LABELS "bench" TIMEOUT 300)
endif()

# The same for bench/restart_bench: a small data directory (20,000 signed transfers among 500
# holders, blocks of 1,000), both restarts and the verify path; each must reach the writer's head.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/restart_bench.cc)
  add_test(NAME journal.restart_bench_smoke COMMAND restart_bench)
  set_tests_properties(journal.restart_bench_smoke PROPERTIES
    ENVIRONMENT "STOA_RESTART_TXS=20000;STOA_RESTART_HOLDERS=500;STOA_RESTART_BLOCK_TXS=1000;STOA_RESTART_VERIFY=1;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/restart-bench-smoke"
    LABELS "bench" TIMEOUT 300)
endif()
