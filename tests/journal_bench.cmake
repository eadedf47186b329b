# A smoke run of bench/journal_bench (small sizes): it checks its own results (replayed head and
# digest, restored snapshot digest) and exits non-zero on a wrong answer; no speed is asserted.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/journal_bench.cc)
  add_test(NAME journal.bench_smoke COMMAND journal_bench)
  set_tests_properties(journal.bench_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_HOLDERS=1000;STOA_BENCH_REPLAY_BLOCKS=5;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/journal-bench-smoke"
    LABELS "bench" TIMEOUT 300)
endif()
