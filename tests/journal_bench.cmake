# A smoke run of bench/journal_bench (small sizes): it checks its own results (replayed head and
# digest, restored snapshot digest) and exits non-zero on a wrong answer; no speed is asserted.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/journal_bench.cc)
  add_test(NAME journal.bench_smoke COMMAND journal_bench)
  set_tests_properties(journal.bench_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_HOLDERS=1000;STOA_BENCH_REPLAY_BLOCKS=5;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/journal-bench-smoke"
    LABELS "bench" TIMEOUT 300)
endif()

# A smoke run of bench/pipeline_bench (durable batched transfers through the sequencer, small
# sizes): it checks every receipt and every touched balance against its model; no speed asserted.
add_test(NAME journal.pipeline_bench_smoke COMMAND pipeline_bench)
set_tests_properties(journal.pipeline_bench_smoke PROPERTIES
  ENVIRONMENT "STOA_BENCH_HOLDERS=2000;STOA_BENCH_TRANSFERS=20000;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/pipeline-bench-smoke"
  LABELS "bench" TIMEOUT 300)
